/**
 * Entities synced one by one through SyncEntity workflows, children before their parents (as the
 * scheduler may run them): the children are written at once, flagged `_parent_missing` (orphans
 * `keep`, the default), and each parent's sync clears the flags of the ones it resolved, so the
 * tables end equal to the ground truth with no flag left.
 */
import { assert, layer } from "@effect/vitest"
import { Effect } from "effect"
import { ConnectorStore } from "../../src/state/ConnectorStore.ts"
import { engineLayer, expectedIdentities, fakeErp, storedIdentities } from "../pipeline/fixtures.ts"
import { inProcessWorkflows } from "./inProcessWorkflows.ts"
import { rowsOrEmpty } from "./processes.ts"

layer(engineLayer, { timeout: 120_000, excludeTestServices: true })("SyncEntity workflows, children first", (it) => {
  it.effect(
    "entities synced one by one, children first (as the scheduler may), end complete: kept orphans resolve",
    () =>
      Effect.gen(function* () {
        const { fake, adapter, manifest } = yield* fakeErp({ seed: 22, rows: { customers: 50, orders: 120 } })
        const connectorStore = yield* ConnectorStore
        yield* connectorStore.createConnector({ id: "erp", adapter: "apismith", name: "ERP" })
        const workflows = yield* inProcessWorkflows(adapter, { windowRows: 250, pageSize: 100 })
        const sync = (entity: string) =>
          Effect.flatMap(workflows.startEntity({ connectorId: "erp", entity, mode: "incremental" }), (id) =>
            workflows.awaitEntity(id)
          )

        const lines = yield* sync("order_lines")
        const lineCount = fake.groundTruth.count("order_lines")
        assert.deepInclude(lines.counts, { inserted: lineCount, orphaned: lineCount })
        assert.strictEqual(lines.pending, 0)
        yield* sync("customers")
        yield* sync("orders")
        // The orders' sync resolved the order lines it unblocked: no flag, nothing parked.
        const flagged = yield* rowsOrEmpty<{ readonly n: number }>(
          `SELECT count(*)::int AS n FROM erp.order_lines WHERE _parent_missing`
        )
        assert.strictEqual(flagged[0]?.n, 0)
        const pending = yield* rowsOrEmpty<{ readonly n: number }>(
          `SELECT count(*)::int AS n FROM syncflow.pending_children WHERE connector_id = 'erp'`
        )
        assert.strictEqual(pending[0]?.n, 0)
        for (const entity of ["customers", "orders", "order_lines"]) {
          assert.deepStrictEqual(yield* storedIdentities(entity), yield* expectedIdentities(fake, manifest(entity)))
        }
      }).pipe(Effect.scoped),
    120_000
  )
})
