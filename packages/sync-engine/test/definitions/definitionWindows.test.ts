/**
 * A sync definition's listing one window at a time (what its durable workflow's activities call,
 * `SyncEngine.syncWindow` with the definition's sink): windows committed call after call end with
 * the definition's table equal to the truth and one succeeded run; a run cancelled between two
 * windows ends `cancelled` at the next window boundary, its committed rows kept, and the next
 * listing starts afresh and completes.
 */
import { assert, layer } from "@effect/vitest"
import { Effect, Layer, Option } from "effect"
import { resolveDefinition } from "../../src/definitions/resolveDefinition.ts"
import { SyncDefinitions } from "../../src/definitions/SyncDefinitions.ts"
import { createDefinition } from "../../src/definitions/saveDefinition.ts"
import { RunControl } from "../../src/pipeline/RunControl.ts"
import { SyncEngine } from "../../src/pipeline/SyncEngine.ts"
import { CheckpointStore } from "../../src/state/CheckpointStore.ts"
import { ConnectorStore } from "../../src/state/ConnectorStore.ts"
import { ManifestStore } from "../../src/state/ManifestStore.ts"
import { ConnectorAdapters } from "../../src/workflow/ConnectorAdapters.ts"
import { apiSmithStages, engineLayer, expectedIdentities, fakeErp, storedIdentities } from "../pipeline/fixtures.ts"

const testLayer = Layer.mergeAll(SyncDefinitions.layer, RunControl.layer).pipe(Layer.provideMerge(engineLayer))

layer(testLayer, { timeout: 120_000 })("a sync definition, window by window", (it) => {
  it.effect("commits window after window into its table; a cancelled run stops at the next window", () =>
    Effect.gen(function* () {
      const { fake, adapter, manifest, manifests } = yield* fakeErp({ seed: 41, rows: { items: 900 } })
      const connectorStore = yield* ConnectorStore
      const manifestStore = yield* ManifestStore
      const checkpointStore = yield* CheckpointStore
      const engine = yield* SyncEngine
      yield* connectorStore.createConnector({ id: "erp", adapter: "apismith", name: "ERP" })
      yield* manifestStore.saveManifests("erp", manifests)
      const adapters = Layer.succeed(ConnectorAdapters, {
        runtime: () => Effect.succeed({ adapter, stages: () => apiSmithStages })
      })
      const definition = yield* createDefinition({
        id: "items-windows",
        name: "Items by windows",
        source: { connectorId: "erp", entity: "items" },
        destination: { kind: "postgres", table: "items_windows" }
      }).pipe(Effect.provide(adapters))
      const resolved = yield* resolveDefinition(definition, { manifests, stages: () => apiSmithStages }).pipe(
        Effect.provide(adapters)
      )
      const sink = resolved.sink
      assert.isDefined(sink)
      if (sink === undefined) return
      const request = {
        connectorId: "erp",
        adapter,
        manifest: manifest("items"),
        manifests,
        stages: apiSmithStages,
        sink,
        mode: "full-refresh" as const,
        pageSize: 100,
        windowRows: 200,
        holder: "test"
      }

      // Window after window, then the finish: the table equals the truth, in one run.
      const first = yield* engine.syncWindow(request)
      assert.isFalse(first.done)
      assert.strictEqual(first.counts.inserted, 200)
      let windows = 1
      let outcome = first
      while (!outcome.done) {
        outcome = yield* engine.syncWindow(request)
        assert.strictEqual(outcome.runId, first.runId)
        windows++
      }
      assert.strictEqual(windows, 5)
      const run = yield* engine.finishListing({ ...request, runId: first.runId })
      assert.deepInclude(run, { status: "succeeded", inserted: 900, fetched: 900 })
      assert.deepStrictEqual(
        yield* storedIdentities("items_windows"),
        yield* expectedIdentities(fake, manifest("items"))
      )
      assert.isTrue(
        Option.isNone(
          yield* checkpointStore
            .getCheckpoint("erp", "items", "items-windows")
            .pipe(Effect.map((checkpoint) => Option.flatMap(checkpoint, (c) => Option.fromNullishOr(c.listing))))
        )
      )

      // Cancelled between two windows: the next window ends the run `cancelled`, nothing more written.
      const started = yield* engine.syncWindow(request)
      assert.isFalse(started.done)
      yield* (yield* RunControl).cancel(started.runId)
      const stopped = yield* engine.syncWindow(request)
      assert.deepInclude(stopped, { done: true, runId: started.runId })
      const cancelled = yield* engine.finishListing({ ...request, runId: started.runId })
      assert.strictEqual(cancelled.status, "cancelled")
      assert.strictEqual(cancelled.fetched, 200)
      // The next listing is a new run, and completes.
      let next = yield* engine.syncWindow(request)
      assert.notStrictEqual(next.runId, started.runId)
      while (!next.done) next = yield* engine.syncWindow(request)
      assert.strictEqual((yield* engine.finishListing({ ...request, runId: next.runId })).status, "succeeded")
      assert.deepStrictEqual(
        yield* storedIdentities("items_windows"),
        yield* expectedIdentities(fake, manifest("items"))
      )
    }).pipe(Effect.scoped)
  )
})
