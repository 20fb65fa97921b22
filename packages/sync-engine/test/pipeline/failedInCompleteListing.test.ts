/**
 * A complete listing that fails some records keeps their stored rows: the source still lists them,
 * so a reconcile or full refresh must not take them for deleted; their failed records say why the
 * newer version is not there. Rows really gone upstream are still soft-deleted. On the fake ERP's
 * items, with `description` required by the stricter listings; the table is compared with the
 * fake's ground truth.
 */
import { assert, layer } from "@effect/vitest"
import { Effect } from "effect"
import { TestClock } from "effect/testing"
import { SyncEngine } from "../../src/pipeline/SyncEngine.ts"
import type { SyncMode } from "../../src/pipeline/SyncMode.ts"
import type { StagesOptions } from "../../src/stages/Stages.ts"
import { ConnectorStore } from "../../src/state/ConnectorStore.ts"
import { FailedRecordStore } from "../../src/state/FailedRecordStore.ts"
import { apiSmithStages, engineLayer, expectedIdentities, fakeErp, storedIdentities } from "./fixtures.ts"
import { keyOf, keysWhere, truthRows } from "./truthKeys.ts"

const strict: StagesOptions = { ...apiSmithStages, required: ["description"] }

layer(engineLayer, { timeout: 60_000 })("failed records in a complete listing", (it) => {
  it.effect("keep their stored rows through a full refresh and a reconcile; rows gone upstream are deleted", () =>
    Effect.gen(function* () {
      const engine = yield* SyncEngine
      const failedRecordStore = yield* FailedRecordStore
      const erp = yield* fakeErp({ seed: 43, rows: { items: 400 } })
      yield* (yield* ConnectorStore).createConnector({ id: "erp", adapter: "apismith", name: "ERP" })
      const manifest = erp.manifest("items")
      const sync = (mode: SyncMode, stages: StagesOptions) =>
        engine.syncEntity({ connectorId: "erp", adapter: erp.adapter, manifest, mode, stages, windowRows: 100 })
      const withoutDescription = Effect.gen(function* () {
        const keys = new Set<string>()
        for (const row of yield* truthRows(erp.fake, manifest)) {
          if (row.values.description === null) keys.add(row.key)
        }
        return keys
      })

      // Every item written while nothing is required.
      const first = yield* sync("incremental", apiSmithStages)
      assert.strictEqual(first.counts.inserted, 400)
      const failing = yield* withoutDescription
      assert.isAbove(failing.size, 0)

      // A full refresh that fails the items without a description: they stay, as they were.
      yield* TestClock.adjust("1 minute")
      const refresh = yield* sync("full-refresh", strict)
      assert.strictEqual(refresh.counts.failed, failing.size)
      assert.strictEqual(refresh.counts.deleted, 0)
      assert.deepStrictEqual(yield* keysWhere("items", "_deleted"), new Set<string>())
      assert.deepStrictEqual(yield* storedIdentities("items"), yield* expectedIdentities(erp.fake, manifest))
      const open = yield* failedRecordStore.listFailedRecords({ connectorId: "erp", entity: "items", limit: 10_000 })
      assert.deepStrictEqual(new Set(open.map((record) => record.businessKey)), failing)

      // Items deleted upstream, some of them failing ones: a strict reconcile deletes exactly those.
      yield* TestClock.adjust("1 minute")
      const gone = yield* erp.fake.mutate("items", { delete: 60 })
      const goneKeys = new Set<string>()
      for (const key of gone.deleted) goneKeys.add(yield* keyOf(manifest, { part_no: key.PART_NO }))
      assert.isAbove([...goneKeys].filter((key) => failing.has(key)).length, 0)
      const reconcile = yield* sync("reconcile", strict)
      assert.strictEqual(reconcile.counts.deleted, goneKeys.size)
      assert.deepStrictEqual(yield* keysWhere("items", "_deleted"), goneKeys)
      assert.deepStrictEqual(yield* storedIdentities("items"), yield* expectedIdentities(erp.fake, manifest))
    }).pipe(Effect.scoped)
  )
})
