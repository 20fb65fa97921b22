/**
 * The cost of a definition's ETL steps (not a test): 200,000 item rows in windows of 10,000, stages
 * 2-5 alone beside stages 2-5 then a typical pipeline — a CEL `filter`, a `map` (a rename, one CEL
 * computed field, a drop), a `deduplicate` by key and a `normalize` (upper-casing one field) — and
 * each step's own time, from the run's per-step stats. CPU-bound steps only: `join`, `lookup`,
 * `merge` and `aggregate` cost one query per window (see the sync benchmark for the database's side).
 * The database (DATABASE_URL, default the local test database) is only connected to, not queried.
 *
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/test node packages/sync-engine/bench/etlThroughput.ts [rows]
 */
import { PgClient } from "@effect/sql-pg"
import { Effect, Redacted } from "effect"
import { compilePipeline } from "../src/etl/compilePipeline.ts"
import type { EtlPipeline } from "../src/etl/EtlStep.ts"
import { addStepStats, type StepStats } from "../src/etl/StepStats.ts"
import type { SourceRecord } from "../src/stages/Row.ts"
import { makeStages, runStages } from "../src/stages/Stages.ts"
import { items } from "../test/stages/fixtures.ts"

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

const program = Effect.gen(function* () {
  const stages = yield* makeStages(items)
  const compiled = yield* compilePipeline(
    pipeline,
    { columns: stages.mapper.columns, key: stages.mapper.businessKey },
    { definitionId: "bench", schema: "bench", table: "items" },
    items.cursorField
  )
  const cpu = () => {
    const u = process.cpuUsage()
    return (u.user + u.system) / 1000
  }
  let stagesMs = 0
  let stepsMs = 0
  let written = 0
  let stats: ReadonlyArray<StepStats> = []
  for (let start = 0; start < ROWS; start += WINDOW) {
    const records = Array.from({ length: Math.min(WINDOW, ROWS - start) }, (_, k) => row(start + k))
    let c = cpu()
    const staged = runStages(stages, records)
    stagesMs += cpu() - c
    c = cpu()
    const window = yield* compiled.applyWindow(staged.ok, "00000000-0000-0000-0000-000000000000")
    stepsMs += cpu() - c
    written += window.rows.length
    stats = addStepStats(stats, window.stats)
  }
  const rate = (ms: number) => Math.round(ROWS / (ms / 1000))
  console.log(`node ${process.version}, ${ROWS} rows in windows of ${WINDOW}, ${written} rows out of the steps`)
  console.log(`stages 2-5 alone:          ${rate(stagesMs)} rows/s (CPU ${stagesMs.toFixed(0)} ms)`)
  console.log(
    `stages 2-5 + the 4 steps:  ${rate(stagesMs + stepsMs)} rows/s (steps + re-hash ${stepsMs.toFixed(0)} ms)`
  )
  for (const s of stats) {
    console.log(
      `  ${s.step.padEnd(26)} in ${s.input} out ${s.output} skipped ${s.skipped} failed ${s.failed}  ${s.ms.toFixed(0)} ms`
    )
  }
})

const url = process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test"
Effect.runPromise(
  program.pipe(Effect.provide(PgClient.layer({ url: Redacted.make(url), maxConnections: 1 })), Effect.scoped)
)
