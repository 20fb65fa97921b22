/**
 * The row-version strategy on the fake ERP's items: an initial sync, an incremental one after
 * inserts, updates, touches and deletes (deletes are invisible to it), then a reconciliation that
 * finds the deletes. Counts exact, table equal to the ground truth.
 */
import { assert, layer } from "@effect/vitest"
import { Effect } from "effect"
import { SyncEngine } from "../../src/pipeline/SyncEngine.ts"
import { ConnectorStore } from "../../src/state/ConnectorStore.ts"
import { apiSmithStages, engineLayer, expectedIdentities, fakeErp, storedIdentities } from "./fixtures.ts"

layer(engineLayer, { timeout: 60_000 })("row-version delta", (it) => {
  it.effect("syncs all rows, then only the changed ones, then finds the deletes", () =>
    Effect.gen(function* () {
      const { fake, adapter, manifest } = yield* fakeErp({ seed: 11, rows: { items: 3000 } })
      const items = manifest("items")
      assert.strictEqual(items.deltaStrategy, "rowversion")
      const engine = yield* SyncEngine
      yield* (yield* ConnectorStore).createConnector({ id: "erp", adapter: "apismith", name: "ERP" })
      const sync = (mode: "incremental" | "reconcile") =>
        engine.syncEntity({
          connectorId: "erp",
          adapter,
          manifest: items,
          mode,
          stages: apiSmithStages,
          windowRows: 1000
        })

      const first = yield* sync("incremental")
      assert.deepInclude(first.counts, { fetched: 3000, inserted: 3000, updated: 0, failed: 0, deleted: 0 })
      assert.deepStrictEqual(yield* storedIdentities("items"), yield* expectedIdentities(fake, items))

      yield* fake.mutate("items", { insert: 10, update: 25, touch: 3, delete: 5 })
      const second = yield* sync("incremental")
      assert.deepInclude(second.counts, { inserted: 10, updated: 25, deleted: 0, failed: 0 })
      assert.isBelow(second.counts.fetched, 3000)
      assert.strictEqual(second.counts.unchanged, second.counts.fetched - 35)
      const expected = yield* expectedIdentities(fake, items)
      const stored = yield* storedIdentities("items")
      assert.strictEqual(stored.size, expected.size + 5)
      for (const [key, hash] of expected) assert.strictEqual(stored.get(key), hash)

      const third = yield* sync("reconcile")
      assert.deepInclude(third.counts, { fetched: 3005, inserted: 0, updated: 0, deleted: 5, unchanged: 3005 })
      assert.deepStrictEqual(yield* storedIdentities("items"), expected)
    }).pipe(Effect.scoped)
  )
})
