/**
 * How an unreachable upstream becomes observable: a real sync against a fake ERP that answers 503
 * (after the adapter's retries) records a failed run whose error the `upstream_unreachable` rule
 * recognises, and so does the failure of the next sync that the open circuit breaker stops; 15
 * minutes of such failures fire the alert. Real HTTP on loopback, real PostgreSQL, real time for
 * the syncs; the evaluator's time is a TestClock's.
 */
import { assert, layer } from "@effect/vitest"
import { Clock, Effect, Exit, Layer } from "effect"
import { TestClock } from "effect/testing"
import { evaluate } from "../../src/alerts/AlertEvaluator.ts"
import { unreachablePattern } from "../../src/alerts/AlertMeasures.ts"
import { AlertStore } from "../../src/alerts/AlertStore.ts"
import { SyncEngine } from "../../src/pipeline/SyncEngine.ts"
import { ConnectorStore } from "../../src/state/ConnectorStore.ts"
import { ManifestStore } from "../../src/state/ManifestStore.ts"
import { RunStore } from "../../src/state/RunStore.ts"
import { apiSmithStages, engineLayer, fakeErp } from "../pipeline/fixtures.ts"
import { only } from "./fixtures.ts"

layer(AlertStore.layer.pipe(Layer.provideMerge(engineLayer)), { timeout: 60_000, excludeTestServices: true })(
  "unreachable upstream",
  (it) => {
    it.effect("runs failing on a 503 upstream fire upstream_unreachable", () =>
      Effect.gen(function* () {
        const erp = yield* fakeErp({ seed: 61, rows: { items: 20, customers: 5, orders: 5 } })
        yield* (yield* ConnectorStore).createConnector({ id: "erp", adapter: "apismith", name: "ERP" })
        yield* (yield* ManifestStore).saveManifests("erp", erp.manifests)
        const engine = yield* SyncEngine
        const sync = engine.syncEntity({
          connectorId: "erp",
          adapter: erp.adapter,
          manifest: erp.manifest("items"),
          stages: apiSmithStages
        })
        yield* erp.fake.faults.setDatabaseAvailable(false)
        assert.isTrue(Exit.isFailure(yield* Effect.exit(sync)))
        assert.isTrue(Exit.isFailure(yield* Effect.exit(sync)))
        const failed = (yield* (yield* RunStore).listRuns({ connectorId: "erp", entity: "items" })).filter(
          (run) => run.status === "failed"
        )
        assert.strictEqual(failed.length, 2)
        for (const run of failed) assert.match(run.error ?? "", new RegExp(unreachablePattern), run.error ?? "")

        const clock = yield* TestClock.make()
        const evaluateAfter = (minutes: number) =>
          Effect.gen(function* () {
            yield* clock.setTime((yield* Clock.currentTimeMillis) + minutes * 60_000)
            return yield* evaluate({ thresholds: only("upstreamUnreachableMinutes", 15) }).pipe(
              Effect.provideService(Clock.Clock, clock)
            )
          })
        assert.deepInclude(yield* evaluateAfter(14), { fired: [], firing: 0 })
        const fired = yield* evaluateAfter(16)
        assert.deepStrictEqual(
          fired?.fired.map((alert) => [alert.rule, alert.connectorId, alert.entity]),
          [["upstream_unreachable", "erp", null]]
        )
        // The adapter's circuit breaker is open now: the next sync fails at once, the same way, and
        // the alert stays the one firing (its resolution by a run that gets through: alertRules.test.ts).
        yield* erp.fake.faults.setDatabaseAvailable(true)
        const open = yield* Effect.flip(sync)
        assert.include(open.message, "circuit")
        assert.deepInclude(yield* evaluateAfter(17), { fired: [], resolved: [], firing: 1 })
        const [latest] = yield* (yield* RunStore).listRuns({ connectorId: "erp", entity: "items" })
        assert.match(latest?.error ?? "", new RegExp(unreachablePattern))
      }).pipe(Effect.scoped)
    )
  }
)
