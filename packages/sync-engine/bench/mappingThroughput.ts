/**
 * Cost of a definition's field mapping (not a test): rows/s of stages 2-5 on item rows like the
 * fake ERP serves them, without a field mapping and with a typical one — 10 fields (plain, format
 * upper / number / date / pad, a static lookup, defaults) and one CEL expression (`calculate`) —
 * and that mapping plus a `lookup` into another synced table (each item's commodity label from a
 * 100,000-row table, read once per 10,000-row window as a sync does: `runStagesLoading`), in
 * 1,000-row chunks, with the Transform stage's own time (for the table lookup, its queries too).
 * The table lookup needs a database: DATABASE_URL (an admin URL, default the local test database)
 * gets a database of its own for the run.
 *
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/test node_modules/.bin/node packages/sync-engine/bench/mappingThroughput.ts [rows]
 */
import { Effect } from "effect"
import type { FieldMappingEntry } from "../src/mappings/FieldMapping.ts"
import type { SourceRecord } from "../src/stages/Row.ts"
import {
  emptyStageTimes,
  makeStages,
  newLookupWindow,
  runStagesLoading,
  type StagesOptions
} from "../src/stages/Stages.ts"
import { items } from "../test/stages/fixtures.ts"
import { commodities, createCommodities, lookupDatabase } from "./lookupTable.ts"

const ROWS = Number(process.argv[2] ?? 300_000)
const CHUNK = 1000
const WINDOW = 10_000
const DESCRIPTIONS = ["Hex bolt M8 zinc plated", "Gasket DN50 EPDM", "Pump seal Ø10 – galvanised", null]

const row = (i: number): SourceRecord => {
  const h = Math.imul(i + 1, 0x9e3779b1) >>> 0
  return {
    part_no: `PART-${String(i).padStart(7, "0")}`,
    description: DESCRIPTIONS[h & 3],
    uom: ["EA ", "KG ", "PCS", "BOX"][(h >>> 4) & 3],
    list_price: ((h >>> 6) % 10_000_000) / 100,
    weight_kg: ((h >>> 3) % 5_000_000) / 1000,
    commodity_code: String((h >>> 5) % 100_000),
    is_active: (h & 256) === 0 ? "Y" : "N",
    created_date: new Date((5479 + ((h >>> 7) % 14_600)) * 86_400_000).toISOString().slice(0, 10),
    _row_version: "20240201000000"
  }
}

/** A typical mapping: 10 fields, one expression. */
const entries: ReadonlyArray<FieldMappingEntry> = [
  { source: "part_no", target: "sku" },
  { source: "description", target: "name", transform: { kind: "format", format: "upper" }, default: "" },
  {
    source: "uom",
    target: "unit",
    transform: { kind: "lookup", values: { EA: "each", KG: "kilogram" }, fallback: "other" }
  },
  { source: "list_price", target: "price", transform: { kind: "format", format: "number", precision: 2 } },
  { source: "weight_kg", target: "weight" },
  { source: "commodity_code", target: "code", transform: { kind: "format", format: "pad", length: 8, fill: "0" } },
  { source: "is_active", target: "active" },
  { source: "created_date", target: "created", transform: { kind: "format", format: "date", pattern: "yyyy-MM-dd" } },
  { source: "description", target: "description", transform: { kind: "format", format: "trim" } },
  { target: "gross", transform: { kind: "calculate", expression: "list_price == null ? null : list_price * 1.25" } }
]

/** The typical mapping and a lookup of each item's commodity label in the synced commodities table. */
const withTableLookup: ReadonlyArray<FieldMappingEntry> = [
  ...entries,
  {
    source: "commodity_code",
    target: "commodity",
    transform: { kind: "lookup", from: commodities, key: "code", field: "label", fallback: null }
  }
]

const measure = (label: string, options: StagesOptions) =>
  Effect.gen(function* () {
    const stages = yield* makeStages(items, options)
    const times = emptyStageTimes()
    let ok = 0
    let failed = 0
    for (let start = 0; start < ROWS; start += CHUNK) {
      if (start % WINDOW === 0) newLookupWindow(stages)
      const records = Array.from({ length: Math.min(CHUNK, ROWS - start) }, (_, k) => row(start + k))
      const result = yield* runStagesLoading(stages, records, times)
      ok += result.ok.length
      failed += result.failures.length
    }
    const ms = times.normalize + times.validate + times.transform + times.map + times.identify
    console.log(
      `${label.padEnd(32)} ${Math.round(ROWS / (ms / 1000))
        .toString()
        .padStart(
          8
        )} rows/s  (stages 2-5 ${((ms * 1000) / ROWS).toFixed(2)} us/row, transform ${((times.transform * 1000) / ROWS).toFixed(2)} us/row; ${ok} ok, ${failed} failed)`
    )
  })

const program = Effect.gen(function* () {
  yield* createCommodities(100_000, "g::text")
  console.log(`node ${process.version}, ${ROWS} item rows, 1,000-row chunks, windows of ${WINDOW}`)
  yield* measure("no field mapping", {})
  yield* measure("10 fields, one expression", { transform: { mapping: { entries } } })
  yield* measure("the same + a table lookup", { transform: { mapping: { entries: withTableLookup } } })
})

Effect.runPromise(
  Effect.gen(function* () {
    const layer = yield* lookupDatabase
    yield* program.pipe(Effect.provide(layer))
  }).pipe(Effect.scoped)
)
