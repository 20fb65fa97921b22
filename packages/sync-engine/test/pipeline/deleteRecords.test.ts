/**
 * Deletes a source announces, on the fake ERP's four entities (single and composite business keys,
 * typed columns): after a full sync, rows are deleted upstream (parents and children), and
 * `SyncEngine.deleteRecords`, given only each deleted record's key fields, soft-deletes exactly
 * those rows: its key hashes are the ones the sync wrote. Every table then equals the fake's
 * ground truth without any further listing; a repeated notice changes nothing, and a key with a
 * missing field is counted as invalid and deletes nothing.
 */
import { assert, layer } from "@effect/vitest"
import type { EntityManifest } from "@syncflow/adapter-core"
import { Effect } from "effect"
import { SyncEngine } from "../../src/pipeline/SyncEngine.ts"
import { ConnectorStore } from "../../src/state/ConnectorStore.ts"
import { apiSmithStages, engineLayer, expectedIdentities, fakeErp, storedIdentities } from "./fixtures.ts"
import { syncInOrder } from "./syncInOrder.ts"

const entities = ["items", "customers", "orders", "order_lines"]

layer(engineLayer, { timeout: 120_000 })("deletes a source announces", (it) => {
  it.effect("soft-deletes exactly the named records at once; the tables equal the truth", () =>
    Effect.gen(function* () {
      const { fake, adapter, manifest } = yield* fakeErp({
        seed: 61,
        rows: { items: 400, customers: 40, orders: 60 }
      })
      const engine = yield* SyncEngine
      yield* (yield* ConnectorStore).createConnector({ id: "erp", adapter: "apismith", name: "ERP" })
      yield* syncInOrder({ connectorId: "erp", adapter, entities, stages: apiSmithStages })
      const keyOf = (m: EntityManifest, values: Readonly<Record<string, unknown>>) =>
        Object.fromEntries(m.businessKey.map((field) => [field, values[field]]))
      const truthKeys = (m: EntityManifest) =>
        new Map(Array.from(fake.groundTruth.rows(m.entity), (row) => [JSON.stringify(keyOf(m, row.values)), row]))
      const before = new Map(entities.map((entity) => [entity, truthKeys(manifest(entity))]))
      for (const entity of entities) {
        assert.deepStrictEqual(yield* storedIdentities(entity), yield* expectedIdentities(fake, manifest(entity)))
      }
      assert.isAbove(manifest("order_lines").businessKey.length, 1, "a composite key is covered")

      // Upstream deletes: customers whose orders stay (ERPs do this), orders, lines and items.
      yield* fake.mutate("customers", { delete: 4 })
      yield* fake.mutate("orders", { delete: 5 })
      yield* fake.mutate("order_lines", { delete: 9 })
      yield* fake.mutate("items", { delete: 6 })

      let total = 0
      for (const entity of entities) {
        const m = manifest(entity)
        const after = truthKeys(m)
        const gone = [...(before.get(entity) ?? new Map()).entries()].filter(([key]) => !after.has(key))
        assert.isAbove(gone.length, 0, entity)
        const keys = gone.map(([, row]) => keyOf(m, row.values))
        const outcome = yield* engine.deleteRecords({ connectorId: "erp", manifest: m, stages: apiSmithStages, keys })
        assert.deepStrictEqual(outcome, { deleted: gone.length, absent: 0, invalid: 0 }, entity)
        total += gone.length
        // The table equals the truth at once, without a listing.
        assert.deepStrictEqual(yield* storedIdentities(entity), yield* expectedIdentities(fake, m), entity)
        // Said again: nothing more to delete.
        const again = yield* engine.deleteRecords({ connectorId: "erp", manifest: m, stages: apiSmithStages, keys })
        assert.deepStrictEqual(again, { deleted: 0, absent: gone.length, invalid: 0 }, entity)
      }
      assert.isAtLeast(total, 24)

      // A key missing one of its fields names no record: it is counted, and nothing is deleted.
      const lines = manifest("order_lines")
      const [someLine] = fake.groundTruth.rows("order_lines")
      const partial = { [lines.businessKey[0]]: someLine?.values[lines.businessKey[0]] }
      const invalid = yield* engine.deleteRecords({
        connectorId: "erp",
        manifest: lines,
        stages: apiSmithStages,
        keys: [partial]
      })
      assert.deepStrictEqual(invalid, { deleted: 0, absent: 0, invalid: 1 })
      assert.deepStrictEqual(yield* storedIdentities("order_lines"), yield* expectedIdentities(fake, lines))
    }).pipe(Effect.scoped)
  )
})
