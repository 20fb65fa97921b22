/**
 * The discovery cache: a connector's manifests are rediscovered once its discovery TTL has passed
 * (measured with the TestClock), not before, or once the connector changed after the last
 * discovery; a rediscovery keeps the entities' settings.
 */
import { assert, layer } from "@effect/vitest"
import { type Adapter, UpstreamUnavailable } from "@syncflow/adapter-core"
import { Clock, Effect } from "effect"
import { TestClock } from "effect/testing"
import { freshManifests } from "../../src/pipeline/freshManifests.ts"
import { ConnectorStore } from "../../src/state/ConnectorStore.ts"
import { ManifestStore } from "../../src/state/ManifestStore.ts"
import { engineLayer, fakeErp } from "./fixtures.ts"

/** The adapter, counting how many times its metadata is read. */
const counting = (adapter: Adapter) => {
  let reads = 0
  const wrapped: Adapter = {
    ...adapter,
    manifests: Effect.suspend(() => {
      reads++
      return adapter.manifests
    })
  }
  return { adapter: wrapped, reads: () => reads }
}

const hasColumn = (
  manifests: ReadonlyArray<{
    readonly entity: string
    readonly columns?: ReadonlyArray<{ readonly name: string }> | undefined
  }>,
  column: string
) => manifests.find((m) => m.entity === "items")?.columns?.some((c) => c.name === column) === true

layer(engineLayer, { timeout: 60_000 })("discovery TTL", (it) => {
  it.effect("reuses the stored manifests until the TTL has passed, then rediscovers", () =>
    Effect.gen(function* () {
      const { fake, adapter: erp } = yield* fakeErp({ seed: 92, rows: { items: 50 } })
      const { adapter, reads } = counting(erp)
      const connectorStore = yield* ConnectorStore
      const manifestStore = yield* ManifestStore
      yield* connectorStore.createConnector({ id: "erp", adapter: "apismith", name: "ERP" })

      // Nothing stored: discovered at once.
      const first = yield* freshManifests("erp", adapter, "10 minutes")
      assert.isTrue(first.rediscovered)
      assert.strictEqual(reads(), 1)
      yield* manifestStore.updateEntitySettings("erp", "items", { intervalSeconds: 60, mode: "full-refresh" })

      yield* fake.mutate("items", { addColumn: true, update: 1 })
      // Within the TTL: the stored manifests, without the new column, and no metadata request.
      yield* TestClock.adjust("9 minutes")
      const cached = yield* freshManifests("erp", adapter, "10 minutes")
      assert.isFalse(cached.rediscovered)
      assert.isFalse(hasColumn(cached.manifests, "planner_code"))
      assert.strictEqual(reads(), 1)

      // The TTL has passed: rediscovered and stored, settings kept.
      yield* TestClock.adjust("1 minute")
      const fresh = yield* freshManifests("erp", adapter, "10 minutes")
      assert.isTrue(fresh.rediscovered)
      assert.isTrue(hasColumn(fresh.manifests, "planner_code"))
      assert.strictEqual(reads(), 2)
      const stored = yield* manifestStore.getManifest("erp", "items")
      assert.isTrue(stored._tag === "Some" && hasColumn([stored.value.manifest], "planner_code"))
      assert.strictEqual(stored._tag === "Some" ? stored.value.settings.intervalSeconds : 0, 60)
      assert.strictEqual(stored._tag === "Some" ? stored.value.settings.mode : "", "full-refresh")

      // The clock restarts at the rediscovery; a TTL of 0 rediscovers every time.
      yield* TestClock.adjust("5 minutes")
      assert.isFalse((yield* freshManifests("erp", adapter, "10 minutes")).rediscovered)
      assert.isTrue((yield* freshManifests("erp", adapter, 0)).rediscovered)
      assert.isTrue((yield* freshManifests("erp", adapter, 0)).rediscovered)
      assert.strictEqual(reads(), 4)
    }).pipe(Effect.scoped)
  )

  it.effect("a discovery older than the connector's last change is stale within the TTL", () =>
    Effect.gen(function* () {
      const { adapter: erp } = yield* fakeErp({ seed: 95, rows: { items: 20 } })
      const { adapter, reads } = counting(erp)
      const connectorStore = yield* ConnectorStore
      yield* connectorStore.createConnector({ id: "erp4", adapter: "apismith", name: "ERP 4" })
      assert.isTrue((yield* freshManifests("erp4", adapter, "10 minutes")).rediscovered)
      const discoveredAt = yield* Clock.currentTimeMillis
      // Unchanged since: the stored manifests.
      yield* TestClock.adjust("1 minute")
      assert.isFalse((yield* freshManifests("erp4", adapter, "10 minutes", discoveredAt)).rediscovered)
      // Changed a minute after the discovery (e.g. a new source document): rediscovered once.
      const changedAt = yield* Clock.currentTimeMillis
      yield* TestClock.adjust("1 minute")
      assert.isTrue((yield* freshManifests("erp4", adapter, "10 minutes", changedAt)).rediscovered)
      assert.isFalse((yield* freshManifests("erp4", adapter, "10 minutes", changedAt)).rediscovered)
      assert.strictEqual(reads(), 2)
    }).pipe(Effect.scoped)
  )

  it.effect("returns the entities the latest discovery found, not ones the source no longer lists", () =>
    Effect.gen(function* () {
      const { adapter, manifest } = yield* fakeErp({ seed: 94, rows: { items: 20 } })
      const connectorStore = yield* ConnectorStore
      const manifestStore = yield* ManifestStore
      yield* connectorStore.createConnector({ id: "erp3", adapter: "apismith", name: "ERP 3" })
      // An entity a discovery found once, under a name the source no longer lists.
      yield* manifestStore.saveManifests("erp3", [{ ...manifest("items"), entity: "retired_items" }])
      yield* TestClock.adjust("11 minutes")
      const fresh = yield* freshManifests("erp3", adapter, "10 minutes")
      assert.isTrue(fresh.rediscovered)
      assert.notInclude(
        fresh.manifests.map((m) => m.entity),
        "retired_items"
      )
      const cached = yield* freshManifests("erp3", adapter, "10 minutes")
      assert.isFalse(cached.rediscovered)
      assert.deepStrictEqual(cached.manifests.map((m) => m.entity).sort(), fresh.manifests.map((m) => m.entity).sort())
      // Still stored (its runs and settings are kept).
      assert.isTrue((yield* manifestStore.getManifest("erp3", "retired_items"))._tag === "Some")
    }).pipe(Effect.scoped)
  )

  it.effect("goes on with the stored manifests when the source's metadata cannot be read", () =>
    Effect.gen(function* () {
      const { adapter: erp } = yield* fakeErp({ seed: 93, rows: { items: 20 } })
      const connectorStore = yield* ConnectorStore
      yield* connectorStore.createConnector({ id: "erp2", adapter: "apismith", name: "ERP 2" })
      const unavailable = new UpstreamUnavailable({ endpoint: "/api/v1/apis", reason: "status", message: "503" })
      const down: Adapter = { ...erp, manifests: Effect.fail(unavailable) }
      // Never discovered: the sync cannot go on, and says why.
      const never = yield* Effect.flip(freshManifests("erp2", down, 0))
      assert.strictEqual(never._tag, "UpstreamUnavailable")
      // Discovered once: the stored manifests are used while the metadata is down.
      const discovered = yield* freshManifests("erp2", erp, 0)
      const stale = yield* freshManifests("erp2", down, 0)
      assert.isFalse(stale.rediscovered)
      assert.deepStrictEqual(
        stale.manifests.map((m) => m.entity).sort(),
        discovered.manifests.map((m) => m.entity).sort()
      )
    }).pipe(Effect.scoped)
  )
})
