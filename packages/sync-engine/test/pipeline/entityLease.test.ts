/**
 * One sync per entity: whoever syncs an entity holds its lease in PostgreSQL for the whole sync. A
 * second engine on the same database is refused with `EntityBusy` naming the holder while the first
 * syncs, and syncs once it is done; a lease whose holder stopped renewing lapses after its time to
 * live (Effect Clock). Every table ends equal to the fake ERP's ground truth.
 */
import { assert, layer } from "@effect/vitest"
import { Context, Deferred, Duration, Effect, Fiber, Layer, Option } from "effect"
import { SqlClient } from "effect/sql"
import { TestClock } from "effect/testing"
import * as PostgresDestination from "../../src/destination/PostgresDestination.ts"
import { SyncEngine } from "../../src/pipeline/SyncEngine.ts"
import { ConnectorStore } from "../../src/state/ConnectorStore.ts"
import { EntityLeases } from "../../src/state/EntityLeases.ts"
import { apiSmithStages, engineLayer, expectedIdentities, fakeErp, storedIdentities } from "./fixtures.ts"
import { gated, makeGate } from "./gatedAdapter.ts"

/** A second engine (its own destination) on the same database: what another process would run. */
const otherEngine = Layer.build(
  Layer.fresh(SyncEngine.layer.pipe(Layer.provide(Layer.fresh(PostgresDestination.layer))))
).pipe(Effect.map((context) => Context.get(context, SyncEngine)))

layer(engineLayer, { timeout: 60_000 })("one sync per entity", (it) => {
  it.effect("a second engine is refused while the first one syncs, then syncs; the table equals the truth", () =>
    Effect.gen(function* () {
      const { fake, adapter, manifest } = yield* fakeErp({ seed: 5, rows: { items: 1500 } })
      const items = manifest("items")
      const connectorStore = yield* ConnectorStore
      yield* connectorStore.createConnector({ id: "erp", adapter: "apismith", name: "ERP" })
      const first = yield* SyncEngine
      const second = yield* otherEngine
      const leases = yield* EntityLeases.make()
      const request = { connectorId: "erp", manifest: items, stages: apiSmithStages, pageSize: 250, windowRows: 500 }

      // The first engine starts and is held before its first page.
      const gate = yield* makeGate
      const running = yield* Effect.forkChild(first.syncEntity({ ...request, adapter: gated(adapter, gate) }))
      yield* Deferred.await(gate.started)
      const lease = Option.getOrThrow(yield* leases.current({ connectorId: "erp", entity: "items" }))
      assert.match(lease.holder, /^process .+:\d+\/[0-9a-f]{8}$/)
      assert.isNotNull(lease.runId)

      // The second is refused, naming the holder and its run, and starts no run of its own.
      const refused = yield* Effect.flip(second.syncEntity({ ...request, adapter, mode: "full-refresh" }))
      assert.strictEqual(refused._tag, "EntityBusy")
      if (refused._tag !== "EntityBusy") return
      assert.strictEqual(refused.holder, lease.holder)
      assert.strictEqual(refused.runId, lease.runId)
      assert.include(refused.message, `erp/items is already being synced by ${lease.holder} (run ${lease.runId})`)
      const sql = yield* SqlClient.SqlClient
      const runs = () => sql<{ readonly n: number }>`SELECT count(*)::int AS n FROM syncflow.sync_runs`
      assert.strictEqual((yield* runs())[0]?.n, 1)

      // The first one ends and releases its lease; the second then syncs.
      yield* Deferred.succeed(gate.gate, undefined)
      const done = yield* Fiber.join(running)
      assert.strictEqual(done.counts.inserted, 1500)
      assert.isTrue(Option.isNone(yield* leases.current({ connectorId: "erp", entity: "items" })))
      assert.deepStrictEqual(yield* storedIdentities("items"), yield* expectedIdentities(fake, items))

      yield* fake.mutate("items", { delete: 20, update: 30, insert: 10 })
      const after = yield* second.syncEntity({ ...request, adapter, mode: "full-refresh" })
      assert.deepInclude(after.counts, { fetched: 1490, inserted: 10, updated: 30, deleted: 20 })
      const truth = yield* expectedIdentities(fake, items)
      assert.strictEqual(truth.size, 1490)
      assert.deepStrictEqual(yield* storedIdentities("items"), truth)
    })
  )

  it.effect("a lease its holder stopped renewing lapses after its time to live; the next sync takes over", () =>
    Effect.gen(function* () {
      const { fake, adapter, manifest } = yield* fakeErp({ seed: 6, rows: { customers: 200 } })
      const customers = manifest("customers")
      const connectorStore = yield* ConnectorStore
      yield* connectorStore.createConnector({ id: "erp2", adapter: "apismith", name: "ERP 2" })
      const engine = yield* SyncEngine
      const leases = yield* EntityLeases.make()
      const key = { connectorId: "erp2", entity: "customers" }
      // A holder that died: it took the lease and never renews it.
      yield* leases.acquire(key, "process gone:1/deadbeef")
      const request = { connectorId: "erp2", adapter, manifest: customers, stages: apiSmithStages }

      yield* TestClock.adjust(Duration.subtract(leases.ttl, Duration.seconds(1)))
      const refused = yield* Effect.flip(engine.syncEntity(request))
      assert.strictEqual(refused._tag, "EntityBusy")

      yield* TestClock.adjust("2 seconds")
      const summary = yield* engine.syncEntity(request)
      assert.strictEqual(summary.counts.inserted, 200)
      assert.isTrue(Option.isNone(yield* leases.current(key)))
      const truth = yield* expectedIdentities(fake, customers)
      assert.strictEqual(truth.size, 200)
      assert.deepStrictEqual(yield* storedIdentities("customers", "erp2"), truth)
    })
  )
})
