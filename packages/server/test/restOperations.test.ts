/**
 * A declarative REST source through the operations a real source goes through, each sync run by the
 * server (API trigger, durable workflow) in full-refresh mode and the table compared with the fake
 * catalog's ground truth: the first sync; inserts, updates, deletes (soft-deleted rows) and blank
 * text (null, as the engine's rule for text says); schema drift — a new field becomes a column at
 * the next sync (the document rediscovers before every sync), a field whose values change type is
 * reported on the run and the value its column cannot hold is a failed record with its stage and
 * raw data; a record without its key is a failed record too, and the run goes on. An element of
 * the records array that is not an object (a shape the document did not declare) is one failed
 * record naming its place in the body, with its value; the other records are synced.
 */
import { assert, layer } from "@effect/vitest"
import { FakeCatalog } from "@syncflow/rest/testing"
import { Effect, Predicate, Schema } from "effect"
import { SqlClient } from "effect/sql"
import { FailedRecordView, type RunView } from "../src/api/Views.ts"
import { comparableRows } from "./comparableRows.ts"
import { finishedRun } from "./finishedRun.ts"
import { bodyAs, call, testServerLayer } from "./fixtures.ts"

const document = (baseUrl: string) => `title: Catalog
baseUrl: ${baseUrl}
auth: { type: bearer }
discoveryTtlSeconds: 0
streams:
  - name: items
    path: /items
    records: items
    primaryKey: id
    pageSize: { max: 10 }
    pagination: { style: page-number, pageParam: page, sizeParam: per_page, totalPages: total_pages }
`

/** The live rows of a connector's items table, by id. */
const liveTable = (connector: string) =>
  Effect.flatMap(SqlClient.SqlClient, (sql) =>
    sql.unsafe<Record<string, unknown>>(`SELECT * FROM ${connector}.items WHERE NOT _deleted ORDER BY id`)
  ).pipe(Effect.orDie)

/** The fake's items as the table should hold them: blank text is null (the engine's rule for text). */
const truthRows = (fake: FakeCatalog.FakeCatalog, except: ReadonlyArray<number> = []) =>
  [...fake.items.entries()]
    .filter(([id]) => !except.includes(id))
    .sort(([a], [b]) => a - b)
    .map(([, item]) =>
      Object.fromEntries(
        Object.entries(item).map(([name, value]) => [
          name,
          typeof value === "string" && value.trim() === "" ? null : value
        ])
      )
    )

/** Asserts the table's live rows equal the truth on every field of the truth. */
const assertTableIsTruth = (fake: FakeCatalog.FakeCatalog, except: ReadonlyArray<number> = [], connector = "catalog") =>
  Effect.gen(function* () {
    const expected = truthRows(fake, except)
    const fields = [...new Set(expected.flatMap((row) => Object.keys(row)))]
    const rows = (yield* liveTable(connector)).filter((row) => !except.includes(Number(row.id)))
    assert.deepStrictEqual(comparableRows(rows, fields), comparableRows(expected, fields))
  })

/** Triggers a sync of the items and waits for its run (the one after `after`). */
const sync = (after?: string, connector = "catalog") =>
  Effect.gen(function* () {
    const started = yield* call("POST", `/api/v1/connectors/${connector}/entities/items/sync`)
    assert.strictEqual(started.status, 202, JSON.stringify(started.body))
    const run: typeof RunView.Type = yield* finishedRun(connector, "items", after)
    return run
  })

layer(testServerLayer, { timeout: 180_000, excludeTestServices: true })("a REST source's operations", (it) => {
  it.effect(
    "inserts, updates, deletes, blank text, a new field, a retyped field and a keyless record, against the truth",
    () =>
      Effect.gen(function* () {
        const fake = yield* FakeCatalog.make({ items: 30 })
        const created = yield* call("POST", "/api/v1/connectors", {
          body: {
            id: "catalog",
            adapter: "rest",
            name: "Catalog",
            config: { document: document(fake.baseUrl) },
            credentials: { type: "bearer", token: "t0ken" }
          }
        })
        assert.strictEqual(created.status, 201, JSON.stringify(created.body))
        assert.strictEqual((yield* call("POST", "/api/v1/connectors/catalog/discover")).status, 200)
        const patched = yield* call("PATCH", "/api/v1/connectors/catalog/entities/items", {
          body: { enabled: false, mode: "full-refresh" }
        })
        assert.strictEqual(patched.status, 200, JSON.stringify(patched.body))

        const first = yield* sync()
        assert.deepInclude(first, { status: "succeeded" })
        assert.deepInclude(first.counts, { inserted: 30, failed: 0 })
        yield* assertTableIsTruth(fake)

        // Inserts, updates, deletes and blank text.
        fake.insert(3)
        fake.update(4, { name: "Renamed", quantity: 41 })
        fake.update(9, { note: "   " })
        fake.remove([2, 17])
        const second = yield* sync(first.id)
        assert.deepInclude(second, { status: "succeeded" })
        assert.deepInclude(second.counts, { inserted: 3, updated: 2, deleted: 2, failed: 0 })
        yield* assertTableIsTruth(fake)

        // Schema drift: a new field on every item; one item's quantity becomes text.
        for (const id of fake.items.keys()) fake.update(id, { colour: id % 2 === 0 ? "red" : "blue" })
        fake.update(5, { quantity: "lots" })
        const third = yield* sync(second.id)
        assert.deepInclude(third, { status: "succeeded" })
        assert.deepInclude(
          third.typeMismatches.map((mismatch) => mismatch.column),
          "quantity"
        )
        yield* assertTableIsTruth(fake, [5])
        // A keyless record: the others are synced, it is a failed record with its raw data.
        fake.update(8, { id: undefined, name: "Keyless" })
        const fourth = yield* sync(third.id)
        assert.deepInclude(fourth, { status: "succeeded" })
        const failed = bodyAs(
          yield* call("GET", "/api/v1/connectors/catalog/failed-records"),
          Schema.Array(FailedRecordView)
        )
        const quantity = failed.find((record) => Predicate.isObject(record.rawData) && record.rawData.id === 5)
        assert.isDefined(quantity, JSON.stringify(failed))
        assert.strictEqual(Predicate.isObject(quantity?.rawData) ? quantity.rawData.quantity : undefined, "lots")
        const keyless = failed.find((record) => JSON.stringify(record.rawData).includes("Keyless"))
        assert.isDefined(keyless, JSON.stringify(failed))
        for (const record of [quantity, keyless]) assert.isNotEmpty(record?.stage)
        yield* assertTableIsTruth(fake, [5, 8])
      }).pipe(Effect.scoped),
    180_000
  )

  it.effect(
    "an element of the records array that is not an object is one failed record; the others are synced",
    () =>
      Effect.gen(function* () {
        const fake = yield* FakeCatalog.make({ items: 30 })
        const created = yield* call("POST", "/api/v1/connectors", {
          body: {
            id: "strays",
            adapter: "rest",
            name: "Catalog with strays",
            config: { document: document(fake.baseUrl) },
            credentials: { type: "bearer", token: "t0ken" }
          }
        })
        assert.strictEqual(created.status, 201, JSON.stringify(created.body))
        // Pages of 10: a string after item 4 (items[4] of the first page), null after item 25
        // (items[5] of the third).
        fake.stray(4, "oops")
        fake.stray(25, null)
        assert.strictEqual((yield* call("POST", "/api/v1/connectors/strays/discover")).status, 200)
        const run = yield* sync(undefined, "strays")
        assert.deepInclude(run, { status: "succeeded" })
        assert.deepInclude(run.counts, { fetched: 32, inserted: 30, failed: 2 })
        yield* assertTableIsTruth(fake, [], "strays")
        const failed = bodyAs(
          yield* call("GET", "/api/v1/connectors/strays/failed-records"),
          Schema.Array(FailedRecordView)
        )
        assert.deepStrictEqual(
          failed
            .map((record) => ({
              stage: record.stage,
              errorType: record.errorType,
              message: record.message,
              rawData: record.rawData,
              runId: record.runId
            }))
            .sort((a, b) => JSON.stringify(a.rawData).localeCompare(JSON.stringify(b.rawData))),
          [
            {
              stage: "validate",
              errorType: "MissingBusinessKey",
              message: "id: is part of the business key but null or missing",
              rawData: { "items[4]": "oops" },
              runId: run.id
            },
            {
              stage: "validate",
              errorType: "MissingBusinessKey",
              message: "id: is part of the business key but null or missing",
              rawData: { "items[5]": null },
              runId: run.id
            }
          ]
        )
        // The stray element's place is no column of the table.
        const columns = Object.keys((yield* liveTable("strays"))[0] ?? {})
        assert.notInclude(columns, "items[4]")
      }).pipe(Effect.scoped),
    180_000
  )
})
