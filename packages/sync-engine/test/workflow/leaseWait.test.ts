/**
 * A workflow sync asked for while a shell's `syncflow sync` holds the entity's lease waits for it
 * (the lease is not refused to a workflow: it is queued), then runs; the two never interleave, and
 * the table equals the fake ERP's ground truth.
 */
import { assert, layer } from "@effect/vitest"
import { Deferred, Effect, Fiber } from "effect"
import { SyncEngine } from "../../src/pipeline/SyncEngine.ts"
import { ConnectorStore } from "../../src/state/ConnectorStore.ts"
import { apiSmithStages, engineLayer, expectedIdentities, fakeErp, storedIdentities } from "../pipeline/fixtures.ts"
import { gated, makeGate } from "../pipeline/gatedAdapter.ts"
import { inProcessWorkflows } from "./inProcessWorkflows.ts"
import { rowsOrEmpty } from "./processes.ts"

interface RunRow {
  readonly mode: string
  readonly status: string
  readonly started: number
  readonly finished: number | null
}

layer(engineLayer, { timeout: 120_000, excludeTestServices: true })("a workflow behind a shell's sync", (it) => {
  it.effect(
    "a workflow sync asked for while a shell's sync holds the entity waits for it, then runs",
    () =>
      Effect.gen(function* () {
        const { fake, adapter, manifest } = yield* fakeErp({ seed: 43, rows: { items: 400 } })
        const connectorStore = yield* ConnectorStore
        yield* connectorStore.createConnector({ id: "erpb", adapter: "apismith", name: "ERP B" })
        const workflows = yield* inProcessWorkflows(adapter, { windowRows: 100, pageSize: 50 })
        const engine = yield* SyncEngine
        const items = manifest("items")

        const request = { connectorId: "erpb", manifest: items, stages: apiSmithStages }
        yield* engine.syncEntity({ ...request, adapter })
        yield* fake.mutate("items", { delete: 5, update: 7 })

        // A shell's `syncflow sync` (the engine, directly; incremental: it cannot see deletes) is held mid-listing.
        const gate = yield* makeGate
        const shell = yield* Effect.forkChild(engine.syncEntity({ ...request, adapter: gated(adapter, gate) }))
        yield* Deferred.await(gate.started)
        const queued = yield* workflows.triggerEntity({
          connectorId: "erpb",
          entity: "items",
          mode: "full-refresh"
        })
        assert.strictEqual(queued.status, "started")

        yield* Deferred.succeed(gate.gate, undefined)
        yield* Fiber.join(shell)
        const summary = yield* workflows.awaitEntity(queued.executionId)
        assert.deepInclude(summary.counts, { fetched: 395, deleted: 5 })
        const runs = yield* rowsOrEmpty<RunRow>(
          `SELECT mode, status, (extract(epoch FROM started_at) * 1000)::float8 AS started,
             (extract(epoch FROM finished_at) * 1000)::float8 AS finished
           FROM syncflow.sync_runs ORDER BY started_at`
        )
        assert.deepStrictEqual(
          runs.map((run) => [run.mode, run.status]),
          [
            ["incremental", "succeeded"],
            ["incremental", "succeeded"],
            ["full-refresh", "succeeded"]
          ]
        )
        // The workflow's run began only once the shell's had finished: the two never interleaved.
        assert.isAtLeast(runs[2]?.started ?? 0, runs[1]?.finished ?? Number.POSITIVE_INFINITY)
        assert.deepStrictEqual(yield* storedIdentities("items", "erpb"), yield* expectedIdentities(fake, items))
      }).pipe(Effect.scoped),
    120_000
  )
})
