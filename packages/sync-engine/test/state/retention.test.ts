/**
 * Retention, on the TestClock: the retention job's loop deletes, in small batches, the finished runs,
 * execution links, schedule fires, closed failed records and expired rate-limit states older than
 * the retention (30 days here), and keeps recent rows, running runs, open failed records, each
 * entity's latest run and a run an interrupted listing will resume; resolved alerts go too, firing
 * ones stay. A day later, the rows that have crossed the line meanwhile go too.
 */
import { assert, layer } from "@effect/vitest"
import { Clock, Effect, Layer, Option, Queue } from "effect"
import { SqlClient } from "effect/sql"
import { TestClock } from "effect/testing"
import * as PgRateLimiterStore from "../../src/rate-limit/PgRateLimiterStore.ts"
import { ConnectorStore } from "../../src/state/ConnectorStore.ts"
import type { Pruned } from "../../src/state/Retention.ts"
import * as RetentionJob from "../../src/workflow/RetentionJob.ts"
import { WorkflowTriggers } from "../../src/workflow/WorkflowTriggers.ts"
import { stateStoresLayer } from "./fixtures.ts"

const day = 86_400_000
const now = Date.UTC(2026, 5, 1, 12, 0, 0)
/** A time `days` days before the test's now. */
const ago = (days: number) => new Date(now - days * day)

const uuid = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, "0")}`

layer(stateStoresLayer())("retention", (it) => {
  it.effect("deletes old rows in batches, daily; keeps recent and running ones", () =>
    Effect.gen(function* () {
      const sql = (yield* SqlClient.SqlClient).withoutTransforms()
      const connectorStore = yield* ConnectorStore
      // The services whose tables it prunes besides the stores' (building them applies the migrations).
      yield* Layer.build(Layer.mergeAll(WorkflowTriggers.layer, PgRateLimiterStore.layer()))
      yield* connectorStore.createConnector({ id: "erp", adapter: "apismith", name: "ERP" })

      const run = (n: number, entity: string, status: string, startedDaysAgo: number, finishedDaysAgo: number | null) =>
        sql.unsafe(
          `INSERT INTO syncflow.sync_runs (id, connector_id, entity, mode, status, started_at, finished_at)
           VALUES ($1, 'erp', $2, 'incremental', $3, $4, $5)`,
          [uuid(n), entity, status, ago(startedDaysAgo), finishedDaysAgo === null ? null : ago(finishedDaysAgo)]
        )
      // items: five old finished runs (deleted), one running for long (kept), one recent (kept, the latest).
      for (let n = 1; n <= 5; n++) yield* run(n, "items", n % 2 === 0 ? "failed" : "succeeded", 40 + n, 40 + n)
      yield* run(6, "items", "running", 45, null)
      yield* run(7, "items", "succeeded", 1, 1)
      // customers: its only run is old, and the latest: kept.
      yield* run(8, "customers", "succeeded", 60, 60)
      // orders: an old failed run an interrupted listing resumes (kept), a recent one (kept), one that
      // crosses the line tomorrow.
      yield* run(9, "orders", "failed", 50, 50)
      yield* run(10, "orders", "succeeded", 29.5, 29.5)
      yield* run(11, "orders", "succeeded", 2, 2)
      yield* sql.unsafe(
        `INSERT INTO syncflow.checkpoints (connector_id, entity, cursor, listing, updated_at)
         VALUES ('erp', 'orders', '{"page":3}'::jsonb, $1::jsonb, $2)`,
        [JSON.stringify({ runId: uuid(9), mode: "incremental", since: null, maxRowVersion: null }), ago(50)]
      )
      // A failed record of a deleted run stays, without its run.
      const failed = (resolvedDaysAgo: number | null, runN: number) =>
        sql.unsafe(
          `INSERT INTO syncflow.failed_records (run_id, connector_id, entity, stage, error_type, message, created_at,
             resolved_at, resolution)
           VALUES ($1, 'erp', 'items', 'validate', 'required', 'missing', $2, $3, $4)`,
          [
            uuid(runN),
            ago(50),
            resolvedDaysAgo === null ? null : ago(resolvedDaysAgo),
            resolvedDaysAgo === null ? null : "superseded"
          ]
        )
      yield* failed(45, 1) // closed long ago: deleted
      yield* failed(null, 2) // open: kept, whatever its age
      yield* failed(3, 7) // closed recently: kept
      for (let n = 0; n < 5; n++) {
        yield* sql.unsafe(
          `INSERT INTO syncflow.schedule_fires (key, slot, fired_by, fired_at) VALUES ('schedule:erp/items', $1, 'test', $2)`,
          [n, n < 4 ? ago(31 + n) : ago(1)]
        )
        yield* sql.unsafe(
          `INSERT INTO syncflow.execution_runs (execution_id, run_id, connector_id, entity, created_at)
           VALUES ($1, $2, 'erp', 'items', $3)`,
          [`exec-${n}`, uuid(n + 1), n < 3 ? ago(40) : ago(1)]
        )
      }
      yield* sql.unsafe(
        `INSERT INTO syncflow.rate_limits (key, state, expires_at)
         VALUES ('old', '{}'::jsonb, $1), ('live', '{}'::jsonb, $2), ('forever', '{}'::jsonb, NULL)`,
        [ago(35), new Date(now + 60_000)]
      )
      // Alerts: resolved long ago (deleted, with its delivery), firing for long (kept), resolved recently (kept).
      const alert = (state: string, firedDaysAgo: number, resolvedDaysAgo: number | null) =>
        sql.unsafe(
          `WITH a AS (
             INSERT INTO syncflow.alerts (rule, connector_id, entity, state, summary, value, threshold, fired_at,
               resolved_at, updated_at)
             VALUES ('long_run', 'erp', $1, $2, 'x', 1, 1, $3, $4, $3) RETURNING id
           )
           INSERT INTO syncflow.alert_deliveries (alert_id, change, alert, webhook, next_attempt_at, created_at)
           SELECT id, 'firing', '{}'::jsonb, 'ops', $3, $3 FROM a`,
          [`e${firedDaysAgo}`, state, ago(firedDaysAgo), resolvedDaysAgo === null ? null : ago(resolvedDaysAgo)]
        )
      yield* alert("resolved", 40, 35)
      yield* alert("firing", 50, null)
      yield* alert("resolved", 40, 2)

      // The job's own test clock (moving the ambient one by years would wake the pool's timers for each period).
      const clock = yield* TestClock.make()
      yield* clock.setTime(now)
      const passes = yield* Queue.unbounded<Pruned>()
      yield* RetentionJob.loop({
        retention: "30 days",
        batchSize: 2,
        onPass: (pruned) => Queue.offer(passes, pruned).pipe(Effect.asVoid)
      }).pipe(Effect.provideService(Clock.Clock, clock), Effect.forkScoped)

      // The first pass runs at once.
      assert.deepStrictEqual(yield* Queue.take(passes), {
        runs: 5,
        executionLinks: 3,
        scheduleFires: 4,
        failedRecords: 1,
        rateLimits: 1,
        alerts: 1
      })
      const runIds = Effect.map(
        sql.unsafe<{ readonly id: string }>(`SELECT id::text FROM syncflow.sync_runs ORDER BY id`),
        (rows) => rows.map((row) => row.id)
      )
      assert.deepStrictEqual(yield* runIds, [6, 7, 8, 9, 10, 11].map(uuid))
      const records = yield* sql.unsafe<{ readonly run: string | null; readonly resolved: boolean }>(
        `SELECT run_id::text AS run, resolved_at IS NOT NULL AS resolved FROM syncflow.failed_records ORDER BY id`
      )
      // The open record of deleted run 2 stays, without its run.
      assert.deepStrictEqual(
        records.map((record) => [record.run, record.resolved]),
        [
          [null, false],
          [uuid(7), true]
        ]
      )
      const count = (table: string) =>
        Effect.map(sql.unsafe<{ readonly n: number }>(`SELECT count(*)::int AS n FROM ${table}`), (rows) => rows[0]?.n)
      assert.strictEqual(yield* count("syncflow.schedule_fires"), 1)
      assert.strictEqual(yield* count("syncflow.execution_runs"), 2)
      assert.deepStrictEqual(
        (yield* sql.unsafe<{ readonly key: string }>(`SELECT key FROM syncflow.rate_limits ORDER BY key`)).map(
          (row) => row.key
        ),
        ["forever", "live"]
      )
      assert.strictEqual(yield* count("syncflow.alerts"), 2)
      assert.strictEqual(yield* count("syncflow.alert_deliveries"), 2)

      // Nothing happens before a day has passed; then the run that crossed the line goes.
      yield* clock.adjust("23 hours")
      assert.isTrue(Option.isNone(yield* Queue.poll(passes)))
      yield* clock.adjust("1 hour")
      assert.deepStrictEqual(yield* Queue.take(passes), {
        runs: 1,
        executionLinks: 0,
        scheduleFires: 0,
        failedRecords: 0,
        rateLimits: 0,
        alerts: 0
      })
      assert.deepStrictEqual(yield* runIds, [6, 7, 8, 9, 11].map(uuid))
    })
  )
})
