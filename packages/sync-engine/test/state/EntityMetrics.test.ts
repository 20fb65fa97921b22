/**
 * The per-entity metrics (migration 19's triggers, read by `readEntityMetrics`): a run's window
 * counts add to its entity's totals in the window's transaction (and roll back with it), a run's end
 * counts once by status, in the duration histogram and as the last success, a resumed run counts
 * again when it ends again, newly parked children count as `parked`, a deleted connector's rows go,
 * and the migration starts the totals from the runs already recorded.
 */
import { assert, layer } from "@effect/vitest"
import { Duration, Effect, Exit, Schema } from "effect"
import { SqlClient } from "effect/sql"
import { TestClock } from "effect/testing"
import { ConnectorStore } from "../../src/state/ConnectorStore.ts"
import { type EntityMetricsRow, readEntityMetrics, syncDurationBoundaries } from "../../src/state/EntityMetrics.ts"
import { PendingChildStore } from "../../src/state/PendingChildStore.ts"
import { RunStore } from "../../src/state/RunStore.ts"
import { migrate } from "../../src/state/StateMigrations.ts"
import { stateStoresLayer } from "./fixtures.ts"

const metricsOf = (connectorId: string, entity: string) =>
  Effect.gen(function* () {
    const sql = (yield* SqlClient.SqlClient).withoutTransforms()
    const rows = yield* readEntityMetrics(sql)
    return rows.find((row) => row.connectorId === connectorId && row.entity === entity)
  })

const bucketOf = (seconds: number) => {
  const index = syncDurationBoundaries.findIndex((bound) => seconds <= bound)
  return index < 0 ? syncDurationBoundaries.length : index
}

layer(stateStoresLayer())("per-entity metrics", (it) => {
  it.effect("count windows in their transaction, each run's end once, parked children, and go with the connector", () =>
    Effect.gen(function* () {
      const sql = yield* SqlClient.SqlClient
      const runs = yield* RunStore
      const connectors = yield* ConnectorStore
      const pending = yield* PendingChildStore
      const { id: connectorId } = yield* connectors.createConnector({ adapter: "apismith", name: "metrics" })

      // A run's start makes its entity's row, at 0.
      const first = yield* runs.startRun({ connectorId, entity: "items", mode: "rowversion" })
      const started = yield* metricsOf(connectorId, "items")
      assert.deepInclude(started, {
        rows: { fetched: 0, inserted: 0, updated: 0, unchanged: 0, deleted: 0, failed: 0, orphaned: 0, parked: 0 },
        runs: { succeeded: 0, failed: 0, cancelled: 0, abandoned: 0 },
        durationSecondsSum: 0,
        lastSuccessSeconds: null
      })
      assert.deepStrictEqual(started?.durationBuckets, new Array(syncDurationBoundaries.length + 1).fill(0))

      // Two windows commit; a third rolls back, and its counts with it.
      yield* sql.withTransaction(runs.addRunCounts(first.id, { fetched: 10, inserted: 7, updated: 2, unchanged: 1 }))
      yield* sql.withTransaction(runs.addRunCounts(first.id, { fetched: 5, inserted: 1, deleted: 3, failed: 1 }))
      const rolledBack = yield* sql
        .withTransaction(
          Effect.andThen(runs.addRunCounts(first.id, { fetched: 100, inserted: 100 }), Effect.fail("crash" as const))
        )
        .pipe(Effect.exit)
      assert.isTrue(Exit.isFailure(rolledBack))
      const during = yield* metricsOf(connectorId, "items")
      assert.deepInclude(during?.rows, { fetched: 15, inserted: 8, updated: 2, unchanged: 1, deleted: 3, failed: 1 })
      assert.strictEqual(during?.runs.succeeded, 0)

      // The run ends: counted once, in its duration's bucket, as the last success.
      // The store's time is the test clock's: the run lasts 42 seconds.
      yield* TestClock.adjust(Duration.seconds(42))
      const finished = yield* runs.finishRun(first.id, { status: "succeeded" })
      yield* runs.finishRun(first.id, { status: "succeeded" })
      const after = yield* metricsOf(connectorId, "items")
      assert.strictEqual(after?.runs.succeeded, 1)
      const seconds = (finished.durationMs ?? 0) / 1000
      assert.strictEqual(seconds, 42)
      assert.closeTo(after?.durationSecondsSum ?? 0, seconds, 0.001)
      const buckets = new Array(syncDurationBoundaries.length + 1).fill(0)
      buckets[bucketOf(seconds)] = 1
      assert.deepStrictEqual(after?.durationBuckets, buckets)
      assert.closeTo(after?.lastSuccessSeconds ?? 0, (finished.finishedAt?.epochMilliseconds ?? 0) / 1000, 0.001)

      // A run that fails, is resumed and then succeeds counts once as failed and once as succeeded.
      const second = yield* runs.startRun({ connectorId, entity: "items", mode: "rowversion" })
      yield* runs.finishRun(second.id, { status: "failed", error: "boom" })
      yield* runs.resumeRun(second.id)
      yield* runs.addRunCounts(second.id, { fetched: 4, updated: 4 })
      yield* runs.finishRun(second.id, { status: "succeeded" })
      const resumed = yield* metricsOf(connectorId, "items")
      assert.deepInclude(resumed?.runs, { succeeded: 2, failed: 1, cancelled: 0, abandoned: 0 })
      assert.deepInclude(resumed?.rows, { fetched: 19, updated: 6 })
      assert.strictEqual(
        resumed?.durationBuckets.reduce((sum, n) => sum + n, 0),
        3
      )

      // Children newly parked count as parked; parking one again does not.
      const child = (key: string) => ({
        connectorId,
        entity: "order_lines",
        bkHash: key.padStart(32, "0"),
        parentEntity: "orders",
        parentBkHash: "f".padStart(32, "0"),
        row: { line: key }
      })
      yield* pending.enqueuePendingChildren([child("1"), child("2")])
      yield* pending.enqueuePendingChildren([child("2"), child("3")])
      assert.strictEqual((yield* metricsOf(connectorId, "order_lines"))?.rows.parked, 3)

      // The connector's deletion takes its rows.
      assert.isTrue(yield* connectors.deleteConnector(connectorId))
      assert.isUndefined(yield* metricsOf(connectorId, "items"))
      assert.isUndefined(yield* metricsOf(connectorId, "order_lines"))
    })
  )

  it.effect("migration 19 starts the totals from the runs already recorded", () =>
    Effect.gen(function* () {
      const sql = yield* SqlClient.SqlClient
      const runs = yield* RunStore
      const connectors = yield* ConnectorStore
      const { id: connectorId } = yield* connectors.createConnector({ adapter: "apismith", name: "history" })
      const durations = [0.5, 42, 4000]
      for (const [index, ago] of durations.entries()) {
        const run = yield* runs.startRun({ connectorId, entity: "customers", mode: "full" })
        yield* runs.addRunCounts(run.id, { fetched: 10 * (index + 1), inserted: index + 1 })
        yield* TestClock.adjust(Duration.millis(ago * 1000))
        yield* runs.finishRun(run.id, { status: index === 1 ? "failed" : "succeeded" })
      }
      yield* runs.startRun({ connectorId, entity: "customers", mode: "full" })
      const kept = yield* metricsOf(connectorId, "customers")

      // The database as it was before migration 19.
      yield* sql`DROP TRIGGER sync_runs_metrics ON syncflow.sync_runs`
      yield* sql`DROP TRIGGER sync_runs_metrics_started ON syncflow.sync_runs`
      yield* sql`DROP TRIGGER pending_children_metrics ON syncflow.pending_children`
      yield* sql`DROP TABLE syncflow.entity_metrics`
      yield* sql`DROP FUNCTION syncflow.track_run_metrics(), syncflow.track_run_started(), syncflow.track_parked_metrics(), syncflow.sync_duration_bucket(double precision)`
      // Migration 24 (which keys these metrics by definition too) goes with it: it alters what 19 makes.
      yield* sql`DELETE FROM syncflow.schema_migrations WHERE id IN (19, 24)`
      assert.deepStrictEqual(yield* migrate, [19, 24])

      const rebuilt = yield* metricsOf(connectorId, "customers")
      const comparable = (row: EntityMetricsRow | undefined) =>
        row === undefined ? undefined : { ...row, durationSecondsSum: Math.round(row.durationSecondsSum * 1000) }
      assert.deepStrictEqual(comparable(rebuilt), comparable(kept))
      assert.deepInclude(rebuilt?.rows, { fetched: 60, inserted: 6 })
      assert.deepInclude(rebuilt?.runs, { succeeded: 2, failed: 1 })
      assert.deepStrictEqual(
        rebuilt?.durationBuckets.map((n, index) => (n > 0 ? index : -1)).filter((index) => index >= 0),
        [bucketOf(0.5), bucketOf(42), bucketOf(4000)].sort((a, b) => a - b)
      )
      assert.isTrue(Schema.is(Schema.Number)(rebuilt?.lastSuccessSeconds))
      assert.closeTo(rebuilt?.durationSecondsSum ?? 0, 0.5 + 42 + 4000, 0.001)
    })
  )
})
