/**
 * Hostile expressions given to a sync definition on the fake ERP, where a user gives them (a field
 * mapping's `custom`/`calculate`, an ETL step's `condition` and `compute`): prototype access, loops
 * (comprehension macros, `cel.bind`), catastrophic backtracking (`matches`) and deep nesting are
 * refused when the definition or its mapping is saved, each naming the entry's or the step's field
 * and the reason, and nothing is stored; the definition then runs with harmless expressions and its
 * table holds the truth. (What a row's huge input or result does is in `expression.test.ts`: the
 * row fails, bounded by `ExpressionLimits`.)
 */
import { assert, layer } from "@effect/vitest"
import type { ColumnManifest } from "@syncflow/adapter-core"
import { Effect, Layer, Option } from "effect"
import { runDefinition } from "../../src/definitions/runDefinition.ts"
import { SyncDefinitions } from "../../src/definitions/SyncDefinitions.ts"
import { createDefinition, updateDefinition } from "../../src/definitions/saveDefinition.ts"
import type { EtlStep } from "../../src/etl/EtlStep.ts"
import { FieldMappings } from "../../src/mappings/FieldMappings.ts"
import { setFieldMapping } from "../../src/mappings/setFieldMapping.ts"
import { ConnectorStore } from "../../src/state/ConnectorStore.ts"
import { ManifestStore } from "../../src/state/ManifestStore.ts"
import { ConnectorAdapters } from "../../src/workflow/ConnectorAdapters.ts"
import { apiSmithStages, engineLayer, fakeErp, storedRows } from "../pipeline/fixtures.ts"

const testLayer = Layer.mergeAll(SyncDefinitions.layer, FieldMappings.layer).pipe(Layer.provideMerge(engineLayer))

/** Expressions a hostile (or careless) user might give: the reason a mapping's refusal names, and what a step's says. */
const hostile: ReadonlyArray<readonly [string, string, string]> = [
  ["name.constructor.prototype", "ForbiddenProperty", "prototype is not a field an expression may read"],
  ['name.split("").map(c, name + name)', "Forbidden", "comprehension macros"],
  ["cel.bind(a, name + name, cel.bind(b, a + a, b + b))", "Forbidden", "cel.bind is not allowed"],
  ['name.matches("^(a+)+$")', "Forbidden", "regular expressions (matches) are not allowed"],
  [`${"(".repeat(100)}1${")".repeat(100)}`, "TooComplex", "Exceeded maxDepth"]
]

layer(testLayer, { timeout: 120_000 })("hostile expressions in a definition", (it) => {
  it.effect("refused when saved, naming the field and the reason; harmless ones run to the truth", () =>
    Effect.gen(function* () {
      const { fake, adapter, manifests } = yield* fakeErp({ seed: 61, rows: { items: 5, customers: 60, orders: 5 } })
      yield* (yield* ConnectorStore).createConnector({ id: "erp", adapter: "apismith", name: "ERP" })
      yield* (yield* ManifestStore).saveManifests("erp", manifests)
      const adapters = Layer.succeed(ConnectorAdapters, {
        runtime: () => Effect.succeed({ adapter, stages: () => apiSmithStages })
      })
      const source = { connectorId: "erp", entity: "customers" }
      yield* createDefinition({
        id: "customers-shouted",
        name: "Customers shouted",
        source,
        destination: { kind: "postgres", table: "customers_shouted" }
      }).pipe(Effect.provide(adapters))

      for (const [expression, reason, says] of hostile) {
        const mapping = yield* Effect.flip(
          setFieldMapping("customers-shouted", {
            entries: [
              { source: "customer_id", target: "customer_id" },
              { target: "shout", transform: { kind: "custom", expression }, type: "string" }
            ]
          }).pipe(Effect.provide(adapters))
        )
        assert.strictEqual(mapping._tag === "InvalidDefinition" && mapping.field, "entries[1].transform.expression")
        assert.include(mapping.message, reason, expression)

        const steps: ReadonlyArray<readonly [EtlStep, string]> = [
          [{ type: "filter", condition: expression }, "pipeline[0].condition"],
          [{ type: "map", compute: { shout: { expression, type: "string" } } }, "pipeline[0].compute.shout"]
        ]
        for (const [step, field] of steps) {
          const created = yield* Effect.flip(
            createDefinition({
              id: "hostile-steps",
              name: "Hostile steps",
              source,
              destination: { kind: "postgres", table: "hostile_steps" },
              pipeline: [step]
            }).pipe(Effect.provide(adapters))
          )
          assert.strictEqual(created._tag === "InvalidDefinition" && created.field, field, expression)
          assert.include(created.message, says, expression)
          const updated = yield* Effect.flip(
            updateDefinition("customers-shouted", { pipeline: [step] }).pipe(Effect.provide(adapters))
          )
          assert.strictEqual(updated._tag === "InvalidDefinition" && updated.field, field, expression)
        }
      }
      // Nothing was stored.
      assert.deepStrictEqual(yield* (yield* FieldMappings).history("customers-shouted"), [])
      assert.isTrue(Option.isNone(yield* (yield* SyncDefinitions).get("hostile-steps")))
      const unchanged = Option.getOrThrow(yield* (yield* SyncDefinitions).get("customers-shouted"))
      assert.deepStrictEqual(unchanged.pipeline, [])

      // Harmless expressions in the same places run, and the table holds the truth.
      yield* setFieldMapping("customers-shouted", {
        entries: [
          { source: "customer_id", target: "customer_id" },
          { source: "country_code", target: "country_code" },
          { target: "shout", transform: { kind: "custom", expression: "name + '!'" }, type: "string" }
        ]
      }).pipe(Effect.provide(adapters))
      const definition = yield* updateDefinition("customers-shouted", {
        pipeline: [
          { type: "filter", condition: "country_code == 'SE'" },
          { type: "map", compute: { loud: { expression: "shout + shout", type: "string" } } }
        ]
      }).pipe(Effect.provide(adapters))
      const summary = yield* runDefinition(definition).pipe(Effect.provide(adapters))
      assert.strictEqual(summary.counts.failed, 0)
      const columns: ReadonlyArray<ColumnManifest> = ["customer_id", "shout", "loud"].map((name, i) => ({
        name,
        type: "string",
        nullable: i > 0,
        businessKey: i === 0
      }))
      const stored = (yield* storedRows("customers_shouted", columns)).filter((row) => !row.deleted)
      const swedish = [...fake.groundTruth.rows("customers")].filter((row) => row.values.country_code === "SE")
      assert.isAbove(swedish.length, 0)
      assert.sameDeepMembers(
        stored.map((row) => row.values),
        swedish.map((row) => {
          const shout = `${String(row.values.name)}!`
          return [String(row.values.customer_id), shout, shout + shout]
        })
      )
    }).pipe(Effect.scoped)
  )
})
