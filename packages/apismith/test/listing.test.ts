import { assert, describe, it } from "@effect/vitest"
import { Effect, Exit, Redacted, Stream } from "effect"
import { fromClient } from "../src/ApiSmithAdapter.ts"
import { MAX_PAGE_SIZE } from "../src/endpoints/ListData.ts"
import { FakeErp } from "../src/testing/index.ts"
import { ClientStack, clientOf } from "./support/harness.ts"
import { cleanRecordsOf, recordsOf, truthOf } from "./support/listing.ts"

const rows = { items: 2345, customers: 310, orders: 420 }

describe("full listing", () => {
  it.effect("every entity lists exactly its ground truth, row for row, in order", () =>
    Effect.gen(function* () {
      const fake = yield* FakeErp.make({ seed: 7, rows })
      const adapter = fromClient(yield* clientOf(fake))
      const entities = (yield* adapter.manifests).map((m) => m.entity)
      assert.deepStrictEqual(entities, ["units", "items", "customers", "orders", "order_lines"])
      for (const entity of entities) {
        const clean = yield* cleanRecordsOf(adapter, entity)
        const truth = truthOf(fake, entity)
        assert.strictEqual(clean.length, fake.groundTruth.count(entity), entity)
        assert.deepStrictEqual(clean, truth, entity)
      }
      // order lines follow from orders: 1 to 6 per order
      const lines = fake.groundTruth.count("order_lines")
      assert.isTrue(lines >= rows.orders && lines <= 6 * rows.orders)
    }).pipe(Effect.scoped, Effect.provide(ClientStack))
  )

  it.effect("records carry the data as sent, the row version and the Oracle keys", () =>
    Effect.gen(function* () {
      const fake = yield* FakeErp.make({ rows: { items: 3 } })
      const adapter = fromClient(yield* clientOf(fake))
      const [first] = yield* recordsOf(adapter, "items")
      assert.deepStrictEqual(first?._oracle_keys, { PART_NO: "PART-0000001" })
      assert.match(String(first?._row_version), /^\d{14}$/)
      // schema drift: a field the metadata does not declare is passed through
      assert.isTrue(first !== undefined && "legacy_flag" in first)
      const lines = yield* recordsOf(adapter, "order_lines")
      assert.deepStrictEqual(lines[0]?._oracle_keys, { ORDER_NO: "SO00000001", LINE_NO: 1 })
    }).pipe(Effect.scoped, Effect.provide(ClientStack))
  )

  it.effect("pages hold at most 1,000 rows whatever is asked; the last page says has_more false", () =>
    Effect.gen(function* () {
      const fake = yield* FakeErp.make({ rows: { items: 2500 } })
      const client = yield* clientOf(fake)
      const pages = yield* Stream.runCollect(client.streamPages("items", { pageSize: 5000 }))
      assert.deepStrictEqual(
        pages.map((p) => [p.items.length, p.body.page, p.body.page_size, p.body.has_more]),
        [
          [1000, 1, 1000, true],
          [1000, 2, 1000, true],
          [500, 3, 1000, false]
        ]
      )
      const sizes = (yield* fake.requests).map((r) => r.url.searchParams.get("page_size"))
      assert.deepStrictEqual(sizes, [String(MAX_PAGE_SIZE), String(MAX_PAGE_SIZE), String(MAX_PAGE_SIZE)])
      // the server caps a larger ask by itself; a page past the end is empty and says has_more false
      const token = Redacted.value(yield* fake.mintToken())
      const get = (query: string) =>
        Effect.promise(() =>
          fetch(`${fake.baseUrl}/api/v1/data/items?${query}`, { headers: { authorization: `Bearer ${token}` } }).then(
            (r) =>
              r.json() as Promise<{ rows: ReadonlyArray<unknown>; page: number; page_size: number; has_more: boolean }>
          )
        )
      const big = yield* get("page=1&page_size=5000")
      assert.deepStrictEqual([big.rows.length, big.page_size, big.has_more], [1000, 1000, true])
      assert.deepStrictEqual(yield* get("page=4&page_size=1000"), {
        rows: [],
        page: 4,
        page_size: 1000,
        has_more: false
      })
    }).pipe(Effect.scoped, Effect.provide(ClientStack))
  )

  it.effect("an unknown entity fails with NotFound; bad parameters are rejected with 400", () =>
    Effect.gen(function* () {
      const fake = yield* FakeErp.make({ rows: { items: 3 } })
      const client = yield* clientOf(fake)
      const unknown = yield* Effect.exit(Stream.runDrain(client.streamPages("suppliers")))
      assert.isTrue(Exit.isFailure(unknown))
      if (Exit.isFailure(unknown)) assert.include(String(unknown.cause), "NotFound")
      const bad = yield* Effect.exit(Stream.runDrain(client.streamPages("items", { rowversionGt: "yesterday" })))
      assert.isTrue(Exit.isFailure(bad))
      if (Exit.isFailure(bad)) assert.include(String(bad.cause), "RequestRejected")
    }).pipe(Effect.scoped, Effect.provide(ClientStack))
  )
})

describe("page cache (for benchmarks)", () => {
  it.effect("serves the same pages from the cache until a mutation, then the new data", () =>
    Effect.gen(function* () {
      const fake = yield* FakeErp.make({ seed: 3, rows: { items: 1500 }, pageCache: true })
      const adapter = fromClient(yield* clientOf(fake))
      assert.strictEqual(yield* fake.prerender("items", { pageSize: MAX_PAGE_SIZE }), 2)
      assert.deepStrictEqual(yield* cleanRecordsOf(adapter, "items"), truthOf(fake, "items"))
      const report = yield* fake.mutate("items", { update: 10, insert: 5 })
      assert.strictEqual(report.updated.length, 10)
      const after = yield* cleanRecordsOf(adapter, "items")
      assert.strictEqual(after.length, 1505)
      assert.deepStrictEqual(after, truthOf(fake, "items"))
    }).pipe(Effect.scoped, Effect.provide(ClientStack))
  )
})
