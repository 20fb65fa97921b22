/**
 * A sync definition's field mapping run against the fake ERP into its own PostgreSQL table: every
 * transformation (plain, format upper / number / date / pad, static lookup, calculate, custom) gives
 * the rows computed here from the fake's ground truth; an expression failing on 1 of 1,000 rows
 * writes 999 and records 1 failed record naming the expression and its inputs; a mapping edited
 * between runs is used by the next run (the runs record their versions), and the history has both.
 */
import { assert, layer } from "@effect/vitest"
import type { ColumnManifest } from "@syncflow/adapter-core"
import { Effect, Layer, Option } from "effect"
import { runDefinition } from "../../src/definitions/runDefinition.ts"
import { SyncDefinitions } from "../../src/definitions/SyncDefinitions.ts"
import { createDefinition } from "../../src/definitions/saveDefinition.ts"
import type { FieldMappingEntry } from "../../src/mappings/FieldMapping.ts"
import { FieldMappings } from "../../src/mappings/FieldMappings.ts"
import { setFieldMapping } from "../../src/mappings/setFieldMapping.ts"
import { ConnectorStore } from "../../src/state/ConnectorStore.ts"
import { FailedRecordStore } from "../../src/state/FailedRecordStore.ts"
import { ManifestStore } from "../../src/state/ManifestStore.ts"
import { RunStore } from "../../src/state/RunStore.ts"
import { ConnectorAdapters } from "../../src/workflow/ConnectorAdapters.ts"
import { apiSmithStages, engineLayer, fakeErp, storedRows } from "../pipeline/fixtures.ts"

const testLayer = Layer.mergeAll(SyncDefinitions.layer, FieldMappings.layer).pipe(Layer.provideMerge(engineLayer))

const uomNames: Record<string, string> = { EA: "each", KG: "kilogram", M: "metre", L: "litre" }

/** One decimal, half away from zero, from exact decimal text (prices have two decimals). */
const oneDecimal = (text: string): string => {
  const [whole = "0", fraction = ""] = text.split(".")
  const hundredths = BigInt(whole) * 100n + BigInt(fraction.padEnd(2, "0"))
  const tenths = (hundredths + 5n) / 10n
  return `${tenths / 10n}.${tenths % 10n}`
}

const entries = (failingKey: string, nameFormat: "upper" | "lower"): ReadonlyArray<FieldMappingEntry> => [
  { source: "part_no", target: "sku" },
  { source: "description", target: "name", transform: { kind: "format", format: nameFormat } },
  { source: "uom", target: "unit", transform: { kind: "lookup", values: uomNames, fallback: "other" } },
  { source: "list_price", target: "price", transform: { kind: "format", format: "number", precision: 1 } },
  {
    source: "created_date",
    target: "created",
    transform: { kind: "format", format: "date", pattern: "dd.MM.yyyy", zone: "Europe/Oslo" }
  },
  {
    source: "commodity_code",
    target: "code",
    transform: { kind: "format", format: "pad", length: 8, fill: "0" },
    default: "none"
  },
  {
    target: "gross",
    transform: { kind: "calculate", expression: "list_price == null ? null : list_price * 1.25" }
  },
  { target: "state", transform: { kind: "custom", expression: "is_active ? 'active' : 'inactive'" }, type: "string" },
  { source: "weight_kg", target: "weight" },
  {
    target: "checked",
    transform: { kind: "calculate", expression: `part_no == "${failingKey}" ? 1 / 0 : 1` },
    type: "integer"
  }
]

const columns: ReadonlyArray<ColumnManifest> = [
  "sku",
  "name",
  "unit",
  "price",
  "created",
  "code",
  "gross",
  "state"
].map((name, i) => ({ name, type: name === "gross" ? "decimal" : "string", nullable: i > 0, businessKey: i === 0 }))

layer(testLayer, { timeout: 180_000 })("a definition's field mapping on the fake ERP", (it) => {
  it.effect("transforms 1,000 items as the truth says; one row's failing expression is a failed record", () =>
    Effect.gen(function* () {
      const { fake, adapter, manifests } = yield* fakeErp({ seed: 19, rows: { items: 1000, customers: 5, orders: 5 } })
      yield* (yield* ConnectorStore).createConnector({ id: "erp", adapter: "apismith", name: "ERP" })
      yield* (yield* ManifestStore).saveManifests("erp", manifests)
      const adapters = Layer.succeed(ConnectorAdapters, {
        runtime: () => Effect.succeed({ adapter, stages: () => apiSmithStages })
      })
      const truth = [...fake.groundTruth.rows("items")]
      assert.strictEqual(truth.length, 1000)
      const failing = String(truth[500]?.values.part_no)

      yield* createDefinition({
        id: "items-mapped",
        name: "Items mapped",
        source: { connectorId: "erp", entity: "items" },
        destination: { kind: "postgres", table: "items_mapped" }
      }).pipe(Effect.provide(adapters))
      const first = yield* setFieldMapping("items-mapped", { entries: entries(failing, "upper") }).pipe(
        Effect.provide(adapters)
      )
      assert.strictEqual(first.version.version, 1)
      const definition = Option.getOrThrow(yield* (yield* SyncDefinitions).get("items-mapped"))
      const summary = yield* runDefinition(definition).pipe(Effect.provide(adapters))
      assert.deepInclude(summary.counts, { fetched: 1000, inserted: 999, failed: 1 })

      // The truth, transformed here.
      const expected = (upper: boolean) =>
        truth
          .filter((row) => row.values.part_no !== failing)
          .map((row) => {
            const v = row.values
            const text = (x: unknown) => (x === null ? null : String(x))
            const description = text(v.description)
            const price = text(v.list_price)
            const date = text(v.created_date)
            return JSON.stringify([
              v.part_no,
              description === null ? null : upper ? description.toUpperCase() : description.toLowerCase(),
              uomNames[String(v.uom)] ?? "other",
              price === null ? null : oneDecimal(price),
              date === null ? null : date.slice(0, 10).split("-").reverse().join("."),
              v.commodity_code === null ? "none" : String(v.commodity_code).padStart(8, "0"),
              price === null ? null : String(Number(price) * 1.25),
              v.is_active === true ? "active" : "inactive"
            ])
          })
      const stored = yield* storedRows("items_mapped", columns)
      assert.sameMembers(
        stored.filter((row) => !row.deleted).map((row) => JSON.stringify(row.values)),
        expected(true)
      )

      // The failed record names the stage, the expression and the values it read.
      const failedRecords = yield* (yield* FailedRecordStore).listFailedRecords({
        connectorId: "erp",
        entity: "items",
        definitionId: "items-mapped"
      })
      assert.strictEqual(failedRecords.length, 1)
      const failed = failedRecords[0]
      assert.strictEqual(failed?.stage, "transform")
      assert.strictEqual(failed?.errorType, "ExpressionFailed")
      assert.include(failed?.message, `part_no == \\"${failing}\\" ? 1 / 0 : 1`)
      assert.include(failed?.message, "division_by_zero")
      assert.deepInclude(failed?.rawData, { part_no: failing })
      // What the record got as far as: its key among the mapped fields.
      assert.include(JSON.stringify(failed?.mappedData), `"sku":"${failing}"`)

      // The mapping edited: version 2; the next run (full-refresh, so every row is read again) uses it.
      const second = yield* setFieldMapping("items-mapped", { entries: entries(failing, "lower") }).pipe(
        Effect.provide(adapters)
      )
      assert.strictEqual(second.version.version, 2)
      const same = yield* setFieldMapping("items-mapped", { entries: entries(failing, "lower") }).pipe(
        Effect.provide(adapters)
      )
      assert.deepStrictEqual([same.added, same.version.version], [false, 2])
      const edited = Option.getOrThrow(yield* (yield* SyncDefinitions).get("items-mapped"))
      const again = yield* runDefinition(edited, { mode: "full-refresh" }).pipe(Effect.provide(adapters))
      assert.deepInclude(again.counts, { fetched: 1000, failed: 1 })
      const restored = yield* storedRows("items_mapped", columns)
      assert.sameMembers(
        restored.filter((row) => !row.deleted).map((row) => JSON.stringify(row.values)),
        expected(false)
      )
      const runs = yield* (yield* RunStore).listRuns({
        connectorId: "erp",
        entity: "items",
        definitionId: "items-mapped"
      })
      assert.sameMembers(
        runs.map((run) => run.mappingVersion),
        [1, 2]
      )
      const history = yield* (yield* FieldMappings).history("items-mapped")
      assert.deepStrictEqual(
        history.map((v) => [v.version, v.entries[1]?.transform]),
        [
          [2, { kind: "format", format: "lower" }],
          [1, { kind: "format", format: "upper" }]
        ]
      )
    }).pipe(Effect.scoped)
  )

  it.effect("a mapping is checked against the source's columns: errors name the entry and field", () =>
    Effect.gen(function* () {
      const { adapter, manifests } = yield* fakeErp({ seed: 20, rows: { items: 10, customers: 5, orders: 5 } })
      yield* (yield* ConnectorStore).createConnector({ id: "erp2", adapter: "apismith", name: "ERP 2" })
      yield* (yield* ManifestStore).saveManifests("erp2", manifests)
      const adapters = Layer.succeed(ConnectorAdapters, {
        runtime: () => Effect.succeed({ adapter, stages: () => apiSmithStages })
      })
      yield* createDefinition({
        id: "items-checked",
        name: "Items checked",
        source: { connectorId: "erp2", entity: "items" },
        destination: { kind: "postgres", table: "items_checked" }
      }).pipe(Effect.provide(adapters))
      const refused = (mapping: ReadonlyArray<FieldMappingEntry>) =>
        Effect.flip(setFieldMapping("items-checked", { entries: mapping }).pipe(Effect.provide(adapters)))
      const unknownField = yield* refused([
        { source: "part_no", target: "sku" },
        { source: "colour", target: "c" }
      ])
      assert.strictEqual(unknownField._tag, "InvalidDefinition")
      assert.strictEqual(unknownField._tag === "InvalidDefinition" && unknownField.field, "entries[1].source")
      const badExpression = yield* refused([
        { source: "part_no", target: "sku" },
        { target: "x", transform: { kind: "custom", expression: "list_price * (" } }
      ])
      assert.strictEqual(
        badExpression._tag === "InvalidDefinition" && badExpression.field,
        "entries[1].transform.expression"
      )
      const unknownVariable = yield* refused([
        { source: "part_no", target: "sku" },
        { target: "x", transform: { kind: "custom", expression: "colour + 'x'" } }
      ])
      assert.include(unknownVariable.message, "colour")
      const noKey = yield* refused([{ source: "description", target: "d" }])
      assert.strictEqual(noKey._tag === "InvalidDefinition" && noKey.field, "entries")
      assert.deepStrictEqual(yield* (yield* FieldMappings).history("items-checked"), [])
    }).pipe(Effect.scoped)
  )
})
