/**
 * Throughput of stages 2-5 (not a test): 1,000,000 messy item rows like the fake ERP serves them
 * (JSON numbers and formatted numbers, padded text and CHAR, control characters, several date
 * formats, Y/N/1/0 flags), in 1,000-row chunks, each stage timed on its own, plus both hashes alone,
 * and the same chunks through the fused path `runStages` takes (`fusedChunk`, record by record).
 *
 *   node_modules/.bin/node packages/sync-engine/bench/stagesThroughput.ts [rows]
 */
import { Effect } from "effect"
import { fusedChunk } from "../src/stages/fusedChunk.ts"
import { identifyChunk } from "../src/stages/identity/identifyChunk.ts"
import { mapChunk } from "../src/stages/map/mapChunk.ts"
import { normalizeChunk } from "../src/stages/normalize/normalizeChunk.ts"
import type { SourceRecord } from "../src/stages/Row.ts"
import { makeStages } from "../src/stages/Stages.ts"
import { validateChunk } from "../src/stages/validate/validateChunk.ts"
import { items } from "../test/stages/fixtures.ts"

const ROWS = Number(process.argv[2] ?? 1_000_000)
const CHUNK = 1000

const DESCRIPTIONS = [
  "Hex bolt M8 zinc plated",
  'Valve body 2" x 4" "premium" grade',
  "Gasket DN50 EPDM",
  "Pump seal Ø10 – galvanised"
]
const messyText = (s: string, v: number): string | null =>
  [s, s, s, s, s, s, s, s, `${s}   `, `  ${s} `, `\t${s}\r\n`, `${s}\u0000`, `\uFEFF${s}\u0085\n`, "", s, null][
    v & 15
  ] ?? s
const messyPrice = (units: number, v: number): unknown => {
  const fixed = (units / 100).toFixed(2)
  const int = Math.floor(units / 100)
  const frac = fixed.slice(-2)
  switch (v & 15) {
    case 8:
      return fixed
    case 9:
      return `${int.toLocaleString("en-US")}.${frac}`
    case 10:
      // comma-decimal only with a thousands dot, so the text names both separators (as the fake ERP does)
      return int >= 1000 ? `${int.toLocaleString("de-DE")},${frac}` : `$${fixed}`
    case 11:
      return `$${int.toLocaleString("en-US")}.${frac}`
    case 12:
      return `  ${units / 100} `
    case 13:
      return (units / 100).toExponential().toUpperCase()
    case 15:
      return null
    default:
      return units / 100
  }
}
const messyDate = (day: number, v: number): string => {
  const d = new Date(day * 86_400_000).toISOString()
  const [y, m, dd] = [d.slice(0, 4), d.slice(5, 7), d.slice(8, 10)]
  const mon = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"][Number(m) - 1]
  switch (v & 7) {
    case 0:
      return `${y}-${m}-${dd}`
    case 1:
      return `${y}-${m}-${dd}T00:00:00Z`
    case 2:
      return `${dd}-${mon}-${y.slice(2)}`
    case 3:
      return `${m}/${dd}/${y}`
    case 4:
      return `${y}${m}${dd}000000`
    case 5:
      return `${y}-${m}-${dd}T02:00:00+02:00`
    default:
      return `${y}-${m}-${dd}`
  }
}
const FLAGS = ["Y", "N", 1, 0, "TRUE", "FALSE", true, "y"]

const row = (i: number): SourceRecord => {
  const h = Math.imul(i + 1, 0x9e3779b1) >>> 0
  return {
    part_no: `PART-${String(i).padStart(7, "0")}${(h & 15) >= 14 ? "   " : ""}`,
    description: messyText(DESCRIPTIONS[(h >>> 4) & 3] as string, h >>> 8),
    uom: ["EA ", "KG ", "PCS", "BOX"][(h >>> 12) & 3],
    list_price: messyPrice((h >>> 6) % 10_000_000, h >>> 14),
    weight_kg: (h & 31) === 0 ? 1.2345678901e10 : ((h >>> 3) % 5_000_000) / 1000,
    commodity_code: String((h >>> 5) % 100_000).padStart(5, "0"),
    is_active: FLAGS[(h >>> 18) & 7],
    created_date: messyDate(5479 + ((h >>> 7) % 14_600), h >>> 20),
    _row_version: "20240201000000"
  }
}

const program = Effect.gen(function* () {
  const stages = yield* makeStages(items)
  const chunk = (start: number) => Array.from({ length: Math.min(CHUNK, ROWS - start) }, (_, k) => row(start + k))
  const cpu = () => {
    const u = process.cpuUsage()
    return (u.user + u.system) / 1000
  }
  const t = { normalize: 0, validate: 0, map: 0, identify: 0, keyHash: 0, dataHash: 0, fused: 0 }
  let identified = 0
  const wall = performance.now()
  for (let start = 0; start < ROWS; start += CHUNK) {
    const records = chunk(start)
    let c = cpu()
    const n = normalizeChunk(stages.normalizer, records)
    t.normalize += cpu() - c
    c = cpu()
    const v = validateChunk(stages.validator, n.ok)
    t.validate += cpu() - c
    c = cpu()
    const m = mapChunk(stages.mapper, v.ok)
    t.map += cpu() - c
    c = cpu()
    const i = identifyChunk(stages.identifier, m.ok)
    t.identify += cpu() - c
    identified += i.ok.length
    c = cpu()
    fusedChunk(stages, records)
    t.fused += cpu() - c
    c = cpu()
    for (const r of m.ok) stages.identifier.businessKey.hash(r.mapped)
    t.keyHash += cpu() - c
    c = cpu()
    for (const r of m.ok) stages.identifier.data.hash(r.mapped)
    t.dataHash += cpu() - c
  }
  const us = (ms: number) => `${((ms * 1000) / ROWS).toFixed(2)} us/row`
  const stagesMs = t.normalize + t.validate + t.map + t.identify
  console.log(`${ROWS} rows, ${identified} identified, ${((performance.now() - wall) / 1000).toFixed(1)} s wall in all`)
  console.log(`normalize ${us(t.normalize)}  validate ${us(t.validate)}  map ${us(t.map)}  identify ${us(t.identify)}`)
  console.log(`business-key hash alone ${us(t.keyHash)}  data hash alone ${us(t.dataHash)}`)
  console.log(`stages 2-5: ${us(stagesMs)} = ${Math.round(ROWS / (stagesMs / 1000))} rows/s (CPU time)`)
  console.log(`stages 2-5 fused (record by record): ${us(t.fused)} = ${Math.round(ROWS / (t.fused / 1000))} rows/s`)
})

Effect.runPromise(program)
