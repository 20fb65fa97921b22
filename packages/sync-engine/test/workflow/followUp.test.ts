/**
 * A trigger that asks for a follow-up while an entity's sync runs (what a webhook does) gets one
 * more sync after the running one, so a change that came after the running listing passed it is
 * still synced; a plain trigger joins the running sync (skip-if-running).
 */
import { assert, layer } from "@effect/vitest"
import { Effect } from "effect"
import { ConnectorStore } from "../../src/state/ConnectorStore.ts"
import { engineLayer, expectedIdentities, fakeErp, storedIdentities } from "../pipeline/fixtures.ts"
import { inProcessWorkflows } from "./inProcessWorkflows.ts"
import { rowsOrEmpty } from "./processes.ts"

layer(engineLayer, { timeout: 120_000, excludeTestServices: true })("follow-up syncs", (it) => {
  it.effect(
    "a change made while a sync runs is synced by the follow-up a webhook-like trigger asks for",
    () =>
      Effect.gen(function* () {
        const { fake, adapter, manifest } = yield* fakeErp({ seed: 31, rows: { items: 4000 } })
        const connectorStore = yield* ConnectorStore
        yield* connectorStore.createConnector({ id: "erp", adapter: "apismith", name: "ERP" })
        const workflows = yield* inProcessWorkflows(adapter, { windowRows: 500, pageSize: 100 })

        const first = yield* workflows.startEntity({ connectorId: "erp", entity: "items", mode: "full-refresh" })
        // A plain trigger while it runs joins it.
        const joined = yield* workflows.startEntity({ connectorId: "erp", entity: "items", mode: "incremental" })
        assert.strictEqual(joined, first)
        // The upstream changes while the listing runs, and a webhook-like trigger asks for a follow-up.
        yield* fake.mutate("items", { update: 25, insert: 5 })
        const followUp = yield* workflows.startEntity({
          connectorId: "erp",
          entity: "items",
          mode: "incremental",
          followUp: true
        })
        assert.notStrictEqual(followUp, first)
        yield* workflows.awaitEntity(first)
        const after = yield* workflows.awaitEntity(followUp)
        assert.strictEqual(after.entity, "items")

        // Two runs, one after the other, and the table has every change.
        const runs = yield* rowsOrEmpty<{ readonly status: string }>(
          `SELECT status FROM syncflow.sync_runs WHERE entity = 'items' ORDER BY started_at`
        )
        assert.deepStrictEqual(
          runs.map((r) => r.status),
          ["succeeded", "succeeded"]
        )
        assert.deepStrictEqual(yield* storedIdentities("items"), yield* expectedIdentities(fake, manifest("items")))
      }).pipe(Effect.scoped),
    120_000
  )
})
