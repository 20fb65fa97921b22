/**
 * The SyncConnector workflow on one in-process runner: entities run in dependency order (a child's
 * SyncEntity starts only after its parent's completed), every entity syncs, and a second trigger
 * while one runs returns the running execution (skip-if-running).
 */
import { assert, layer } from "@effect/vitest"
import { Effect } from "effect"
import { ConnectorStore } from "../../src/state/ConnectorStore.ts"
import { engineLayer, expectedIdentities, fakeErp, storedIdentities } from "../pipeline/fixtures.ts"
import { inProcessWorkflows } from "./inProcessWorkflows.ts"
import { rowsOrEmpty } from "./processes.ts"

layer(engineLayer, { timeout: 120_000, excludeTestServices: true })("SyncConnector workflow", (it) => {
  it.effect(
    "syncs parents before children, independent entities side by side, and reports each entity",
    () =>
      Effect.gen(function* () {
        const { fake, adapter, manifest } = yield* fakeErp({
          seed: 21,
          rows: { customers: 400, orders: 800, items: 300 }
        })
        const connectorStore = yield* ConnectorStore
        yield* connectorStore.createConnector({ id: "erp", adapter: "apismith", name: "ERP" })
        const workflows = yield* inProcessWorkflows(adapter, { windowRows: 250, pageSize: 100, entityConcurrency: 2 })

        const summaries = yield* workflows.runConnector({ connectorId: "erp", mode: "full-refresh" })
        assert.deepStrictEqual(summaries.map((s) => s.entity).sort(), [
          "customers",
          "items",
          "order_lines",
          "orders",
          "units"
        ])
        for (const summary of summaries) assert.isAbove(summary.counts.fetched, 0, summary.entity)

        const runs = yield* rowsOrEmpty<{
          readonly entity: string
          readonly started: number
          readonly finished: number
        }>(
          `SELECT entity, extract(epoch FROM started_at)::float8 AS started, extract(epoch FROM finished_at)::float8 AS finished
         FROM syncflow.sync_runs WHERE status = 'succeeded'`
        )
        const run = (entity: string) => {
          const found = runs.find((r) => r.entity === entity)
          assert.isDefined(found, `${entity} ran`)
          return found!
        }
        // A child's run starts only once its parent's run has finished.
        assert.isAtLeast(run("orders").started, run("customers").finished)
        assert.isAtLeast(run("order_lines").started, run("orders").finished)
        // Nothing was left parked: every child found its parent.
        const pending = yield* rowsOrEmpty<{ readonly n: number }>(
          `SELECT count(*)::int AS n FROM syncflow.pending_children`
        )
        assert.strictEqual(pending[0]?.n, 0)
        for (const entity of ["customers", "orders", "order_lines"]) {
          assert.deepStrictEqual(yield* storedIdentities(entity), yield* expectedIdentities(fake, manifest(entity)))
        }

        // An entity trigger while it runs gets the running execution; after it completes, a new one.
        const first = yield* workflows.startEntity({ connectorId: "erp", entity: "items", mode: "full-refresh" })
        const again = yield* workflows.startEntity({ connectorId: "erp", entity: "items", mode: "full-refresh" })
        assert.strictEqual(again, first)
        const done = yield* workflows.awaitEntity(first)
        assert.strictEqual(done.entity, "items")
        assert.strictEqual(done.counts.fetched, 300)
        const next = yield* workflows.startEntity({ connectorId: "erp", entity: "items", mode: "incremental" })
        assert.notStrictEqual(next, first)
        yield* workflows.awaitEntity(next)
      }).pipe(Effect.scoped),
    120_000
  )
})
