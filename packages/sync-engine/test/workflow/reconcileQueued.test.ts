/**
 * A reconciliation whose slot comes while another sync of the entity runs is not lost: the
 * scheduler's trigger is queued behind the running sync and runs after it. Here the running sync is
 * an incremental one held up by another holder of the entity's lease (as a `syncflow sync` would);
 * the day's reconciliation is queued, runs once the incremental ends, and soft-deletes what the
 * source deleted: the table equals the fake ERP's ground truth.
 */
import { assert, layer } from "@effect/vitest"
import { Effect } from "effect"
import { ConnectorStore } from "../../src/state/ConnectorStore.ts"
import { ManifestStore } from "../../src/state/ManifestStore.ts"
import { engineLayer, expectedIdentities, fakeErp, storedIdentities } from "../pipeline/fixtures.ts"
import { schedulerPasses } from "./schedulerPasses.ts"

layer(engineLayer, { timeout: 120_000, excludeTestServices: true })("a reconciliation due while a sync runs", (it) => {
  it.effect(
    "is queued behind the running sync and soft-deletes the upstream deletes after it",
    () =>
      Effect.gen(function* () {
        const { fake, adapter, manifest } = yield* fakeErp({ seed: 57, rows: { items: 1500 } })
        const items = manifest("items")
        const connectorStore = yield* ConnectorStore
        const manifestStore = yield* ManifestStore
        yield* connectorStore.createConnector({ id: "erp", adapter: "apismith", name: "ERP" })
        yield* manifestStore.saveManifests("erp", [items])
        const { workflows, leases, clock, fire, pass } = yield* schedulerPasses(
          adapter,
          { windowRows: 500 },
          Date.UTC(2026, 0, 1, 0, 0, 30)
        )
        const [initial] = yield* pass
        assert.deepInclude(initial?.summary.counts, { inserted: 1500, deleted: 0 })
        yield* fake.mutate("items", { delete: 7, update: 4 })

        // Another sync holds the entity: the next scheduled (incremental) sync starts and waits for it.
        const key = { connectorId: "erp", entity: "items" }
        yield* leases.acquire(key, "syncflow sync (another process)")
        yield* clock.adjust("5 minutes")
        const [incremental, ...none] = yield* fire
        assert.strictEqual(none.length, 0)
        assert.strictEqual(incremental?.mode, "incremental")
        // A day later, while that sync still runs, the reconciliation's slot comes: it is queued.
        yield* clock.adjust("1 day")
        const [reconciliation, ...others] = yield* fire
        assert.strictEqual(others.length, 0)
        assert.strictEqual(reconciliation?.mode, "reconcile")
        assert.isDefined(reconciliation?.executionId)
        assert.notStrictEqual(reconciliation?.executionId, incremental?.executionId)
        assert.deepStrictEqual(yield* workflows.entityStatus(incremental?.executionId ?? ""), { _tag: "Running" })

        // The other sync ends: the incremental sync runs (no deletes), then the reconciliation.
        yield* leases.release(key, "syncflow sync (another process)")
        const first = yield* workflows.awaitEntity(incremental?.executionId ?? "")
        assert.strictEqual(first.counts.deleted, 0)
        const reconciled = yield* workflows.awaitEntity(reconciliation?.executionId ?? "")
        assert.strictEqual(reconciled.mode, "reconcile")
        assert.deepInclude(reconciled.counts, { fetched: 1493, deleted: 7, inserted: 0 })
        const truth = yield* expectedIdentities(fake, items)
        assert.strictEqual(truth.size, 1493)
        assert.deepStrictEqual(yield* storedIdentities("items"), truth)
      }).pipe(Effect.scoped),
    120_000
  )
})
