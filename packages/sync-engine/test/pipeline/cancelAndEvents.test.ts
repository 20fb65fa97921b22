/**
 * Cancel and live progress as a user meets them: a run asked to stop (`RunControl.cancel`, as
 * another process would) ends `cancelled` at its next window boundary, keeps what it committed and
 * soft-deletes nothing; the next sync brings the table to the truth. A follower of a run
 * (`RunEvents.subscribe`) sees its events in commit order, percent and ETA where the source gave a
 * total, and last the run's final counts, equal to its row.
 */
import { assert, layer } from "@effect/vitest"
import type { Adapter } from "@syncflow/adapter-core"
import { Deferred, Effect, Fiber, Layer, Option, Stream } from "effect"
import { SqlClient } from "effect/sql"
import { TestClock } from "effect/testing"
import { RunEvents } from "../../src/events/RunEvents.ts"
import { RunControl } from "../../src/pipeline/RunControl.ts"
import { SyncEngine } from "../../src/pipeline/SyncEngine.ts"
import { CheckpointStore } from "../../src/state/CheckpointStore.ts"
import { ConnectorStore } from "../../src/state/ConnectorStore.ts"
import { EntityLeases } from "../../src/state/EntityLeases.ts"
import { RunStore } from "../../src/state/RunStore.ts"
import { apiSmithStages, engineLayer, expectedIdentities, fakeErp, storedIdentities } from "./fixtures.ts"

const testLayer = Layer.mergeAll(RunControl.layer, RunEvents.layer).pipe(Layer.provideMerge(engineLayer))

/** `adapter`, its listings held before page `at` until `gate` opens; `total` given to every page when set. */
const heldAt = (
  adapter: Adapter,
  at: number,
  held: { readonly reached: Deferred.Deferred<void>; readonly gate: Deferred.Deferred<void> },
  total?: number
): Adapter => ({
  ...adapter,
  streamPages: (entity, options) =>
    adapter
      .streamPages(entity, options)
      .pipe(
        Stream.mapEffect((page) =>
          (page.index === at
            ? Deferred.succeed(held.reached, undefined).pipe(Effect.andThen(Deferred.await(held.gate)))
            : Effect.void
          ).pipe(Effect.as(total === undefined ? page : { ...page, total }))
        )
      )
})

const hold = Effect.gen(function* () {
  return { reached: yield* Deferred.make<void>(), gate: yield* Deferred.make<void>() }
})

/** The run that holds the entity's lease (the one syncing it). */
const runningRun = (connectorId: string, entity: string) =>
  Effect.gen(function* () {
    const leases = yield* EntityLeases.make()
    const lease = Option.getOrThrow(yield* leases.current({ connectorId, entity }))
    assert.isNotNull(lease.runId)
    return lease.runId ?? ""
  })

layer(testLayer, { timeout: 60_000 })("cancel and live progress", (it) => {
  it.effect(
    "a cancelled full refresh stops at a window boundary, keeps its windows, deletes nothing; the next sync equals the truth",
    () =>
      Effect.gen(function* () {
        const { fake, adapter, manifest } = yield* fakeErp({ seed: 11, rows: { items: 1500 } })
        const items = manifest("items")
        const connectorStore = yield* ConnectorStore
        const checkpointStore = yield* CheckpointStore
        const runStore = yield* RunStore
        const engine = yield* SyncEngine
        const control = yield* RunControl
        const events = yield* RunEvents
        yield* connectorStore.createConnector({ id: "erp", adapter: "apismith", name: "ERP" })
        const request = { connectorId: "erp", manifest: items, stages: apiSmithStages, pageSize: 250, windowRows: 250 }
        yield* engine.syncEntity({ ...request, adapter })
        yield* fake.mutate("items", { delete: 20, update: 30, insert: 10 })

        // A full refresh, held before its third page: two windows have committed.
        const held = yield* hold
        const running = yield* Effect.forkChild(
          engine.syncEntity({ ...request, adapter: heldAt(adapter, 2, held), mode: "full-refresh" })
        )
        yield* Deferred.await(held.reached)
        const runId = yield* runningRun("erp", "items")
        const followed = yield* Effect.forkChild(Stream.runCollect(events.subscribe(runId)))
        // The second window commits (the third page waits): wait for its event.
        yield* events.subscribe(runId).pipe(
          Stream.takeUntil((event) => event._tag === "WindowCommitted" && event.counts.fetched >= 500),
          Stream.runDrain
        )
        const asked = yield* control.cancel(runId)
        assert.strictEqual(asked.status, "running")
        yield* Deferred.succeed(held.gate, undefined)
        const summary = yield* Fiber.join(running)
        assert.isTrue(summary.cancelled)

        const run = Option.getOrThrow(yield* runStore.getRun(runId))
        assert.strictEqual(run.status, "cancelled")
        assert.strictEqual(run.fetched, 500)
        assert.strictEqual(run.deleted, 0)
        // Nothing was soft-deleted: the rows the source deleted are still live until a listing completes.
        const sql = yield* SqlClient.SqlClient
        const deleted = yield* sql<{ readonly n: number }>`SELECT count(*)::int AS n FROM erp.items WHERE _deleted`
        assert.strictEqual(deleted[0]?.n, 0)
        const checkpoint = Option.getOrThrow(yield* checkpointStore.getCheckpoint("erp", "items"))
        assert.isNull(checkpoint.listing)

        // Its follower got a snapshot, then the run's end with the counts of its row.
        const seen = Array.from(yield* Fiber.join(followed))
        assert.strictEqual(seen[0]?._tag, "RunStarted")
        const last = seen.at(-1)
        assert.strictEqual(last?._tag, "RunFinished")
        if (last?._tag === "RunFinished") {
          assert.strictEqual(last.status, "cancelled")
          assert.strictEqual(last.counts.fetched, run.fetched)
          assert.strictEqual(last.counts.inserted, run.inserted)
        }
        // A finished run cannot be cancelled (409 in the API); an unknown one is not found (404).
        const again = yield* Effect.flip(control.cancel(runId))
        assert.strictEqual(again._tag, "RunNotRunning")
        const unknown = yield* Effect.flip(control.cancel("00000000-0000-4000-8000-000000000000"))
        assert.strictEqual(unknown._tag, "RunNotFound")
        const subscribedLate = Array.from(yield* Stream.runCollect(events.subscribe(runId)))
        assert.deepStrictEqual(
          subscribedLate.map((event) => event._tag),
          ["RunFinished"]
        )

        // The next full refresh starts anew and ends equal to the truth.
        const next = yield* engine.syncEntity({ ...request, adapter, mode: "full-refresh" })
        assert.notStrictEqual(next.runId, runId)
        assert.isFalse(next.resumed)
        assert.strictEqual(next.counts.deleted, 20)
        assert.deepStrictEqual(yield* storedIdentities("items"), yield* expectedIdentities(fake, items))
      })
  )

  it.effect(
    "a follower sees the committed windows in order with percent and ETA, and last the run's final counts",
    () =>
      Effect.gen(function* () {
        const { fake, adapter, manifest } = yield* fakeErp({ seed: 12, rows: { customers: 1000 } })
        const customers = manifest("customers")
        const connectorStore = yield* ConnectorStore
        const runStore = yield* RunStore
        const engine = yield* SyncEngine
        const events = yield* RunEvents
        yield* connectorStore.createConnector({ id: "erp2", adapter: "apismith", name: "ERP 2" })
        const held = yield* hold
        const total = Array.from(fake.groundTruth.rows("customers")).length
        const running = yield* Effect.forkChild(
          engine.syncEntity({
            connectorId: "erp2",
            manifest: customers,
            stages: apiSmithStages,
            pageSize: 100,
            windowRows: 200,
            adapter: heldAt(adapter, 0, held, total)
          })
        )
        yield* Deferred.await(held.reached)
        const runId = yield* runningRun("erp2", "customers")
        const listening = yield* Deferred.make<void>()
        const followed = yield* Effect.forkChild(
          events.subscribe(runId).pipe(
            Stream.tap(() => Deferred.succeed(listening, undefined)),
            Stream.runCollect
          )
        )
        // The follower listens once its snapshot (the run has started) arrives: then the run goes on.
        yield* Deferred.await(listening)
        yield* Deferred.succeed(held.gate, undefined)
        const summary = yield* Fiber.join(running)
        const seen = Array.from(yield* Fiber.join(followed))
        const run = Option.getOrThrow(yield* runStore.getRun(runId))

        assert.strictEqual(seen[0]?._tag, "RunStarted")
        const windows = seen.filter((event) => event._tag === "WindowCommitted")
        assert.isAtLeast(windows.length, 1)
        for (let i = 1; i < windows.length; i++) {
          assert.isAtLeast(windows[i]!.counts.fetched, windows[i - 1]!.counts.fetched)
        }
        const lastWindow = windows.at(-1)
        assert.strictEqual(lastWindow?.counts.fetched, total)
        assert.strictEqual(lastWindow?.total, total)
        assert.strictEqual(lastWindow?.percent, 100)
        assert.strictEqual(lastWindow?.etaSeconds, 0)
        const last = seen.at(-1)
        assert.strictEqual(last?._tag, "RunFinished")
        if (last?._tag === "RunFinished") {
          assert.strictEqual(last.status, "succeeded")
          assert.deepStrictEqual(last.counts, {
            fetched: run.fetched,
            normalized: run.normalized,
            validated: run.validated,
            mapped: run.mapped,
            inserted: run.inserted,
            updated: run.updated,
            unchanged: run.unchanged,
            deleted: run.deleted,
            failed: run.failed,
            orphaned: run.orphaned
          })
          assert.strictEqual(last.counts.inserted, summary.counts.inserted)
        }
        assert.deepStrictEqual(yield* storedIdentities("customers", "erp2"), yield* expectedIdentities(fake, customers))
      })
  )

  it.effect("a follower of a run that ends without saying so (abandoned by the sweep) still gets its end", () =>
    Effect.gen(function* () {
      const connectorStore = yield* ConnectorStore
      const runStore = yield* RunStore
      const events = yield* RunEvents
      yield* connectorStore.createConnector({ id: "erp3", adapter: "apismith", name: "ERP 3" })
      const run = yield* runStore.startRun({ connectorId: "erp3", entity: "items", mode: "incremental" })
      const listening = yield* Deferred.make<void>()
      const followed = yield* Effect.forkChild(
        events.subscribe(run.id).pipe(
          Stream.tap(() => Deferred.succeed(listening, undefined)),
          Stream.runCollect
        )
      )
      yield* Deferred.await(listening)
      // Nobody holds the entity's lease: the sweep marks the run abandoned (no RunFinished is sent).
      const swept = yield* (yield* EntityLeases.make()).sweep
      assert.deepStrictEqual(
        swept.map((abandoned) => abandoned.runId),
        [run.id]
      )
      // Its follower looks at the run's row every 10 s (of the test clock, moved until it has ended).
      const seen = Array.from(
        yield* Effect.raceFirst(Fiber.join(followed), Effect.forever(TestClock.adjust("10 seconds")))
      )
      const last = seen.at(-1)
      assert.strictEqual(last?._tag, "RunFinished")
      if (last?._tag === "RunFinished") assert.strictEqual(last.status, "abandoned")
    })
  )
})
