/**
 * Runs whose executor is gone: a real `syncEntity` process (what `syncflow sync` runs) SIGKILLed
 * before its first window leaves a `running` run behind. While its lease is live, a new sync is
 * refused (naming the dead process) and the sweep leaves the run alone; once the lease has lapsed
 * (Effect Clock), the next sync of the entity marks it `abandoned` with the reason and succeeds, and
 * so does the sweep for a second killed process; every table equals the fake ERP's ground truth.
 */
import { assert, layer } from "@effect/vitest"
import { Clock, Duration, Effect, Option } from "effect"
import { SqlClient } from "effect/sql"
import { TestClock } from "effect/testing"
import { SyncEngine } from "../../src/pipeline/SyncEngine.ts"
import { ConnectorStore } from "../../src/state/ConnectorStore.ts"
import { EntityLeases } from "../../src/state/EntityLeases.ts"
import { RunStore } from "../../src/state/RunStore.ts"
import { sweep } from "../../src/workflow/SyncScheduler.ts"
import { apiSmithStages, engineLayer, expectedIdentities, fakeErp, storedIdentities } from "../pipeline/fixtures.ts"
import { rowsOrEmpty, spawnRunner, waitFor } from "./processes.ts"

interface RunRow {
  readonly id: string
  readonly status: string
  readonly error: string | null
}

const runsOfItems = rowsOrEmpty<RunRow>(
  `SELECT id::text, status, error FROM syncflow.sync_runs WHERE entity = 'items' ORDER BY started_at`
)

layer(engineLayer, { timeout: 120_000, excludeTestServices: true })("runs whose executor is gone", (it) => {
  it.effect(
    "a sync SIGKILLed before its first window is marked abandoned; the next sync succeeds and the table equals the truth",
    () =>
      Effect.gen(function* () {
        // This side's sweeps and syncs read the time from a TestClock: the time past a lease's expiry is set, not waited for.
        const clock = yield* TestClock.make()
        const atTestTime = <A, E, R>(effect: Effect.Effect<A, E, R>) =>
          Effect.provideService(effect, Clock.Clock, clock)
        const { fake, adapter, manifest } = yield* fakeErp({ seed: 23, rows: { items: 2000 } })
        const items = manifest("items")
        const connectorStore = yield* ConnectorStore
        const runStore = yield* RunStore
        const engine = yield* SyncEngine
        yield* connectorStore.createConnector({ id: "erp", adapter: "apismith", name: "ERP" })
        const leases = yield* EntityLeases.make()
        const env = { ERP_URL: fake.baseUrl, ROLE: "engine", ENTITY: "items", HANG: "1" }
        const request = {
          connectorId: "erp",
          adapter,
          manifest: items,
          stages: apiSmithStages,
          mode: "full-refresh" as const
        }

        /** Starts a process that syncs the entity and hangs before its first page; kills it there. */
        const killedBeforeFirstWindow = (name: string) =>
          Effect.gen(function* () {
            const child = yield* spawnRunner({ ...env, RUNNER_NAME: name })
            yield* waitFor(
              `${name}'s listing to start`,
              rowsOrEmpty<{ readonly n: number }>(`SELECT count(*)::int AS n FROM test_listings WHERE runner = $1`, [
                name
              ]).pipe(Effect.map((rows) => Option.filter(Option.fromUndefinedOr(rows[0]?.n), (n) => n > 0))),
              { timeout: "60 seconds", context: child.output }
            )
            yield* child.kill
            // Its run is the one left running.
            const running = (yield* runsOfItems).filter((run) => run.status === "running")
            assert.strictEqual(running.length, 1)
            return { pid: child.pid, runId: running[0]?.id ?? "" }
          })

        // 1. Killed: nothing was committed, its run says `running`.
        const first = yield* killedBeforeFirstWindow("first")
        yield* clock.setTime(Date.now())
        const sql = yield* SqlClient.SqlClient
        const [committed] = yield* sql<{ readonly n: number }>`SELECT count(*)::int AS n FROM erp.items`
        assert.strictEqual(committed?.n, 0)
        // Its lease is still live: a new sync is refused, naming the dead process and its run; the sweep waits.
        const refused = yield* Effect.flip(atTestTime(engine.syncEntity(request)))
        assert.strictEqual(refused._tag, "EntityBusy")
        if (refused._tag === "EntityBusy") {
          assert.include(refused.holder, `:${first.pid}/`)
          assert.strictEqual(refused.runId, first.runId)
        }
        assert.strictEqual(yield* atTestTime(sweep.pipe(Effect.provideService(EntityLeases, leases))), 0)

        // 2. Its lease lapses (nobody renews it): the next sync takes the entity over and marks the run abandoned.
        yield* clock.setTime(Date.now() + Duration.toMillis(leases.ttl) + 1000)
        const summary = yield* atTestTime(engine.syncEntity(request))
        assert.deepInclude(summary.counts, { fetched: 2000, inserted: 2000, failed: 0 })
        const taken = Option.getOrThrow(yield* runStore.getRun(first.runId))
        assert.strictEqual(taken.status, "abandoned")
        assert.include(taken.error ?? "", `run ${summary.runId} took the entity over`)
        assert.isNotNull(taken.finishedAt)
        const truth = yield* expectedIdentities(fake, items)
        assert.strictEqual(truth.size, 2000)
        assert.deepStrictEqual(yield* storedIdentities("items"), truth)

        // 3. Another one killed the same way: once its lease has lapsed, the sweep marks its run abandoned.
        yield* fake.mutate("items", { delete: 15, update: 20 })
        const second = yield* killedBeforeFirstWindow("second")
        yield* clock.setTime(Date.now())
        assert.strictEqual(yield* atTestTime(sweep.pipe(Effect.provideService(EntityLeases, leases))), 0)
        yield* clock.setTime(Date.now() + Duration.toMillis(leases.ttl) + 1000)
        assert.strictEqual(yield* atTestTime(sweep.pipe(Effect.provideService(EntityLeases, leases))), 1)
        const swept = Option.getOrThrow(yield* runStore.getRun(second.runId))
        assert.strictEqual(swept.status, "abandoned")
        assert.include(swept.error ?? "", "no live lease")

        // And the sync after it succeeds: the table equals the truth, deletes included.
        const after = yield* atTestTime(engine.syncEntity(request))
        assert.deepInclude(after.counts, { fetched: 1985, updated: 20, deleted: 15, failed: 0 })
        const statuses = new Map((yield* runsOfItems).map((run) => [run.id, run.status]))
        assert.deepStrictEqual(
          [first.runId, summary.runId, second.runId, after.runId].map((id) => statuses.get(id)),
          ["abandoned", "succeeded", "abandoned", "succeeded"]
        )
        assert.strictEqual(statuses.size, 4)
        assert.isTrue(Option.isNone(yield* leases.current({ connectorId: "erp", entity: "items" })))
        const final = yield* expectedIdentities(fake, items)
        assert.strictEqual(final.size, 1985)
        assert.deepStrictEqual(yield* storedIdentities("items"), final)
      }).pipe(Effect.scoped),
    120_000
  )
})
