/**
 * Automatic retries, on the TestClock: the retry scheduler's loop retries failed records by itself
 * 60 s, 120 s and 240 s apart after they failed (at most 3 times), through the connector's current
 * configuration, and checks parked children every 5 minutes. The tables end equal to the fake's
 * ground truth with nobody asking.
 */
import { assert, layer } from "@effect/vitest"
import { Effect, Layer, Queue } from "effect"
import { TestClock } from "effect/testing"
import { SyncEngine } from "../../src/pipeline/SyncEngine.ts"
import type { StagesOptions } from "../../src/stages/Stages.ts"
import { ConnectorStore } from "../../src/state/ConnectorStore.ts"
import { FailedRecordStore } from "../../src/state/FailedRecordStore.ts"
import { ManifestStore } from "../../src/state/ManifestStore.ts"
import { PendingChildStore } from "../../src/state/PendingChildStore.ts"
import { ConnectorAdapters } from "../../src/workflow/ConnectorAdapters.ts"
import * as RetryScheduler from "../../src/workflow/RetryScheduler.ts"
import { apiSmithStages, engineLayer, expectedIdentities, fakeErp, storedIdentities } from "../pipeline/fixtures.ts"

/** A fake ERP behind connector "erp" with only `entities` enabled, and the retry loop forked on it. */
const withRetryLoop = (seed: number, entities: ReadonlyArray<string>, configuration: { stages: StagesOptions }) =>
  Effect.gen(function* () {
    const erp = yield* fakeErp({ seed, rows: { items: 300, customers: 20, orders: 40 } })
    const connectorStore = yield* ConnectorStore
    const manifestStore = yield* ManifestStore
    yield* connectorStore.createConnector({ id: "erp", adapter: "apismith", name: "ERP" })
    yield* manifestStore.saveManifests("erp", erp.manifests)
    for (const manifest of erp.manifests) {
      if (!entities.includes(manifest.entity))
        yield* manifestStore.updateEntitySettings("erp", manifest.entity, { enabled: false })
    }
    const adapters = Layer.succeed(
      ConnectorAdapters,
      ConnectorAdapters.of({
        runtime: () => Effect.succeed({ adapter: erp.adapter, stages: () => configuration.stages })
      })
    )
    const passes = yield* Queue.unbounded<RetryScheduler.RetryPass>()
    yield* RetryScheduler.loop({
      tick: "30 seconds",
      onPass: (pass) => Queue.offer(passes, pass).pipe(Effect.asVoid)
    }).pipe(Effect.provide(adapters), Effect.forkScoped)
    // The first pass runs at once.
    yield* Queue.take(passes)
    /**
     * Moves the clock on by one tick and waits for the one pass that wakes the loop. (One adjust over
     * several ticks may wake several passes, as fast as the database answers, which would leave
     * passes queued for later ticks to take: longer waits are taken tick by tick.)
     */
    const tick = Effect.andThen(TestClock.adjust("30 seconds"), Queue.take(passes))
    return { ...erp, tick }
  })

layer(engineLayer, { timeout: 120_000 })("automatic retries of failed records", (it) => {
  it.effect("retried at 60 s, 120 s, 240 s after failing, at most 3 times, then by today's configuration", () =>
    Effect.gen(function* () {
      const failedRecordStore = yield* FailedRecordStore
      const engine = yield* SyncEngine
      const strict: StagesOptions = { ...apiSmithStages, required: ["description"] }
      const configuration = { stages: strict }
      const erp = yield* withRetryLoop(51, ["items"], configuration)
      const items = erp.manifest("items")
      const sync = engine.syncEntity({ connectorId: "erp", adapter: erp.adapter, manifest: items, stages: strict })
      const first = yield* sync
      assert.isAbove(first.counts.failed, 0)
      const attempts = Effect.map(
        failedRecordStore.listFailedRecords({ connectorId: "erp", entity: "items", limit: 10_000 }),
        (records) => new Set(records.map((record) => record.attempts))
      )

      // Seconds after the failure -> attempts taken by then (the configuration still rejects them).
      const seen: Array<readonly [number, ReadonlyArray<number>]> = []
      for (let second = 30; second <= 600; second += 30) {
        const pass = yield* erp.tick
        if (pass.stillFailing > 0) seen.push([second, [...(yield* attempts)]])
      }
      assert.deepStrictEqual(seen, [
        [60, [1]],
        [180, [2]],
        [420, [3]]
      ])
      // Exhausted: an hour later nothing more is tried.
      let later = 0
      for (let second = 30; second <= 3600; second += 30) {
        const pass = yield* erp.tick
        later += pass.stillFailing + pass.retried
      }
      assert.strictEqual(later, 0)
      assert.deepStrictEqual([...(yield* attempts)], [3])

      // The configuration is fixed; the rows fail once more in a strict sync, and the next due retry
      // (60 s later) writes them by itself: the table equals the truth.
      configuration.stages = apiSmithStages
      const again = yield* engine.syncEntity({
        connectorId: "erp",
        adapter: erp.adapter,
        manifest: items,
        mode: "full-refresh",
        stages: strict
      })
      assert.strictEqual(again.counts.failed, first.counts.failed)
      assert.strictEqual((yield* erp.tick).retried, 0)
      const fixed = yield* erp.tick
      assert.strictEqual(fixed.retried, first.counts.failed)
      assert.strictEqual(
        (yield* failedRecordStore.listFailedRecords({ connectorId: "erp", entity: "items" })).length,
        0
      )
      assert.deepStrictEqual(yield* storedIdentities("items"), yield* expectedIdentities(erp.fake, items))
    }).pipe(Effect.scoped)
  )
})

layer(engineLayer, { timeout: 120_000 })("automatic retries of parked children", (it) => {
  it.effect("parked children are checked every 5 minutes and resolve once their parents are there", () =>
    Effect.gen(function* () {
      const manifestStore = yield* ManifestStore
      const pendingChildStore = yield* PendingChildStore
      const engine = yield* SyncEngine
      const erp = yield* withRetryLoop(52, ["orders", "order_lines"], { stages: apiSmithStages })
      yield* manifestStore.updateEntitySettings("erp", "order_lines", { orphans: "park" })
      const lines = erp.manifest("order_lines")
      const sync = (entity: string) =>
        engine.syncEntity({
          connectorId: "erp",
          adapter: erp.adapter,
          manifest: erp.manifest(entity),
          manifests: erp.manifests,
          stages: apiSmithStages
        })
      const early = yield* sync("order_lines")
      assert.strictEqual(early.pending, erp.fake.groundTruth.count("order_lines"))
      // The parents arrive by a sync that does not retry its children itself.
      yield* sync("customers")
      yield* sync("orders")
      const parked = Effect.map(
        pendingChildStore.listPendingChildren({ connectorId: "erp", entity: "order_lines", limit: 10_000 }),
        (children) => children.length
      )
      for (let second = 30; second < 300; second += 30) {
        const pass = yield* erp.tick
        assert.isFalse(pass.pending, `no children check at ${second} s`)
      }
      assert.strictEqual(yield* parked, early.pending)
      const check = yield* erp.tick
      assert.deepInclude(check, { pending: true, childrenResolved: early.pending })
      assert.strictEqual(yield* parked, 0)
      assert.deepStrictEqual(yield* storedIdentities("order_lines"), yield* expectedIdentities(erp.fake, lines))
    }).pipe(Effect.scoped)
  )
})
