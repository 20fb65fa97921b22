import { assert, describe, it } from "@effect/vitest"
import { Effect, Stream } from "effect"
import { fromClient } from "../src/ApiSmithAdapter.ts"
import { ORACLE_KEYS_FIELD, ROW_VERSION_FIELD } from "../src/rows/ApiSmithRecord.ts"
import * as RowVersion from "../src/rows/RowVersion.ts"
import { FakeErp } from "../src/testing/index.ts"
import { ClientStack, clientOf } from "./support/harness.ts"
import { cleanRecordsOf, keysOf, recordsOf, truthOf } from "./support/listing.ts"

const key = (keys: unknown) => JSON.stringify(keys)
const maxVersion = (records: ReadonlyArray<Readonly<Record<string, unknown>>>) =>
  records
    .map((r) => String(r[ROW_VERSION_FIELD]))
    .sort()
    .at(-1) ?? ""

describe("rowversion listing", () => {
  it.effect("after mutations lists exactly the inserted, updated and touched rows, plus the boundary second", () =>
    Effect.gen(function* () {
      const fake = yield* FakeErp.make({ seed: 3, rows: { items: 3000 } })
      const adapter = fromClient(yield* clientOf(fake))
      const before = yield* recordsOf(adapter, "items")
      const seen = maxVersion(before)
      assert.strictEqual(seen, fake.dataset.newestRowVersion("items"))
      const boundary = before.filter((r) => r[ROW_VERSION_FIELD] === seen).map((r) => key(r[ORACLE_KEYS_FIELD]))
      assert.isTrue(boundary.length > 1, "several rows share the newest row version")

      const report = yield* fake.mutate("items", { insert: 25, update: 40, touch: 5, delete: 7 })
      assert.deepStrictEqual(
        [report.inserted.length, report.updated.length, report.touched.length, report.deleted.length],
        [25, 40, 5, 7]
      )
      assert.isTrue(report.rowVersion > seen)
      const changed = new Set([...report.inserted, ...report.updated, ...report.touched].map(key))
      const deleted = new Set(report.deleted.map(key))

      const delta = yield* recordsOf(adapter, "items", { since: seen })
      const listed = keysOf(delta)
      assert.strictEqual(new Set(listed).size, listed.length, "no row twice")
      // past the last version seen: exactly the changed rows, all at the mutation's version
      const newer = delta.filter((r) => String(r[ROW_VERSION_FIELD]) > seen)
      assert.deepStrictEqual(new Set(keysOf(newer)), changed)
      assert.isTrue(newer.every((r) => r[ROW_VERSION_FIELD] === report.rowVersion))
      // at the boundary second: the rows seen there that did not change again (re-read on purpose)
      const atBoundary = delta.filter((r) => r[ROW_VERSION_FIELD] === seen)
      assert.deepStrictEqual(
        new Set(keysOf(atBoundary)),
        new Set(boundary.filter((k) => !changed.has(k) && !deleted.has(k)))
      )
      assert.isFalse(
        listed.some((k) => deleted.has(k)),
        "deleted rows vanish"
      )
      // and the delta is the ground truth from the boundary second on
      assert.deepStrictEqual(
        yield* cleanRecordsOf(adapter, "items", { since: seen }),
        truthOf(fake, "items", RowVersion.previous(seen))
      )
      // and the full listing is the ground truth, deleted rows gone and inserted ones in
      const full = yield* cleanRecordsOf(adapter, "items")
      assert.strictEqual(full.length, 3000 + 25 - 7)
      assert.deepStrictEqual(full, truthOf(fake, "items"))
    }).pipe(Effect.scoped, Effect.provide(ClientStack))
  )

  it.effect("updates change the data; touches only the row version", () =>
    Effect.gen(function* () {
      const fake = yield* FakeErp.make({ seed: 4, rows: { items: 500 } })
      const original = new Map(truthOf(fake, "items").map((row) => [key(row.oracleKeys), row]))
      const report = yield* fake.mutate("items", { update: 30, touch: 30 })
      const now = new Map(truthOf(fake, "items").map((row) => [key(row.oracleKeys), row]))
      const differs = report.updated.filter(
        (k) => JSON.stringify(now.get(key(k))?.values) !== JSON.stringify(original.get(key(k))?.values)
      )
      assert.isTrue(differs.length >= 28, `${differs.length} of 30 updated rows changed data`)
      for (const k of report.touched) {
        assert.deepStrictEqual(now.get(key(k))?.values, original.get(key(k))?.values)
        assert.strictEqual(now.get(key(k))?.rowVersion, report.rowVersion)
      }
    }).pipe(Effect.scoped, Effect.provide(ClientStack))
  )

  it.effect("a change committed in the same second as the last version seen is not skipped", () =>
    Effect.gen(function* () {
      const fake = yield* FakeErp.make({ rows: { items: 800 } })
      const client = yield* clientOf(fake)
      const adapter = fromClient(client)
      const first = yield* fake.mutate("items", { update: 10 })
      const synced = yield* recordsOf(adapter, "items", { since: first.rowVersion })
      assert.strictEqual(synced.length, 10)
      const seen = maxVersion(synced)
      // later, in the very same second, more rows change
      const late = yield* fake.mutate("items", { update: 6, sameSecond: true })
      assert.strictEqual(late.rowVersion, seen)
      const again = keysOf(yield* recordsOf(adapter, "items", { since: seen }))
      for (const k of late.updated) assert.include(again, key(k))
      // a strictly-greater filter at the last version seen would have skipped them
      const strict = yield* client.streamAll("items", { rowversionGt: seen }).pipe(Stream.runCollect)
      assert.strictEqual(strict.length, 0)
    }).pipe(Effect.scoped, Effect.provide(ClientStack))
  )

  it.effect("a column added between two syncs is discovered and carried by the rows changed after it", () =>
    Effect.gen(function* () {
      const fake = yield* FakeErp.make({ rows: { items: 1200 } })
      const adapter = fromClient(yield* clientOf(fake))
      const columnsBefore = (yield* adapter.manifests).find((m) => m.entity === "items")?.columns ?? []
      const report = yield* fake.mutate("items", { addColumn: true, update: 20, insert: 5 })
      assert.strictEqual(report.addedColumn, "planner_code")
      const columnsAfter = (yield* adapter.manifests).find((m) => m.entity === "items")?.columns ?? []
      assert.deepStrictEqual(
        columnsAfter.map((c) => c.name),
        [...columnsBefore.map((c) => c.name), "planner_code"]
      )
      assert.deepStrictEqual(columnsAfter.at(-1), {
        name: "planner_code",
        type: "string",
        sourceType: "VARCHAR2(10)",
        nullable: true,
        businessKey: false,
        length: 10
      })
      const delta = yield* cleanRecordsOf(adapter, "items", { since: report.rowVersion })
      assert.strictEqual(delta.length, 25)
      assert.isTrue(delta.filter((row) => row.values.planner_code !== null).length >= 20)
      // rows not changed since keep null, as Oracle leaves existing rows after ADD COLUMN
      const full = yield* cleanRecordsOf(adapter, "items")
      assert.deepStrictEqual(full, truthOf(fake, "items"))
      assert.isTrue(
        full.slice(0, 100).every((row) => row.values.planner_code === null || row.rowVersion === report.rowVersion)
      )
    }).pipe(Effect.scoped, Effect.provide(ClientStack))
  )

  it.effect(
    "a NUMBER column retyped to text is VARCHAR2 in the metadata; changed rows carry texts, some not numbers",
    () =>
      Effect.gen(function* () {
        const fake = yield* FakeErp.make({ seed: 4, rows: { items: 1200 } })
        const adapter = fromClient(yield* clientOf(fake))
        const before = yield* cleanRecordsOf(adapter, "items")
        const report = yield* fake.mutate("items", { retypeColumn: true, update: 60, insert: 10 })
        assert.strictEqual(report.retypedColumn, "weight_kg")
        const column = (yield* adapter.manifests)
          .find((m) => m.entity === "items")
          ?.columns?.find((c) => c.name === "weight_kg")
        assert.deepInclude(column, { type: "string", sourceType: "VARCHAR2(20)", nullable: true })
        // What the adapter serves, cleaned as text by the reference normalizer, is the truth.
        const full = yield* cleanRecordsOf(adapter, "items")
        assert.deepStrictEqual(full, truthOf(fake, "items"))
        // Unchanged rows keep their number, as text; changed rows hold texts, some of them not numbers.
        const changed = new Set([...report.updated, ...report.inserted].map(key))
        const old = new Map(before.map((row) => [key(row.oracleKeys), row.values.weight_kg]))
        const unchanged = full.filter((row) => !changed.has(key(row.oracleKeys)))
        assert.strictEqual(unchanged.length, 1200 - 60)
        for (const row of unchanged) {
          const was = old.get(key(row.oracleKeys))
          assert.strictEqual(row.values.weight_kg, was === null || was === undefined ? null : String(was))
        }
        const texts = full.filter((row) => changed.has(key(row.oracleKeys))).map((row) => row.values.weight_kg)
        assert.isTrue(texts.some((text) => typeof text === "string" && !/^[0-9.]+$/.test(text)))
        assert.isTrue(texts.some((text) => typeof text === "string" && /^[0-9.]+$/.test(text)))
      }).pipe(Effect.scoped, Effect.provide(ClientStack))
  )

  it.effect("children keep their order keys; a deleted order leaves its lines behind", () =>
    Effect.gen(function* () {
      const fake = yield* FakeErp.make({ rows: { orders: 40 } })
      const report = yield* fake.mutate("orders", { delete: 3 })
      const gone = new Set(report.deleted.map((k) => k.ORDER_NO))
      const orphans = truthOf(fake, "order_lines").filter((line) => gone.has(String(line.values.order_no)))
      assert.isTrue(orphans.length >= 3)
      const lines = yield* fake.mutate("order_lines", { insert: 4 })
      const orders = new Set(truthOf(fake, "orders").map((o) => o.values.order_no))
      for (const k of lines.inserted) assert.isTrue(Number(k.LINE_NO) >= 100 && typeof k.ORDER_NO === "string")
      assert.isTrue(lines.inserted.filter((k) => orders.has(String(k.ORDER_NO))).length >= 1)
    }).pipe(Effect.scoped, Effect.provide(ClientStack))
  )
})
