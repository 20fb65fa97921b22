/**
 * The admin API the dashboard's connectors and failed-records pages use, through a real server over
 * real PostgreSQL and the fake ERP: a schedule's next fire times; a discovery that says which
 * entities drifted (columns added, retyped) beside the table's type mismatches; failed records of
 * every connector filtered by stage and reason, retried or discarded many at once (by ids or by
 * filter); pending children listed, discarded and retried. Every table is compared with the fake's
 * ground truth; bad input is a 400 naming the field.
 */
import { assert, layer } from "@effect/vitest"
import { FakeErp } from "@syncflow/apismith/testing"
import { DateTime, Effect, Option, Redacted, Schema } from "effect"
import { SqlClient } from "effect/sql"
import { ManyDiscardedView, ManyRetriedView, PendingRetriedView } from "../src/api/groups/RecordSelections.ts"
import { NextRuns } from "../src/api/groups/SchedulesGroup.ts"
import { DiscoveredEntityView, FailedRecordView, PendingChildView } from "../src/api/Views.ts"
import { finishedRun } from "./finishedRun.ts"
import { bodyAs, call, eventually, testServerLayer } from "./fixtures.ts"
import { liveRows } from "./liveRows.ts"

const createErp = (id: string, fake: FakeErp.FakeErp) =>
  Effect.gen(function* () {
    const created = yield* call("POST", "/api/v1/connectors", {
      body: {
        id,
        adapter: "apismith",
        name: id,
        config: { baseUrl: fake.baseUrl, pageSize: 100, discoveryTtlSeconds: 0 },
        credentials: { type: "serviceJwt", secret: Redacted.value(fake.secret) }
      }
    })
    assert.strictEqual(created.status, 201)
    const discovered = bodyAs(
      yield* call("POST", `/api/v1/connectors/${id}/discover`),
      Schema.Array(DiscoveredEntityView)
    )
    // Only the test's triggers run.
    for (const entity of discovered) {
      yield* call("PATCH", `/api/v1/connectors/${id}/entities/${entity.entity}`, { body: { enabled: false } })
    }
    return discovered
  })

/** Syncs one entity through the API and waits for its run to end. */
const syncEntity = (connector: string, entity: string) =>
  Effect.gen(function* () {
    const before = yield* call("GET", `/api/v1/runs?connector=${connector}&entity=${entity}&limit=1`)
    const previous = (before.body as ReadonlyArray<{ readonly id: string }>)[0]?.id
    assert.strictEqual((yield* call("POST", `/api/v1/connectors/${connector}/entities/${entity}/sync`)).status, 202)
    return yield* finishedRun(connector, entity, previous)
  })

layer(testServerLayer, { timeout: 120_000, excludeTestServices: true })("the dashboard's admin API", (it) => {
  it.effect("a schedule's next five fire times, as the scheduler reads it; a bad one is a 400 naming the field", () =>
    Effect.gen(function* () {
      const hourly = bodyAs(yield* call("GET", "/api/v1/schedules/next-runs?cron=0%20*%20*%20*%20*"), NextRuns)
      assert.strictEqual(hourly.kind, "cron")
      assert.strictEqual(hourly.nextRuns.length, 5)
      const times = hourly.nextRuns.map((iso) => DateTime.toEpochMillis(DateTime.makeUnsafe(iso)))
      for (const [index, time] of times.entries()) {
        assert.strictEqual(time % 3_600_000, 0, "on the hour")
        if (index > 0) assert.strictEqual(time - times[index - 1]!, 3_600_000)
      }
      assert.isAbove(times[0]!, Date.now() - 1000)

      const interval = bodyAs(yield* call("GET", "/api/v1/schedules/next-runs?intervalSeconds=900&count=3"), NextRuns)
      assert.strictEqual(interval.kind, "interval")
      const periods = interval.nextRuns.map((iso) => DateTime.toEpochMillis(DateTime.makeUnsafe(iso)))
      assert.deepStrictEqual(
        periods.map((time) => time % 900_000),
        [0, 0, 0]
      )
      assert.deepStrictEqual([periods[1]! - periods[0]!, periods[2]! - periods[1]!], [900_000, 900_000])

      const badCron = yield* call("GET", "/api/v1/schedules/next-runs?cron=61%20*%20*%20*%20*")
      assert.strictEqual(badCron.status, 400)
      assert.deepInclude(badCron.body, { field: "cron" })
      assert.strictEqual(badCron.headers.get("content-type"), "application/problem+json")
      const neither = yield* call("GET", "/api/v1/schedules/next-runs")
      assert.strictEqual(neither.status, 400)
      assert.deepInclude(neither.body, { field: "cron" })
      const badInterval = yield* call("GET", "/api/v1/schedules/next-runs?intervalSeconds=0")
      assert.deepInclude(badInterval.body, { field: "intervalSeconds" })
      const badCount = yield* call("GET", "/api/v1/schedules/next-runs?intervalSeconds=60&count=500")
      assert.deepInclude(badCount.body, { field: "count" })
    })
  )

  it.effect(
    "discovery says which entities drifted; failed records are filtered by stage and reason and retried or discarded many at once",
    () =>
      Effect.gen(function* () {
        const fake = yield* FakeErp.make({ seed: 95, rows: { items: 300, customers: 20, orders: 20 } })
        const first = yield* createErp("erp", fake)
        assert.isTrue(first.every((entity) => entity.drift.status === "new"))
        const again = bodyAs(yield* call("POST", "/api/v1/connectors/erp/discover"), Schema.Array(DiscoveredEntityView))
        assert.isTrue(again.every((entity) => entity.drift.status === "unchanged"))
        const synced = yield* syncEntity("erp", "items")
        assert.deepInclude(synced.counts, { inserted: 300, failed: 0 })

        // Upstream: a new column and weight_kg retyped from NUMBER to VARCHAR2(20), some values not numbers.
        const report = yield* fake.mutate("items", { addColumn: true, retypeColumn: true, update: 60, insert: 10 })
        const drifted = bodyAs(
          yield* call("POST", "/api/v1/connectors/erp/discover"),
          Schema.Array(DiscoveredEntityView)
        )
        const items = drifted.find((entity) => entity.entity === "items")
        assert.deepStrictEqual(items?.drift, {
          status: "drifted",
          addedColumns: [report.addedColumn ?? ""],
          removedColumns: [],
          retypedColumns: [{ column: "weight_kg", from: "decimal", to: "string" }],
          keyChanged: false
        })
        assert.isTrue(
          drifted.filter((entity) => entity.entity !== "items").every((e) => e.drift.status === "unchanged")
        )

        // The next sync finds the table's column still numeric: the values it cannot hold are failed records.
        const second = yield* syncEntity("erp", "items")
        assert.deepStrictEqual(second.typeMismatches, [{ column: "weight_kg", expected: "text", actual: "numeric" }])
        const changed = new Set([...report.updated, ...report.inserted].map((keys) => String(keys.PART_NO)))
        const unstorable = Array.from(fake.groundTruth.rows("items")).filter((row) => {
          const weight = row.values.weight_kg
          return changed.has(String(row.values.part_no)) && typeof weight === "string" && !/^\d+(\.\d+)?$/.test(weight)
        })
        assert.isAbove(unstorable.length, 3)
        assert.strictEqual(second.counts.failed, unstorable.length)

        // Across connectors, filtered by connector, stage and reason.
        const failed = bodyAs(
          yield* call(
            "GET",
            "/api/v1/failed-records?connectorId=erp&stage=ingest&errorType=UnstorableValue&limit=1000"
          ),
          Schema.Array(FailedRecordView)
        )
        assert.strictEqual(failed.length, unstorable.length)
        assert.isTrue(failed.every((record) => record.entity === "items" && record.stage === "ingest"))
        for (const none of [
          "stage=normalize",
          "errorType=RequiredFieldMissing",
          "connectorId=other",
          "entity=customers"
        ]) {
          const listed = bodyAs(yield* call("GET", `/api/v1/failed-records?${none}`), Schema.Array(FailedRecordView))
          assert.strictEqual(listed.length, 0, none)
        }
        const badStage = yield* call("GET", "/api/v1/failed-records?stage=landing")
        assert.strictEqual(badStage.status, 400)
        assert.deepInclude(badStage.body, { field: "stage" })

        // Bad selections name the field.
        const both = yield* call("POST", "/api/v1/failed-records/retry", { body: { ids: ["1"], filter: {} } })
        assert.strictEqual(both.status, 400)
        assert.deepInclude(both.body, { field: "ids" })
        const notIds = yield* call("POST", "/api/v1/failed-records/discard", { body: { ids: ["x"] } })
        assert.strictEqual(notIds.status, 400)
        assert.deepInclude(notIds.body, { field: "ids[0]" })

        // Retrying before the table can hold the values: they fail again and stay open.
        const [one, two, ...rest] = failed
        const early = bodyAs(
          yield* call("POST", "/api/v1/failed-records/retry", { body: { ids: [one!.id, two!.id] } }),
          ManyRetriedView
        )
        assert.deepInclude(early, { matched: 2, resolved: 0, skipped: 0, more: false })
        // Discard one by id: it is gone.
        const discarded = bodyAs(
          yield* call("POST", "/api/v1/failed-records/discard", { body: { ids: [one!.id] } }),
          ManyDiscardedView
        )
        assert.deepStrictEqual(discarded, { matched: 1, discarded: 1, more: false })
        assert.strictEqual((yield* call("GET", `/api/v1/failed-records/${one!.id}`)).status, 404)

        // The fix: the column becomes text. A retry by filter, a page at a time, writes the rest.
        const sql = yield* SqlClient.SqlClient
        yield* sql.unsafe(`ALTER TABLE erp.items ALTER COLUMN weight_kg TYPE text USING weight_kg::text`)
        const open = bodyAs(
          yield* call("GET", "/api/v1/failed-records?connectorId=erp&limit=1000"),
          Schema.Array(FailedRecordView)
        )
        assert.strictEqual(open.length, rest.length + 1)
        const firstPage = bodyAs(
          yield* call("POST", "/api/v1/failed-records/retry", {
            body: { filter: { connectorId: "erp", entity: "items", stage: "ingest" }, limit: 2 }
          }),
          ManyRetriedView
        )
        assert.deepInclude(firstPage, { matched: 2, resolved: 2, skipped: 0, more: true })
        const remaining = bodyAs(
          yield* call("POST", "/api/v1/failed-records/retry", {
            body: { filter: { connectorId: "erp", entity: "items", stage: "ingest" } }
          }),
          ManyRetriedView
        )
        assert.deepInclude(remaining, { matched: open.length - 2, resolved: open.length - 2, more: false })
        assert.strictEqual(
          bodyAs(yield* call("GET", "/api/v1/failed-records?connectorId=erp"), Schema.Array(FailedRecordView)).length,
          0
        )

        // The table equals the truth but for the discarded record's row.
        const discardedKey = String((one!.mappedData as Record<string, unknown>).part_no)
        const rows = yield* sql.unsafe<{ readonly key: string; readonly weight: string | null }>(
          `SELECT part_no AS key, weight_kg AS weight FROM erp.items WHERE NOT _deleted`
        )
        const stored = new Map(rows.map((row) => [row.key, row.weight]))
        const inserted = new Set(report.inserted.map((keys) => String(keys.PART_NO)))
        for (const row of fake.groundTruth.rows("items")) {
          const key = String(row.values.part_no)
          const weight = row.values.weight_kg
          if (key === discardedKey) {
            assert.strictEqual(stored.has(key), !inserted.has(key), key)
            continue
          }
          assert.isTrue(stored.has(key), key)
          const got = stored.get(key) ?? null
          if (weight === null) assert.isNull(got, key)
          else if (typeof weight === "number") assert.strictEqual(Number(got), weight, key)
          else assert.strictEqual(got?.trim(), String(weight).trim(), key)
        }
      }),
    120_000
  )

  it.effect("pending children are listed across connectors, discarded and retried once their parents arrived", () =>
    Effect.gen(function* () {
      const fake = yield* FakeErp.make({ seed: 12, rows: { items: 30, customers: 10, orders: 15 } })
      yield* createErp("erp2", fake)
      assert.strictEqual(
        (yield* call("PATCH", "/api/v1/connectors/erp2/entities/orders", { body: { orphans: "park" } })).status,
        200
      )
      // Orders before their customers: parked.
      const orders = fake.groundTruth.count("orders")
      yield* syncEntity("erp2", "orders")
      const parked = bodyAs(
        yield* call("GET", "/api/v1/pending-children?entity=orders&connectorId=erp2&limit=1000"),
        Schema.Array(PendingChildView)
      )
      assert.strictEqual(parked.length, orders)
      assert.isTrue(parked.every((child) => child.parentEntity === "customers"))
      const byParent = bodyAs(
        yield* call("GET", "/api/v1/pending-children?parentEntity=customers&connectorId=erp2"),
        Schema.Array(PendingChildView)
      )
      assert.strictEqual(byParent.length, orders)

      const missingField = yield* call("POST", "/api/v1/pending-children/discard", {
        body: { children: [{ connectorId: "erp2", entity: "orders" }] }
      })
      assert.strictEqual(missingField.status, 400)
      assert.deepInclude(missingField.body, { field: "children[0].bkHash" })
      const [dropped] = parked
      const discarded = bodyAs(
        yield* call("POST", "/api/v1/pending-children/discard", {
          body: { children: [{ connectorId: "erp2", entity: "orders", bkHash: dropped!.bkHash }] }
        }),
        ManyDiscardedView
      )
      assert.deepStrictEqual(discarded, { matched: 1, discarded: 1, more: false })

      // The parents arrive; a retry by filter writes the waiting children.
      yield* syncEntity("erp2", "customers")
      const retried = bodyAs(
        yield* call("POST", "/api/v1/pending-children/retry", {
          body: { filter: { connectorId: "erp2", entity: "orders" } }
        }),
        PendingRetriedView
      )
      assert.deepInclude(retried, { stillWaiting: 0, movedToFailed: 0, skipped: 0, more: false })
      yield* eventually(
        Effect.map(call("GET", "/api/v1/pending-children?connectorId=erp2"), (reply) =>
          bodyAs(reply, Schema.Array(PendingChildView)).length === 0 ? Option.some(true) : Option.none()
        )
      )
      assert.strictEqual(yield* liveRows("erp2", "orders"), orders - 1)
    })
  )
})
