import { assert, describe, it } from "@effect/vitest"
import { Effect, Redacted, Stream } from "effect"
import { fromClient } from "../src/ApiSmithAdapter.ts"
import * as RowVersion from "../src/rows/RowVersion.ts"
import { ErpDataset, FakeErp } from "../src/testing/index.ts"
import { ClientStack, clientOf } from "./support/harness.ts"

const partNo = (i: number) => `PART-${String(i + 1).padStart(7, "0")}`

describe("large listings", () => {
  it.effect("100,000 rows stream through the adapter one page at a time, generated on the fly", () =>
    Effect.gen(function* () {
      const fake = yield* FakeErp.make({ rows: { items: 100_000 } })
      const adapter = fromClient(yield* clientOf(fake))
      // fold without collecting: each record is checked against its position, so none is skipped or repeated
      const result = yield* adapter.streamPages("items").pipe(
        Stream.runFold(
          () => ({ rows: 0, pages: 0, outOfOrder: 0, largestPage: 0 }),
          (acc, page) => {
            for (const record of page.items) {
              const keys = record._oracle_keys as { readonly PART_NO: string }
              if (keys.PART_NO !== partNo(acc.rows)) acc.outOfOrder++
              acc.rows++
            }
            acc.pages++
            acc.largestPage = Math.max(acc.largestPage, page.items.length)
            return acc
          }
        )
      )
      assert.deepStrictEqual(result, { rows: 100_000, pages: 100, outOfOrder: 0, largestPage: 1000 })
      const stats = yield* fake.stats
      assert.deepStrictEqual([stats.pages, stats.rowsServed, stats.largestPage], [100, 100_000, 1000])
      // every served row was rendered for its page, and the fake keeps no row in memory
      assert.strictEqual(fake.dataset.rowsRendered(), 100_000)
      assert.strictEqual(fake.dataset.stateSize("items"), 0)
    }).pipe(Effect.scoped, Effect.provide(ClientStack))
  )

  it.effect("a dataset of 2^32 items serves its last page at once: nothing is materialised", () =>
    Effect.gen(function* () {
      const dataset = ErpDataset.makeErpDataset({ rows: { items: 2 ** 32 } })
      assert.strictEqual(dataset.count("items"), 2 ** 32)
      const lastPage = Math.ceil(2 ** 32 / 1000)
      const last = JSON.parse(dataset.renderPage("items", { page: lastPage, pageSize: 1000 }).body)
      assert.strictEqual(last.rows.length, 2 ** 32 % 1000)
      assert.strictEqual(last.has_more, false)
      assert.deepStrictEqual(last.rows.at(-1).oracle_keys, { PART_NO: partNo(2 ** 32 - 1) })
      assert.strictEqual(dataset.rowsRendered(), 2 ** 32 % 1000)
      // the same over HTTP, with a change near the end applied without touching the rest
      const fake = yield* FakeErp.make({ rows: { items: 2 ** 32 } })
      const report = yield* fake.mutate("items", { update: 3 })
      assert.strictEqual(fake.dataset.stateSize("items"), 3)
      const token = Redacted.value(yield* fake.mintToken())
      const body = yield* Effect.promise(() =>
        fetch(
          `${fake.baseUrl}/api/v1/data/items?page=1&page_size=10&rowversion_gt=${RowVersion.previous(report.rowVersion)}`,
          {
            headers: { authorization: `Bearer ${token}` }
          }
        ).then((r) => r.json() as Promise<{ rows: ReadonlyArray<{ oracle_keys: unknown }> }>)
      )
      assert.deepStrictEqual(
        new Set(body.rows.map((r) => JSON.stringify(r.oracle_keys))),
        new Set(report.updated.map((k) => JSON.stringify(k)))
      )
    }).pipe(Effect.scoped, Effect.provide(ClientStack))
  )
})
