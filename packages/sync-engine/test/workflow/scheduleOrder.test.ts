/**
 * The scheduler respects dependencies, on a TestClock: when a connector's entities are all due at
 * once (right after discovery), the first pass starts only the entities without parents; a child
 * waits (its slot unclaimed) while a parent's sync runs, and starts in the first pass after the
 * parent's run finished. Every child's run starts after its parents' runs finished, nothing is left
 * parked, and the tables equal the fake's ground truth.
 */
import { assert, layer } from "@effect/vitest"
import { Deferred, Effect } from "effect"
import { ConnectorStore } from "../../src/state/ConnectorStore.ts"
import { ManifestStore } from "../../src/state/ManifestStore.ts"
import type { ScheduledSync } from "../../src/workflow/SyncScheduler.ts"
import { engineLayer, expectedIdentities, fakeErp, storedIdentities } from "../pipeline/fixtures.ts"
import { gated, makeGate } from "../pipeline/gatedAdapter.ts"
import { rowsOrEmpty } from "./processes.ts"
import { schedulerPasses } from "./schedulerPasses.ts"

interface RunTimes {
  readonly entity: string
  readonly started: number
  readonly finished: number
}

layer(engineLayer, { timeout: 120_000, excludeTestServices: true })("scheduling in dependency order", (it) => {
  it.effect(
    "entities due at once run parents first: a child starts only after its parents' runs finished",
    () =>
      Effect.gen(function* () {
        const { fake, adapter, manifests, manifest } = yield* fakeErp({
          seed: 61,
          rows: { customers: 60, orders: 150, items: 40 }
        })
        const connectorStore = yield* ConnectorStore
        const manifestStore = yield* ManifestStore
        yield* connectorStore.createConnector({ id: "erp", adapter: "apismith", name: "ERP" })
        // Just discovered: every entity enabled, every one due at the first pass.
        yield* manifestStore.saveManifests("erp", manifests)
        const gate = yield* makeGate
        let holding = true
        const { workflows, fire } = yield* schedulerPasses(
          {
            ...adapter,
            streamPages: (entity, options) => (holding ? gated(adapter, gate) : adapter).streamPages(entity, options)
          },
          { windowRows: 100 },
          Date.UTC(2026, 0, 1, 0, 0, 30)
        )
        const parentsOf = (entity: string) =>
          manifest(entity)
            .parents.map((parent) => parent.entity)
            .filter((parent) => parent !== entity)
        const roots = manifests.filter((m) => parentsOf(m.entity).length === 0).map((m) => m.entity)
        assert.isNotEmpty(roots)
        assert.isBelow(roots.length, manifests.length, "the fake has children")

        // The first pass starts the entities without parents only; they are held mid-listing.
        const first = yield* fire
        assert.sameMembers(
          first.map((sync) => sync.entity),
          roots
        )
        for (const sync of first) assert.strictEqual(sync.status, "started", sync.entity)
        yield* Deferred.await(gate.started)
        // While they run, no child starts.
        assert.deepStrictEqual(yield* fire, [])

        // Released: each pass after the running syncs ended starts the entities whose parents are done.
        holding = false
        yield* Deferred.succeed(gate.gate, undefined)
        const fired: Array<ScheduledSync> = [...first]
        let running = first
        for (let round = 0; round < manifests.length && running.length > 0; round++) {
          for (const sync of running) yield* workflows.awaitEntity(sync.executionId ?? "")
          running = yield* fire
          fired.push(...running)
        }
        assert.sameMembers(
          fired.map((sync) => sync.entity),
          manifests.map((m) => m.entity)
        )
        // One fire per entity for the slot.
        const fires = yield* rowsOrEmpty<{ readonly n: number }>(
          `SELECT count(*)::int AS n FROM syncflow.schedule_fires WHERE key LIKE 'schedule:erp/%'`
        )
        assert.strictEqual(fires[0]?.n, manifests.length)

        const runs = yield* rowsOrEmpty<RunTimes>(
          `SELECT entity, (extract(epoch FROM started_at) * 1000)::float8 AS started,
             (extract(epoch FROM finished_at) * 1000)::float8 AS finished
           FROM syncflow.sync_runs WHERE status = 'succeeded'`
        )
        const runOf = (entity: string) => {
          const found = runs.find((run) => run.entity === entity)
          assert.isDefined(found, `${entity} ran`)
          return found!
        }
        for (const m of manifests) {
          for (const parent of parentsOf(m.entity)) {
            assert.isAtLeast(runOf(m.entity).started, runOf(parent).finished, `${m.entity} after ${parent}`)
          }
        }
        // Nothing was parked: every child found its parents.
        const pending = yield* rowsOrEmpty<{ readonly n: number }>(
          `SELECT count(*)::int AS n FROM syncflow.pending_children`
        )
        assert.strictEqual(pending[0]?.n, 0)
        for (const m of manifests) {
          assert.deepStrictEqual(yield* storedIdentities(m.entity), yield* expectedIdentities(fake, m), m.entity)
        }
      }).pipe(Effect.scoped),
    120_000
  )
})
