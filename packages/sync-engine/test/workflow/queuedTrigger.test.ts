/**
 * A trigger for another mode while an entity's sync runs is queued behind it, and the answer says
 * so: a full refresh asked for during an incremental sync runs when that one ends (and finds the
 * deletes the incremental listing cannot see). A trigger of the running mode joins it.
 */
import { assert, layer } from "@effect/vitest"
import { Deferred, Effect, Option } from "effect"
import { ConnectorStore } from "../../src/state/ConnectorStore.ts"
import { RunStore } from "../../src/state/RunStore.ts"
import { engineLayer, expectedIdentities, fakeErp, storedIdentities } from "../pipeline/fixtures.ts"
import { gated, makeGate } from "../pipeline/gatedAdapter.ts"
import { inProcessWorkflows } from "./inProcessWorkflows.ts"
import { rowsOrEmpty, waitFor } from "./processes.ts"

interface RunRow {
  readonly id: string
  readonly mode: string
  readonly status: string
  readonly deleted: number
  readonly started: number
  readonly finished: number | null
}

const runsOf = (connectorId: string, entity: string) =>
  rowsOrEmpty<RunRow>(
    `SELECT id::text, mode, status, deleted::int, (extract(epoch FROM started_at) * 1000)::float8 AS started,
       (extract(epoch FROM finished_at) * 1000)::float8 AS finished
     FROM syncflow.sync_runs WHERE connector_id = $1 AND entity = $2 ORDER BY started_at`,
    [connectorId, entity]
  )

layer(engineLayer, { timeout: 120_000, excludeTestServices: true })("queued triggers", (it) => {
  it.effect(
    "a full refresh asked for while an incremental sync runs is queued, then runs and finds the deletes",
    () =>
      Effect.gen(function* () {
        const { fake, adapter, manifest } = yield* fakeErp({ seed: 41, rows: { items: 3000 } })
        const connectorStore = yield* ConnectorStore
        const runStore = yield* RunStore
        yield* connectorStore.createConnector({ id: "erp", adapter: "apismith", name: "ERP" })
        const gate = yield* makeGate
        let holding = false
        const workflows = yield* inProcessWorkflows(
          {
            ...adapter,
            streamPages: (entity, options) => (holding ? gated(adapter, gate) : adapter).streamPages(entity, options)
          },
          { windowRows: 500, pageSize: 250 }
        )
        const initial = yield* workflows.triggerEntity({ connectorId: "erp", entity: "items", mode: "incremental" })
        assert.strictEqual(initial.status, "started")
        yield* workflows.awaitEntity(initial.executionId)

        // Rows vanish upstream: an incremental (row-version) listing cannot see that.
        yield* fake.mutate("items", { delete: 40, update: 25, insert: 10 })
        holding = true
        const incremental = yield* workflows.triggerEntity({ connectorId: "erp", entity: "items", mode: "incremental" })
        assert.deepStrictEqual(
          { status: incremental.status, mode: incremental.mode },
          { status: "started", mode: "incremental" }
        )
        yield* Deferred.await(gate.started)

        // The same mode joins it; another mode is queued behind it (and a second one joins the queued one).
        const joined = yield* workflows.triggerEntity({ connectorId: "erp", entity: "items", mode: "incremental" })
        assert.deepStrictEqual(joined, {
          status: "joined",
          executionId: incremental.executionId,
          runId: incremental.runId,
          mode: "incremental"
        })
        // The run the trigger answered with is the one running.
        assert.deepStrictEqual((yield* runsOf("erp", "items")).map((run) => [run.id, run.status]).at(-1), [
          incremental.runId,
          "running"
        ])
        const full = yield* workflows.triggerEntity({ connectorId: "erp", entity: "items", mode: "full-refresh" })
        assert.strictEqual(full.status, "queued")
        assert.strictEqual(full.mode, "full-refresh")
        assert.notStrictEqual(full.executionId, incremental.executionId)
        assert.strictEqual(full.status === "queued" ? full.behind : "", incremental.executionId)
        assert.strictEqual(full.status === "queued" ? full.behindRunId : "", incremental.runId)
        // Its run is known before it starts: linked with its execution, not stored yet.
        const waiting = yield* runStore.executionRuns(full.runId)
        assert.deepStrictEqual(
          waiting.map((link) => [link.executionId, link.runId, Option.isSome(link.run)]),
          [[full.executionId, full.runId, false]]
        )
        const again = yield* workflows.triggerEntity({ connectorId: "erp", entity: "items", mode: "full-refresh" })
        assert.deepStrictEqual(again, full)
        // `reconcile` is the same complete listing: it joins the queued one.
        const reconcile = yield* workflows.triggerEntity({ connectorId: "erp", entity: "items", mode: "reconcile" })
        assert.deepStrictEqual(reconcile, full)
        // Nothing of the queued sync has started.
        assert.deepStrictEqual(
          (yield* runsOf("erp", "items")).map((run) => run.mode),
          ["incremental", "incremental"]
        )

        yield* Deferred.succeed(gate.gate, undefined)
        const first = yield* workflows.awaitEntity(incremental.executionId)
        assert.strictEqual(first.counts.deleted, 0)
        const refreshed = yield* workflows.awaitEntity(full.executionId)
        assert.strictEqual(refreshed.mode, "full-refresh")
        // Each sync ran as the run its trigger answered with.
        assert.strictEqual(first.runId, incremental.runId)
        assert.strictEqual(refreshed.runId, full.runId)
        assert.deepInclude(refreshed.counts, { fetched: 2970, deleted: 40 })

        // Three runs, one after the other; the queued one started after the running one finished.
        const runs = yield* runsOf("erp", "items")
        assert.deepStrictEqual(
          runs.map((run) => [run.mode, run.status]),
          [
            ["incremental", "succeeded"],
            ["incremental", "succeeded"],
            ["full-refresh", "succeeded"]
          ]
        )
        assert.isAtLeast(runs[2]?.started ?? 0, runs[1]?.finished ?? Number.POSITIVE_INFINITY)
        const truth = yield* expectedIdentities(fake, manifest("items"))
        assert.strictEqual(truth.size, 2970)
        assert.deepStrictEqual(yield* storedIdentities("items"), truth)
      }).pipe(Effect.scoped),
    120_000
  )

  it.effect(
    "a connector-wide full refresh asked for while a connector-wide incremental sync runs is not dropped",
    () =>
      Effect.gen(function* () {
        const { fake, adapter, manifest } = yield* fakeErp({ seed: 47, rows: { items: 1200 } })
        const connectorStore = yield* ConnectorStore
        yield* connectorStore.createConnector({ id: "erpc", adapter: "apismith", name: "ERP C" })
        const gate = yield* makeGate
        let holding = false
        const workflows = yield* inProcessWorkflows(
          {
            ...adapter,
            streamPages: (entity, options) => (holding ? gated(adapter, gate) : adapter).streamPages(entity, options)
          },
          { windowRows: 300, pageSize: 100 }
        )
        yield* workflows.runConnector({ connectorId: "erpc", entities: ["items"], mode: "incremental" })
        yield* fake.mutate("items", { delete: 12, update: 9 })

        holding = true
        const incremental = yield* workflows.startConnector({
          connectorId: "erpc",
          entities: ["items"],
          mode: "incremental"
        })
        yield* Deferred.await(gate.started)
        // The same kind joins it; a complete listing is another connector sync.
        const joined = yield* workflows.startConnector({
          connectorId: "erpc",
          entities: ["items"],
          mode: "incremental"
        })
        assert.strictEqual(joined, incremental)
        const full = yield* workflows.startConnector({ connectorId: "erpc", entities: ["items"], mode: "full-refresh" })
        assert.notStrictEqual(full, incremental)
        yield* Deferred.succeed(gate.gate, undefined)
        // Its items sync waited for the running one, then listed everything and found the deletes.
        const runs = yield* waitFor(
          "the full refresh to succeed",
          Effect.map(runsOf("erpc", "items"), (runs) =>
            runs.length === 3 && runs.every((run) => run.status === "succeeded") ? Option.some(runs) : Option.none()
          )
        )
        assert.deepStrictEqual(
          runs.map((run) => [run.mode, run.deleted]),
          [
            ["incremental", 0],
            ["incremental", 0],
            ["full-refresh", 12]
          ]
        )
        assert.isAtLeast(runs[2]?.started ?? 0, runs[1]?.finished ?? Number.POSITIVE_INFINITY)
        const truth = yield* expectedIdentities(fake, manifest("items"))
        assert.strictEqual(truth.size, 1188)
        assert.deepStrictEqual(yield* storedIdentities("items", "erpc"), truth)
      }).pipe(Effect.scoped),
    120_000
  )
})
