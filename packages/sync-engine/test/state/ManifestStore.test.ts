/**
 * The ManifestStore on a real PostgreSQL: discovered manifests, replaced on rediscovery, and each
 * entity's sync settings. Times come from the TestClock.
 */
import { assert, layer } from "@effect/vitest"
import type { EntityManifest } from "@syncflow/adapter-core"
import { Clock, DateTime, Effect, Option } from "effect"
import { TestClock } from "effect/testing"
import { ManifestStore } from "../../src/state/ManifestStore.ts"
import { seconds, stateStoresLayer, testConnector } from "./fixtures.ts"

const items: EntityManifest = {
  entity: "items",
  description: "Product master data",
  endpoint: "items.list",
  businessKey: ["item_number"],
  cursorField: "rowversion",
  deltaStrategy: "rowversion",
  parents: [],
  columns: [
    { name: "item_number", type: "string", nullable: false, businessKey: true, sourceType: "VARCHAR2(50)", length: 50 },
    { name: "list_price", type: "decimal", nullable: true, businessKey: false, precision: 12, scale: 2 }
  ]
}

const orderLines: EntityManifest = {
  entity: "order_lines",
  endpoint: "order_lines.list",
  businessKey: ["order_no", "line_no"],
  deltaStrategy: "hash",
  parents: [{ entity: "orders", foreignKey: ["order_no"] }]
}

/** The TestClock's time in epoch milliseconds (tests sharing a layer share its clock). */
const clockNow = Clock.currentTimeMillis

layer(stateStoresLayer())("ManifestStore", (it) => {
  it.effect("round-trips discovered manifests and replaces them on rediscovery", () =>
    Effect.gen(function* () {
      const manifestStore = yield* ManifestStore
      const { id } = yield* testConnector("manifests")
      const t0 = yield* clockNow
      yield* TestClock.adjust(seconds(10))
      yield* manifestStore.saveManifests(id, [items, orderLines])
      const found = yield* manifestStore.getManifest(id, "items")
      assert.isTrue(Option.isSome(found))
      const entity = Option.getOrThrow(found)
      assert.deepStrictEqual(entity.manifest, items)
      assert.strictEqual(DateTime.toEpochMillis(entity.discoveredAt), t0 + seconds(10))

      const changed: EntityManifest = {
        ...items,
        columns: [...(items.columns ?? []), { name: "uom", type: "string", nullable: true, businessKey: false }]
      }
      yield* manifestStore.saveManifests(id, [changed])
      const all = yield* manifestStore.listManifests(id)
      assert.deepStrictEqual(
        all.map((row) => row.manifest),
        [changed, orderLines]
      )
      assert.deepStrictEqual(yield* manifestStore.getManifest(id, "nope"), Option.none())
    })
  )

  it.effect(
    "keeps each entity's sync settings, defaulting to enabled, every 5 minutes, incremental, reconciled daily",
    () =>
      Effect.gen(function* () {
        const manifestStore = yield* ManifestStore
        const { id } = yield* testConnector("settings")
        yield* manifestStore.saveManifests(id, [items, orderLines])
        const fresh = Option.getOrThrow(yield* manifestStore.getManifest(id, "items"))
        assert.deepStrictEqual(fresh.settings, {
          enabled: true,
          intervalSeconds: 300,
          cron: null,
          mode: "incremental",
          reconcileIntervalSeconds: 86_400,
          reconcileCron: null,
          orphans: "keep",
          targetTable: null,
          alerts: {}
        })

        const updated = yield* manifestStore.updateEntitySettings(id, "items", {
          intervalSeconds: 60,
          cron: "*/2 * * * *"
        })
        assert.deepStrictEqual(Option.getOrThrow(updated).settings, {
          enabled: true,
          intervalSeconds: 60,
          cron: "*/2 * * * *",
          mode: "incremental",
          reconcileIntervalSeconds: 86_400,
          reconcileCron: null,
          orphans: "keep",
          targetTable: null,
          alerts: {}
        })
        // The reconciliation schedule: a cron replaces the interval; both null switch it off.
        const nightly = yield* manifestStore.updateEntitySettings(id, "items", { reconcileCron: "0 3 * * *" })
        assert.deepInclude(Option.getOrThrow(nightly).settings, {
          reconcileIntervalSeconds: 86_400,
          reconcileCron: "0 3 * * *"
        })
        const off = yield* manifestStore.updateEntitySettings(id, "items", {
          reconcileIntervalSeconds: null,
          reconcileCron: null
        })
        assert.deepInclude(Option.getOrThrow(off).settings, { reconcileIntervalSeconds: null, reconcileCron: null })
        const weekly = yield* manifestStore.updateEntitySettings(id, "items", { reconcileIntervalSeconds: 604_800 })
        assert.deepInclude(Option.getOrThrow(weekly).settings, {
          reconcileIntervalSeconds: 604_800,
          reconcileCron: null
        })
        yield* manifestStore.updateEntitySettings(id, "order_lines", { enabled: false, mode: "reconcile" })
        // Rediscovery keeps the settings; `cron: null` clears the cron.
        yield* manifestStore.saveManifests(id, [items])
        const cleared = yield* manifestStore.updateEntitySettings(id, "items", { cron: null })
        assert.deepStrictEqual(Option.getOrThrow(cleared).settings.cron, null)
        assert.strictEqual(Option.getOrThrow(cleared).settings.intervalSeconds, 60)
        const enabled = (yield* manifestStore.listEnabledEntities).filter((row) => row.connectorId === id)
        assert.deepStrictEqual(
          enabled.map((row) => row.entity),
          ["items"]
        )
        assert.deepStrictEqual(yield* manifestStore.updateEntitySettings(id, "nope", { enabled: false }), Option.none())
      })
  )
})
