/**
 * The RunStore on a real PostgreSQL: a run's stage counts, its end (status, error, duration) and
 * the runs of an entity. Times come from the TestClock.
 */
import { assert, layer } from "@effect/vitest"
import { Effect, Option } from "effect"
import { TestClock } from "effect/testing"
import { RunStore } from "../../src/state/RunStore.ts"
import { stateStoresLayer, testConnector } from "./fixtures.ts"

layer(stateStoresLayer())("RunStore", (it) => {
  it.effect("tracks a run: counts of every stage add up, finishing records status, error and duration", () =>
    Effect.gen(function* () {
      const runStore = yield* RunStore
      const { id } = yield* testConnector("runs")
      const run = yield* runStore.startRun({ connectorId: id, entity: "items", mode: "hash" })
      assert.strictEqual(run.status, "running")
      assert.strictEqual(run.fetched, 0)
      assert.strictEqual(run.finishedAt, null)
      assert.deepStrictEqual(
        yield* runStore.startRun({ id: run.id, connectorId: id, entity: "items", mode: "hash" }),
        run
      )

      yield* runStore.addRunCounts(run.id, { fetched: 1000, normalized: 1000, validated: 998, mapped: 998, failed: 2 })
      yield* TestClock.adjust(1500)
      yield* runStore.addRunCounts(run.id, { fetched: 500, inserted: 50, updated: 47, unchanged: 900, deleted: 3 })
      yield* runStore.addRunCounts(run.id, {})
      const finished = yield* runStore.finishRun(run.id, { status: "failed", error: "409 Conflict on PART-7" })
      assert.deepStrictEqual(
        {
          status: finished.status,
          error: finished.error,
          durationMs: finished.durationMs,
          fetched: finished.fetched,
          normalized: finished.normalized,
          validated: finished.validated,
          mapped: finished.mapped,
          inserted: finished.inserted,
          updated: finished.updated,
          unchanged: finished.unchanged,
          deleted: finished.deleted,
          failed: finished.failed
        },
        {
          status: "failed",
          error: "409 Conflict on PART-7",
          durationMs: 1500,
          fetched: 1500,
          normalized: 1000,
          validated: 998,
          mapped: 998,
          inserted: 50,
          updated: 47,
          unchanged: 900,
          deleted: 3,
          failed: 2
        }
      )
      // Finishing again (a replayed workflow step) returns the run as it ended.
      yield* TestClock.adjust(1000)
      assert.deepStrictEqual(yield* runStore.finishRun(run.id, { status: "succeeded" }), finished)
      assert.deepStrictEqual(yield* runStore.getRun(run.id), Option.some(finished))

      const later = yield* runStore.startRun({ connectorId: id, entity: "items", mode: "retry" })
      const runs = yield* runStore.listRuns({ connectorId: id, entity: "items" })
      assert.deepStrictEqual(
        runs.map((row) => row.id),
        [later.id, run.id]
      )
      const unknown = "00000000-0000-4000-8000-00000000dead"
      assert.strictEqual((yield* Effect.flip(runStore.addRunCounts(unknown, { fetched: 1 })))._tag, "RunNotFound")
      assert.strictEqual((yield* Effect.flip(runStore.finishRun(unknown, { status: "succeeded" })))._tag, "RunNotFound")
    })
  )
})
