/**
 * Deletes reach the table by default: an entity left with its default settings (incremental every
 * 5 minutes, reconciled daily) is synced by the cluster scheduler's passes, driven by a TestClock.
 * Incremental syncs after upstream deletes do not delete; the reconciliation the scheduler starts
 * a day later, without anyone asking, soft-deletes exactly the rows the source no longer has, and
 * the table equals the fake ERP's ground truth.
 */
import { assert, describe, it, layer } from "@effect/vitest"
import { Effect } from "effect"
import { ConnectorStore } from "../../src/state/ConnectorStore.ts"
import { defaultEntitySettings } from "../../src/state/EntitySettings.ts"
import { ManifestStore } from "../../src/state/ManifestStore.ts"
import { needsReconciliation, reconcileSlot } from "../../src/workflow/SyncScheduler.ts"
import { engineLayer, expectedIdentities, fakeErp, storedIdentities } from "../pipeline/fixtures.ts"
import { rowsOrEmpty } from "./processes.ts"
import { schedulerPasses } from "./schedulerPasses.ts"

describe("reconciliation slots", () => {
  it("a row-version entity synced incrementally is reconciled daily by default; others need no reconciliation", () => {
    const day = 86_400_000
    const at = Date.UTC(2026, 0, 1, 0, 0, 30)
    assert.strictEqual(reconcileSlot({ deltaStrategy: "rowversion" }, defaultEntitySettings, at), Math.floor(at / day))
    assert.strictEqual(
      reconcileSlot({ deltaStrategy: "rowversion" }, defaultEntitySettings, at + day),
      (reconcileSlot({ deltaStrategy: "rowversion" }, defaultEntitySettings, at) ?? 0) + 1
    )
    const nightly = { ...defaultEntitySettings, reconcileCron: "0 3 * * *" }
    assert.strictEqual(reconcileSlot({ deltaStrategy: "rowversion" }, nightly, at), at - 30_000 - 21 * 3_600_000)
    const off = { ...defaultEntitySettings, reconcileIntervalSeconds: null }
    assert.isUndefined(reconcileSlot({ deltaStrategy: "rowversion" }, off, at))
    // Every listing of a `hash`/`full` entity, and every sync in a complete mode, already finds deletes.
    assert.isFalse(needsReconciliation({ deltaStrategy: "hash" }, defaultEntitySettings))
    assert.isFalse(needsReconciliation({ deltaStrategy: "full" }, defaultEntitySettings))
    assert.isFalse(
      needsReconciliation({ deltaStrategy: "rowversion" }, { ...defaultEntitySettings, mode: "full-refresh" })
    )
    assert.isTrue(needsReconciliation({ deltaStrategy: "rowversion" }, defaultEntitySettings))
  })
})

layer(engineLayer, { timeout: 120_000, excludeTestServices: true })("the default reconciliation schedule", (it) => {
  it.effect(
    "soft-deletes upstream deletes a day later without anyone asking; incremental syncs in between do not",
    () =>
      Effect.gen(function* () {
        const { fake, adapter, manifest } = yield* fakeErp({ seed: 53, rows: { items: 2000 } })
        const items = manifest("items")
        assert.strictEqual(items.deltaStrategy, "rowversion")
        const connectorStore = yield* ConnectorStore
        const manifestStore = yield* ManifestStore
        yield* connectorStore.createConnector({ id: "erp", adapter: "apismith", name: "ERP" })
        yield* manifestStore.saveManifests("erp", [items])
        // The entity's settings are the defaults nobody changed.
        const stored = yield* manifestStore.listEnabledEntities
        assert.deepStrictEqual(
          stored.map((entity) => entity.settings),
          [defaultEntitySettings]
        )
        const { clock, pass } = yield* schedulerPasses(adapter, { windowRows: 500 }, Date.UTC(2026, 0, 1, 0, 0, 30))

        // The first pass: the first (initial) sync; the reconciliation schedule starts counting.
        const [initial, ...none] = yield* pass
        assert.strictEqual(none.length, 0)
        assert.strictEqual(initial?.mode, "incremental")
        assert.deepInclude(initial?.summary.counts, { fetched: 2000, inserted: 2000, deleted: 0, failed: 0 })
        assert.deepStrictEqual(yield* storedIdentities("items"), yield* expectedIdentities(fake, items))
        assert.strictEqual((yield* pass).length, 0)

        // Upstream deletes (and other changes); incremental syncs every 5 minutes cannot see the deletes.
        const report = yield* fake.mutate("items", { insert: 10, update: 20, delete: 7 })
        assert.strictEqual(report.deleted.length, 7)
        for (let i = 0; i < 3; i++) {
          yield* clock.adjust("5 minutes")
          const [sync, ...more] = yield* pass
          assert.strictEqual(more.length, 0)
          assert.strictEqual(sync?.mode, "incremental")
          assert.strictEqual(sync?.summary.counts.deleted, 0)
        }
        const truth = yield* expectedIdentities(fake, items)
        const beforeReconcile = yield* storedIdentities("items")
        assert.strictEqual(beforeReconcile.size, truth.size + 7)
        for (const [key, hash] of truth) assert.strictEqual(beforeReconcile.get(key), hash)

        // A day later the scheduler starts the reconciliation by itself (instead of that slot's incremental sync).
        yield* clock.adjust("1 day")
        const [reconciliation, ...others] = yield* pass
        assert.strictEqual(others.length, 0)
        assert.strictEqual(reconciliation?.mode, "reconcile")
        assert.deepInclude(reconciliation?.summary.counts, { fetched: truth.size, deleted: 7, inserted: 0, updated: 0 })
        const after = yield* storedIdentities("items")
        assert.strictEqual(after.size, truth.size)
        assert.deepStrictEqual(after, truth)
        // The deleted rows are still there, soft-deleted.
        const soft = yield* rowsOrEmpty<{ readonly n: number }>(
          `SELECT count(*)::int AS n FROM erp.items WHERE _deleted AND _deleted_at IS NOT NULL`
        )
        assert.strictEqual(soft[0]?.n, 7)
        // The fires are recorded with their modes: one reconciliation, and the incremental slots.
        const fires = yield* rowsOrEmpty<{ readonly key: string; readonly mode: string }>(
          `SELECT key, mode FROM syncflow.schedule_fires ORDER BY fired_at, key`
        )
        assert.deepStrictEqual(
          fires.filter((fire) => fire.key.startsWith("reconcile:")),
          [{ key: "reconcile:erp/items", mode: "reconcile" }]
        )
        assert.deepStrictEqual(
          fires.filter((fire) => fire.key.startsWith("schedule:")).map((fire) => fire.mode),
          ["incremental", "incremental", "incremental", "incremental", "reconcile"]
        )
        // Nothing more until the next slot.
        assert.strictEqual((yield* pass).length, 0)
      }).pipe(Effect.scoped),
    120_000
  )
})
