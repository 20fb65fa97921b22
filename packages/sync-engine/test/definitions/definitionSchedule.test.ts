/**
 * The schedules of sync definitions (TestClock): a definition's first slot is only recorded, the next
 * one fires once (a second tick in the same slot, here or on another scheduler, fires nothing), a
 * disabled or unscheduled definition and default definitions never fire (a due definition's run is
 * `runDefinition`, checked against the truth in definitionSync.test.ts).
 */
import { assert, layer } from "@effect/vitest"
import { Clock, Effect, Layer } from "effect"
import { TestClock } from "effect/testing"
import { tick } from "../../src/definitions/DefinitionScheduler.ts"
import { SyncDefinitions } from "../../src/definitions/SyncDefinitions.ts"
import { createDefinition, updateDefinition } from "../../src/definitions/saveDefinition.ts"
import { ConnectorStore } from "../../src/state/ConnectorStore.ts"
import { ManifestStore } from "../../src/state/ManifestStore.ts"
import { ConnectorAdapters } from "../../src/workflow/ConnectorAdapters.ts"
import { WorkflowTriggers } from "../../src/workflow/WorkflowTriggers.ts"
import { apiSmithStages, engineLayer, fakeErp } from "../pipeline/fixtures.ts"

const testLayer = Layer.mergeAll(SyncDefinitions.layer, WorkflowTriggers.layer).pipe(Layer.provideMerge(engineLayer))

layer(testLayer, { timeout: 120_000, excludeTestServices: true })("definition schedules", (it) => {
  it.effect("fire once per slot after the first, only for enabled scheduled definitions", () =>
    Effect.gen(function* () {
      const { adapter, manifests } = yield* fakeErp({ seed: 9, rows: { items: 100, customers: 10, orders: 10 } })
      const connectorStore = yield* ConnectorStore
      const manifestStore = yield* ManifestStore
      yield* connectorStore.createConnector({ id: "erp", adapter: "apismith", name: "ERP" })
      yield* manifestStore.saveManifests("erp", manifests)
      const adapters = Layer.succeed(ConnectorAdapters, {
        runtime: () => Effect.succeed({ adapter, stages: () => apiSmithStages })
      })
      const base = {
        source: { connectorId: "erp", entity: "customers" },
        destination: { kind: "postgres" as const, table: "customers_hourly" }
      }
      yield* createDefinition({ ...base, id: "hourly", name: "Hourly", schedule: { intervalSeconds: 3600 } }).pipe(
        Effect.provide(adapters)
      )
      yield* createDefinition({
        ...base,
        id: "manual",
        name: "Manual",
        destination: { kind: "postgres", table: "customers_manual" }
      }).pipe(Effect.provide(adapters))
      yield* createDefinition({
        ...base,
        id: "off",
        name: "Off",
        destination: { kind: "postgres", table: "customers_off" },
        schedule: { cron: "* * * * *" },
        enabled: false
      }).pipe(Effect.provide(adapters))

      // A test clock for the scheduler's passes only (the fake ERP and the database keep real time).
      const clock = yield* TestClock.make()
      yield* clock.setTime(Date.UTC(2026, 0, 1, 10, 30))
      const pass = (claimed: Map<string, number>) => tick(claimed).pipe(Effect.provideService(Clock.Clock, clock))
      const claimed = new Map<string, number>()
      assert.deepStrictEqual(yield* pass(claimed), []) // armed: the first slot only recorded
      yield* clock.adjust("10 minutes")
      assert.deepStrictEqual(yield* pass(claimed), [])
      yield* clock.adjust("30 minutes") // 11:10, the next hourly slot
      const due = yield* pass(claimed)
      assert.deepStrictEqual(
        due.map((d) => d.id),
        ["hourly"]
      )
      assert.deepStrictEqual(yield* pass(claimed), [])
      assert.deepStrictEqual(yield* pass(new Map()), []) // another scheduler: the slot is taken
      yield* clock.adjust("1 hour")
      yield* updateDefinition("hourly", { enabled: false }).pipe(Effect.provide(adapters))
      assert.deepStrictEqual(yield* pass(claimed), [])
    }).pipe(Effect.scoped)
  )
})
