/**
 * A live run's progress from its events: the source's total when it gives one, else an estimate from
 * the last successful run that never shows 100 % before the run succeeded; rate and ETA formatting.
 */
import { describe, expect, it } from "vitest"
import type { RunEvent } from "../src/api/apiTypes.ts"
import { applyRunEvent, formatRate, formatSeconds, startingProgress } from "../src/runs/runProgress.ts"

const counts = (fetched: number) => ({
  fetched,
  normalized: fetched,
  validated: fetched,
  mapped: fetched,
  inserted: fetched,
  updated: 0,
  unchanged: 0,
  deleted: 0,
  failed: 0,
  orphaned: 0
})
const base = { runId: "r", connectorId: "erp", entity: "items" }
// The events as the typed client decodes them (times are DateTime.Utc values; unused here).
const at = undefined as unknown as RunEvent["at"]
const window = (fetched: number, rowsPerSecond: number, total: number | null): RunEvent => ({
  _tag: "WindowCommitted",
  ...base,
  counts: counts(fetched),
  windowRows: 1000,
  rowsPerSecond,
  total,
  percent: total === null ? null : (fetched / total) * 100,
  etaSeconds: total === null ? null : (total - fetched) / rowsPerSecond,
  at
})
const finished = (status: "succeeded" | "cancelled", fetched: number): RunEvent => ({
  _tag: "RunFinished",
  ...base,
  status,
  counts: counts(fetched),
  error: null,
  at
})

describe("run progress", () => {
  it("uses the source's total, rate and ETA when the source reports a total", () => {
    const progress = applyRunEvent(startingProgress(0, 900), window(2000, 500, 4000), 900)
    expect(progress).toMatchObject({ fetched: 2000, total: 4000, estimated: false, percent: 50, etaSeconds: 4 })
    expect(formatRate(progress.rowsPerSecond)).toBe("500 rows/s")
  })

  it("estimates from the last successful run without a total, below 100 % until the run succeeds", () => {
    const halfway = applyRunEvent(startingProgress(0, 4000), window(2000, 1000, null), 4000)
    expect(halfway).toMatchObject({ total: 4000, estimated: true, percent: 50, etaSeconds: 2 })
    const more = applyRunEvent(halfway, window(5000, 1000, null), 4000)
    expect(more.percent).toBe(99)
    expect(more.etaSeconds).toBe(0)
    const done = applyRunEvent(more, finished("succeeded", 5000), 4000)
    expect(done).toMatchObject({ status: "succeeded", percent: 100, total: 5000, estimated: false, etaSeconds: 0 })
  })

  it("knows no percent without a total or an earlier run; a cancelled run keeps where it stopped", () => {
    const unknown = applyRunEvent(startingProgress(0, null), window(3000, 1500, null), null)
    expect(unknown).toMatchObject({ total: null, percent: null, etaSeconds: null, rowsPerSecond: 1500 })
    const cancelled = applyRunEvent(unknown, finished("cancelled", 3000), null)
    expect(cancelled).toMatchObject({ status: "cancelled", percent: null, etaSeconds: null })
  })

  it("formats durations and rates for people", () => {
    expect(formatSeconds(null)).toBe("—")
    expect(formatSeconds(42.4)).toBe("42 s")
    expect(formatSeconds(185)).toBe("3 min 5 s")
    expect(formatSeconds(7620)).toBe("2 h 7 min")
    expect(formatRate(null)).toBe("—")
    expect(formatRate(12345.6)).toBe("12,346 rows/s")
  })
})
