/**
 * The hash strategy (customers) and the full strategy (units) on the fake ERP: every sync lists
 * everything, compares data hashes, writes only what changed, and soft-deletes what vanished.
 */
import { assert, layer } from "@effect/vitest"
import { Effect } from "effect"
import { SyncEngine } from "../../src/pipeline/SyncEngine.ts"
import { CheckpointStore } from "../../src/state/CheckpointStore.ts"
import { ConnectorStore } from "../../src/state/ConnectorStore.ts"
import { apiSmithStages, engineLayer, expectedIdentities, fakeErp, storedIdentities } from "./fixtures.ts"

layer(engineLayer, { timeout: 60_000 })("hash and full deltas", (it) => {
  it.effect("hash: inserted, updated, deleted and unchanged counted exactly; table equals the ground truth", () =>
    Effect.gen(function* () {
      const { fake, adapter, manifest } = yield* fakeErp({ seed: 5, rows: { customers: 2000 } })
      const customers = manifest("customers")
      assert.strictEqual(customers.deltaStrategy, "hash")
      const engine = yield* SyncEngine
      yield* (yield* ConnectorStore).createConnector({ id: "erp-hash", adapter: "apismith", name: "ERP hash" })
      const sync = engine.syncEntity({
        connectorId: "erp-hash",
        adapter,
        manifest: customers,
        stages: apiSmithStages,
        windowRows: 500
      })

      const first = yield* sync
      assert.deepInclude(first.counts, { fetched: 2000, inserted: 2000, failed: 0 })
      const unchanged = yield* sync
      assert.deepInclude(unchanged.counts, { fetched: 2000, inserted: 0, updated: 0, deleted: 0, unchanged: 2000 })

      yield* fake.mutate("customers", { insert: 10, update: 25, touch: 3, delete: 5 })
      const second = yield* sync
      assert.deepInclude(second.counts, {
        fetched: 2005,
        inserted: 10,
        updated: 25,
        deleted: 5,
        unchanged: 2005 - 35,
        failed: 0
      })
      assert.deepStrictEqual(
        yield* storedIdentities("customers", "erp_hash"),
        yield* expectedIdentities(fake, customers)
      )
    }).pipe(Effect.scoped)
  )

  it.effect("a first listing into a table that already holds rows compares hashes and soft-deletes what vanished", () =>
    Effect.gen(function* () {
      const { fake, adapter, manifest } = yield* fakeErp({ seed: 6, rows: { items: 300 } })
      const items = manifest("items")
      const engine = yield* SyncEngine
      const connectorStore = yield* ConnectorStore
      const checkpointStore = yield* CheckpointStore
      yield* connectorStore.createConnector({ id: "erp-reset", adapter: "apismith", name: "ERP reset" })
      const sync = engine.syncEntity({ connectorId: "erp-reset", adapter, manifest: items, stages: apiSmithStages })
      assert.deepInclude((yield* sync).counts, { fetched: 300, inserted: 300, deleted: 0 })

      // The checkpoint is gone (reset by hand), the rows are not: this is no initial load.
      yield* checkpointStore.clearCheckpoint("erp-reset", "items")
      yield* fake.mutate("items", { delete: 4 })
      assert.deepInclude((yield* sync).counts, { fetched: 296, inserted: 0, updated: 0, unchanged: 296, deleted: 4 })
      assert.deepStrictEqual(yield* storedIdentities("items", "erp_reset"), yield* expectedIdentities(fake, items))
    }).pipe(Effect.scoped)
  )

  it.effect("full: the same on a small reference entity", () =>
    Effect.gen(function* () {
      const { fake, adapter, manifest } = yield* fakeErp({ seed: 9 })
      const units = manifest("units")
      assert.strictEqual(units.deltaStrategy, "full")
      const engine = yield* SyncEngine
      yield* (yield* ConnectorStore).createConnector({ id: "erp-full", adapter: "apismith", name: "ERP full" })
      const sync = engine.syncEntity({ connectorId: "erp-full", adapter, manifest: units, stages: apiSmithStages })
      const first = yield* sync
      const total = fake.groundTruth.count("units")
      assert.deepInclude(first.counts, { fetched: total, inserted: total })
      yield* fake.mutate("units", { update: 1, delete: 1 })
      const second = yield* sync
      assert.deepInclude(second.counts, { updated: 1, deleted: 1, unchanged: total - 2 })
      assert.deepStrictEqual(yield* storedIdentities("units", "erp_full"), yield* expectedIdentities(fake, units))
    }).pipe(Effect.scoped)
  )
})
