/**
 * `full-refresh` and `reconcile` are one mode (a complete listing): a full refresh interrupted after
 * its first window is resumed, same run, by a reconciliation, which finishes the listing and finds
 * the deletes; an incremental sync does not resume it (a different listing). The table equals the
 * fake ERP's ground truth.
 */
import { assert, layer } from "@effect/vitest"
import { Effect } from "effect"
import { SyncEngine } from "../../src/pipeline/SyncEngine.ts"
import { listingKind, sameListing } from "../../src/pipeline/SyncMode.ts"
import { ConnectorStore } from "../../src/state/ConnectorStore.ts"
import { apiSmithStages, engineLayer, expectedIdentities, fakeErp, storedIdentities } from "./fixtures.ts"

layer(engineLayer, { timeout: 60_000 })("complete listing modes", (it) => {
  it.effect("an interrupted full refresh is resumed by a reconciliation, which finds the deletes", () =>
    Effect.gen(function* () {
      assert.strictEqual(listingKind("full-refresh"), "complete")
      assert.strictEqual(listingKind("reconcile"), "complete")
      assert.isTrue(sameListing("full-refresh", "reconcile"))
      assert.isFalse(sameListing("incremental", "reconcile"))

      const { fake, adapter, manifest } = yield* fakeErp({ seed: 71, rows: { items: 1000 } })
      const items = manifest("items")
      const engine = yield* SyncEngine
      yield* (yield* ConnectorStore).createConnector({ id: "erp", adapter: "apismith", name: "ERP" })
      const request = {
        connectorId: "erp",
        adapter,
        manifest: items,
        stages: apiSmithStages,
        pageSize: 100,
        windowRows: 200,
        // One holder of the entity's lease throughout, as one process would be.
        holder: "process test"
      }
      yield* engine.syncEntity({ ...request, mode: "incremental" })
      yield* fake.mutate("items", { delete: 8, update: 5 })

      // A full refresh commits its first window, then stops (a crash, a redeploy).
      const first = yield* engine.syncWindow({ ...request, mode: "full-refresh" })
      assert.isFalse(first.done)
      assert.isFalse(first.resumed)
      // A reconciliation continues that listing: same run, the deletes found at its end.
      const reconciled = yield* engine.syncEntity({ ...request, mode: "reconcile" })
      assert.isTrue(reconciled.resumed)
      assert.strictEqual(reconciled.runId, first.runId)
      assert.strictEqual(reconciled.counts.deleted, 8)
      assert.strictEqual(reconciled.counts.fetched, 992)
      assert.deepStrictEqual(yield* storedIdentities("items"), yield* expectedIdentities(fake, items))

      // An incremental sync is another listing: it does not take over an interrupted complete one.
      const again = yield* engine.syncWindow({ ...request, mode: "reconcile" })
      assert.isFalse(again.done)
      const incremental = yield* engine.syncEntity({ ...request, mode: "incremental" })
      assert.isFalse(incremental.resumed)
      assert.notStrictEqual(incremental.runId, again.runId)
      assert.strictEqual(incremental.counts.deleted, 0)
      assert.deepStrictEqual(yield* storedIdentities("items"), yield* expectedIdentities(fake, items))
    }).pipe(Effect.scoped)
  )
})
