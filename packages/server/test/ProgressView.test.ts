/**
 * The progress `syncflow sync` shows, from events constructed here: bars redrawn in place on a
 * terminal (percent, rows, rate, ETA with a known total; rows and rate without), never a
 * "0 rows" line before an entity is known, lines that fit the terminal's width, log lines printed
 * above the bars; plain lines (one per window and per end) off a terminal; JSON lines with `--json`.
 */
import { assert, describe, it } from "@effect/vitest"
import { RunFinished, RunStarted, WindowCommitted } from "@syncflow/sync-engine"
import { DateTime, Effect, Stream } from "effect"
import {
  aboveBars,
  applyEvent,
  barLines,
  emptyProgress,
  plainLine,
  progressOutput,
  redraw
} from "../src/cli/ProgressView.ts"

const at = DateTime.makeUnsafe("2026-12-07T05:00:00Z")
const zero = {
  fetched: 0,
  normalized: 0,
  validated: 0,
  mapped: 0,
  inserted: 0,
  updated: 0,
  unchanged: 0,
  deleted: 0,
  failed: 0,
  orphaned: 0
}
const counts = (fetched: number) => ({ ...zero, fetched, normalized: fetched, inserted: fetched })

const started = (runId: string, entity: string, total: number | null) =>
  RunStarted.make({ runId, connectorId: "pco", entity, mode: "incremental", total, at })
const window = (runId: string, entity: string, fetched: number, total: number | null, rate: number) =>
  WindowCommitted.make({
    runId,
    connectorId: "pco",
    entity,
    counts: counts(fetched),
    windowRows: 1000,
    rowsPerSecond: rate,
    total,
    percent: total === null ? null : (fetched / total) * 100,
    etaSeconds: total === null ? null : (total - fetched) / rate,
    at
  })
const finished = (runId: string, entity: string, fetched: number, error: string | null = null) =>
  RunFinished.make({
    runId,
    connectorId: "pco",
    entity,
    status: error === null ? "succeeded" : "failed",
    counts: counts(fetched),
    error,
    at
  })

const esc = String.fromCharCode(27)
const clearBelow = `\r${esc}[J`

/** What a terminal shows after `output` is written to it: cursor-up, clear-below and newlines applied. */
const screen = (output: ReadonlyArray<string>): ReadonlyArray<string> => {
  const lines: Array<string> = []
  let row = 0
  const text = output.join("")
  let i = 0
  while (i < text.length) {
    if (text.startsWith(clearBelow, i)) {
      lines.length = row
      i += clearBelow.length
    } else if (text.startsWith(`${esc}[`, i)) {
      const end = text.indexOf("A", i)
      row = Math.max(0, row - Number(text.slice(i + 2, end)))
      i = end + 1
    } else if (text[i] === "\n") {
      row++
      i++
    } else {
      lines[row] = (lines[row] ?? "") + text[i]
      i++
    }
  }
  return lines.slice(0, row)
}

const people = [
  started("r1", "people", 10_000),
  window("r1", "people", 2_500, 10_000, 1_250),
  window("r1", "people", 5_000, 10_000, 1_250)
]
const households = [started("r2", "households", null), window("r2", "households", 1_200, null, 600)]

describe("ProgressView", () => {
  it("on a terminal: a bar per entity with percent, rows, rate and ETA when the total is known", () => {
    const state = [...people, ...households].reduce(applyEvent, emptyProgress)
    const [first, second] = barLines(state, 100)
    assert.match(first!, /^people {5}\s+\[#{10,}\.{10,}\]\s+50%\s+5,000\/10,000 rows\s+1,250 rows\/s\s+ETA 4s$/)
    // No total from the source: rows and rate, no bar, no percent.
    assert.match(second!, /^households\s+1,200 rows\s+600 rows\/s$/)
    for (const line of barLines(state, 40)) assert.isAtMost(line.length, 40)
  })

  it("an entity shows with its first event, never as 0 rows before it is known", () => {
    assert.deepStrictEqual(barLines(emptyProgress, 80), [])
    const [line] = barLines(applyEvent(emptyProgress, started("r1", "people", 10_000)), 80)
    assert.strictEqual(line, "people  started (incremental)…")
    assert.notMatch(line!, /0 rows/)
  })

  it.effect("redraws in place: the screen holds one line per entity, ending with each outcome", () =>
    Effect.gen(function* () {
      const events = [
        ...people,
        ...households,
        finished("r1", "people", 10_000),
        finished("r2", "households", 1_500, "upstream answered 503\n  at ...")
      ]
      const output = yield* Stream.runCollect(progressOutput(Stream.fromIterable(events), "tty", 120))
      assert.strictEqual(output.length, events.length)
      const shown = screen(output)
      assert.strictEqual(shown.length, 2)
      assert.match(shown[0]!, /^people\s+succeeded\s+fetched 10,000\s+inserted 10,000/)
      assert.match(shown[1]!, /^households\s+failed\s+fetched 1,500 .* upstream answered 503$/)
    })
  )

  it("log lines print above the bars, which are drawn again below them", () => {
    const state = [...people, ...households].reduce(applyEvent, emptyProgress)
    const bars = barLines(state, 100)
    const shown = screen([redraw(0, bars), aboveBars(bars.length, "level=WARN msg=retrying", bars)])
    assert.deepStrictEqual(shown, ["level=WARN msg=retrying", ...bars])
  })

  it.effect("off a terminal: one plain line per committed window and per entity end, no esc codes", () =>
    Effect.gen(function* () {
      const events = [...people, ...households, finished("r1", "people", 10_000)]
      const output = yield* Stream.runCollect(progressOutput(Stream.fromIterable(events), "plain", 80))
      assert.deepStrictEqual(output, [
        "people: 2,500 rows fetched (25% of 10,000, ETA 6s, 1,250 rows/s)\n",
        "people: 5,000 rows fetched (50% of 10,000, ETA 4s, 1,250 rows/s)\n",
        "households: 1,200 rows fetched (600 rows/s)\n",
        "people: succeeded, fetched 10,000, inserted 10,000, updated 0, unchanged 0, deleted 0, failed 0\n"
      ])
      assert.strictEqual(plainLine(started("r3", "x", null)), undefined)
    })
  )

  it.effect("with --json: every event as a JSON line", () =>
    Effect.gen(function* () {
      const output = yield* Stream.runCollect(progressOutput(Stream.fromIterable(people), "json", 80))
      const parsed: ReadonlyArray<unknown> = output.map((line) => JSON.parse(line))
      assert.deepInclude(parsed[0], {
        _tag: "RunStarted",
        entity: "people",
        total: 10_000,
        at: "2026-12-07T05:00:00.000Z"
      })
      assert.deepInclude(parsed[2], { _tag: "WindowCommitted", percent: 50 })
    })
  )
})
