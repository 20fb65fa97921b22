/**
 * The cost of a definition's ETL steps (not a test): 200,000 item rows in windows of 10,000, stages
 * 2-5 alone beside stages 2-5 then a typical pipeline — a CEL `filter`, a `map` (a rename, one CEL
 * computed field, a drop), a `deduplicate` by key and a `normalize` (upper-casing one field) — and
 * beside stages 2-5 then a `lookup` and a `join` against another synced table (each item's commodity
 * label from a 100,000-row table, read once per window), with each step's own time from the run's
 * per-step stats. CPU time of this process; the lookup's and join's queries run in PostgreSQL
 * (DATABASE_URL, an admin URL, default the local test database: the run gets a database of its own).
 *
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/test node packages/sync-engine/bench/etlThroughput.ts [rows]
 */
import { Effect } from "effect"
import { compilePipeline } from "../src/etl/compilePipeline.ts"
import type { EtlPipeline } from "../src/etl/EtlStep.ts"
import { addStepStats, type StepStats } from "../src/etl/StepStats.ts"
import type { SourceRecord } from "../src/stages/Row.ts"
import { makeStages, runStages } from "../src/stages/Stages.ts"
import { items } from "../test/stages/fixtures.ts"
import { commodities, createCommodities, lookupDatabase } from "./lookupTable.ts"

const ROWS = Number(process.argv[2] ?? 200_000)
const WINDOW = 10_000

const row = (i: number): SourceRecord => {
  const h = Math.imul(i + 1, 0x9e3779b1) >>> 0
  return {
    part_no: `PART-${String(i % (ROWS - ROWS / 20)).padStart(7, "0")}`,
    description: ["Hex bolt M8 zinc plated", "Gasket DN50 EPDM", "Pump seal 10 mm", "Valve body 2 in"][h & 3],
    uom: ["EA ", "KG ", "PCS", "BOX"][(h >>> 4) & 3],
    list_price: (h >>> 6) % 1_000_000 === 0 ? null : ((h >>> 6) % 1_000_000) / 100,
    weight_kg: ((h >>> 3) % 5_000_000) / 1000,
    commodity_code: String((h >>> 5) % 100_000).padStart(5, "0"),
    is_active: (h >>> 18) & 1 ? "Y" : "N",
    created_date: "2024-02-01",
    _row_version: "20240201000000"
  }
}

const pipeline: EtlPipeline = [
  { type: "filter", condition: "list_price != null && list_price > 100.0" },
  {
    type: "map",
    rename: { description: "title" },
    compute: { price_with_tax: { expression: "list_price * 1.25", type: "decimal" } },
    drop: ["commodity_code"]
  },
  { type: "deduplicate", key: ["part_no"] },
  { type: "normalize", options: { mapping: { fields: { uom: { transforms: ["lowercase"] } } } } }
]

/** A lookup and a join against the synced commodities table. */
const lookups: EtlPipeline = [
  { type: "lookup", from: commodities, on: { field: "commodity_code", to: "code" }, field: "label", as: "commodity" },
  {
    type: "join",
    from: commodities,
    on: { field: "commodity_code", to: "code" },
    joinType: "inner",
    fields: { label: "commodity_label" }
  }
]

const cpu = () => {
  const u = process.cpuUsage()
  return (u.user + u.system) / 1000
}
const rate = (ms: number) => Math.round(ROWS / (ms / 1000))

/** Stages 2-5, then `steps` on each window: rows/s of CPU time, and each step's time. */
const measure = (label: string, steps: EtlPipeline) =>
  Effect.gen(function* () {
    const stages = yield* makeStages(items)
    const compiled = yield* compilePipeline(
      steps,
      { columns: stages.mapper.columns, key: stages.mapper.businessKey },
      { definitionId: "bench", schema: "bench", table: "items" },
      items.cursorField
    )
    let stagesMs = 0
    let stepsMs = 0
    let wallMs = 0
    let written = 0
    let stats: ReadonlyArray<StepStats> = []
    for (let start = 0; start < ROWS; start += WINDOW) {
      const records = Array.from({ length: Math.min(WINDOW, ROWS - start) }, (_, k) => row(start + k))
      let c = cpu()
      const staged = runStages(stages, records)
      stagesMs += cpu() - c
      if (steps.length === 0) {
        written += staged.ok.length
        continue
      }
      c = cpu()
      const t = performance.now()
      const window = yield* compiled.applyWindow(staged.ok, "00000000-0000-0000-0000-000000000000")
      stepsMs += cpu() - c
      wallMs += performance.now() - t
      written += window.rows.length
      stats = addStepStats(stats, window.stats)
    }
    console.log(
      `${label.padEnd(34)} ${String(rate(stagesMs + stepsMs)).padStart(7)} rows/s of CPU (stages ${stagesMs.toFixed(0)} ms, ` +
        `steps ${stepsMs.toFixed(0)} ms CPU / ${wallMs.toFixed(0)} ms wall), ${written} rows out`
    )
    for (const s of stats) {
      console.log(
        `  ${s.step.padEnd(26)} in ${s.input} out ${s.output} skipped ${s.skipped} failed ${s.failed}  ${s.ms.toFixed(0)} ms`
      )
    }
  })

const program = Effect.gen(function* () {
  yield* createCommodities(100_000, "lpad(g::text, 5, '0')")
  console.log(`node ${process.version}, ${ROWS} rows in windows of ${WINDOW}`)
  yield* measure("stages 2-5 alone", [])
  yield* measure("stages 2-5 + the 4 CPU steps", pipeline)
  yield* measure("stages 2-5 + lookup + join", lookups)
})

Effect.runPromise(
  Effect.gen(function* () {
    const layer = yield* lookupDatabase
    yield* program.pipe(Effect.provide(layer))
  }).pipe(Effect.scoped)
)
