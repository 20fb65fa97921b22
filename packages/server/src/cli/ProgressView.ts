/**
 * What `syncflow sync` shows while it runs, built from the runs' events (`RunEvent`: RunStarted,
 * WindowCommitted, RunFinished) and nothing else. Pure: events in, text out.
 *
 * - `tty`: one line per entity, redrawn in place (cursor up, clear, draw): a bar with percent, rows,
 *   rate and ETA when the source reports its total, rows and rate otherwise, the outcome once it
 *   ends. An entity appears with its first event (never as "0 rows" before it is known); a line
 *   never wraps (it is cut to the terminal's width), so redrawing stays exact. Text printed while
 *   the bars show (log lines) goes above them: see {@link aboveBars}.
 * - `plain` (not a terminal): one line per committed window and per entity end.
 * - `json`: every event as one JSON line.
 */
import type { RunCounts, RunStatus } from "@syncflow/sync-engine"
import { RunEvent } from "@syncflow/sync-engine"
import { Result, Schema, Stream } from "effect"

/** How progress is shown. */
export type ProgressStyle = "tty" | "plain" | "json"

/** One entity's run as the view knows it. */
export interface EntityProgress {
  readonly runId: string
  readonly entity: string
  readonly mode: string | null
  readonly fetched: number
  readonly windows: number
  readonly total: number | null
  readonly rowsPerSecond: number
  readonly percent: number | null
  readonly etaSeconds: number | null
  /** `running` until its `RunFinished`. */
  readonly status: RunStatus
  readonly counts: RunCounts | null
  readonly error: string | null
}

/** Every entity seen so far, in the order they appeared. */
export type ProgressState = ReadonlyArray<EntityProgress>

/** Nothing seen yet. */
export const emptyProgress: ProgressState = []

const fresh = (runId: string, entity: string): EntityProgress => ({
  runId,
  entity,
  mode: null,
  fetched: 0,
  windows: 0,
  total: null,
  rowsPerSecond: 0,
  percent: null,
  etaSeconds: null,
  status: "running",
  counts: null,
  error: null
})

/** The state after `event`: its run's entry updated (added, when it is the run's first event seen). */
export const applyEvent = (state: ProgressState, event: RunEvent): ProgressState => {
  const index = state.findIndex((entry) => entry.runId === event.runId)
  const current = index < 0 ? fresh(event.runId, event.entity) : state[index]!
  const next: EntityProgress =
    event._tag === "RunStarted"
      ? { ...current, mode: event.mode, total: event.total ?? current.total }
      : event._tag === "WindowCommitted"
        ? {
            ...current,
            fetched: event.counts.fetched,
            windows: current.windows + 1,
            total: event.total ?? current.total,
            rowsPerSecond: event.rowsPerSecond,
            percent: event.percent,
            etaSeconds: event.etaSeconds,
            counts: event.counts
          }
        : {
            ...current,
            fetched: event.counts.fetched,
            status: event.status,
            counts: event.counts,
            error: event.error,
            percent: current.total === null ? null : 100,
            etaSeconds: null
          }
  return index < 0 ? [...state, next] : state.map((entry, i) => (i === index ? next : entry))
}

/** `12,345`. */
export const formatCount = (n: number): string => Math.round(n).toLocaleString("en-US")

/** `45s`, `2m05s`, `1h02m`. */
export const formatDuration = (seconds: number): string => {
  const s = Math.max(0, Math.round(seconds))
  if (s < 60) return `${s}s`
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, "0")}s`
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, "0")}m`
}

/** The counts of an ended run: `fetched 500  inserted 480  updated 20  failed 0`. */
const outcome = (counts: RunCounts): string =>
  `fetched ${formatCount(counts.fetched)}  inserted ${formatCount(counts.inserted)}  updated ${formatCount(counts.updated)}  ` +
  `unchanged ${formatCount(counts.unchanged)}  deleted ${formatCount(counts.deleted)}  failed ${formatCount(counts.failed)}`

const firstLine = (text: string): string => text.split("\n")[0] ?? text

/** Cuts `line` to `width` columns (with an ellipsis), so that it never wraps. */
const fitWidth = (line: string, width: number): string =>
  line.length <= width ? line : width <= 1 ? line.slice(0, width) : `${line.slice(0, width - 1)}…`

/** A `[#####.....]` bar of `size` cells, `percent` full. */
const bar = (percent: number, size: number): string => {
  const full = Math.round((Math.min(100, Math.max(0, percent)) / 100) * size)
  return `[${"#".repeat(full)}${".".repeat(size - full)}]`
}

/** One entity's line on a terminal `width` columns wide, its name padded to `nameWidth`. */
export const barLine = (entry: EntityProgress, width: number, nameWidth: number = entry.entity.length): string => {
  const name = entry.entity.padEnd(nameWidth)
  if (entry.status !== "running") {
    const error = entry.error === null ? "" : `  ${firstLine(entry.error)}`
    return fitWidth(`${name}  ${entry.status}  ${entry.counts === null ? "" : outcome(entry.counts)}${error}`, width)
  }
  if (entry.windows === 0) return fitWidth(`${name}  started${entry.mode === null ? "" : ` (${entry.mode})`}…`, width)
  const rate = `${formatCount(entry.rowsPerSecond)} rows/s`
  if (entry.total === null || entry.percent === null) {
    return fitWidth(`${name}  ${formatCount(entry.fetched)} rows  ${rate}`, width)
  }
  const percent = `${Math.floor(entry.percent)}%`.padStart(4)
  const eta = entry.etaSeconds === null ? "" : `  ETA ${formatDuration(entry.etaSeconds)}`
  const rest = `  ${percent}  ${formatCount(entry.fetched)}/${formatCount(entry.total)} rows  ${rate}${eta}`
  const cells = Math.min(30, width - name.length - rest.length - 4)
  return fitWidth(cells >= 10 ? `${name}  ${bar(entry.percent, cells)}${rest}` : `${name}${rest}`, width)
}

/** The bars of every entity seen, names aligned. */
export const barLines = (state: ProgressState, width: number): ReadonlyArray<string> => {
  const nameWidth = Math.min(28, Math.max(0, ...state.map((entry) => entry.entity.length)))
  return state.map((entry) => barLine(entry, width, nameWidth))
}

/** Moves the cursor up `lines` lines to the start of the first and clears to the end of the screen. */
const clearBars = (lines: number): string => `${lines > 0 ? `\u001b[${lines}A` : ""}\r\u001b[J`

/** The text that replaces the `previous` lines drawn (the cursor below them) with `lines`. */
export const redraw = (previous: number, lines: ReadonlyArray<string>): string =>
  clearBars(previous) + lines.map((line) => `${line}\n`).join("")

/** The text that prints `text` above the bars (`previous` lines drawn), then draws `lines` again below it. */
export const aboveBars = (previous: number, text: string, lines: ReadonlyArray<string>): string =>
  clearBars(previous) + (text.endsWith("\n") ? text : `${text}\n`) + lines.map((line) => `${line}\n`).join("")

/** The line of `event` when not on a terminal: a committed window or an entity's end (a start says nothing). */
export const plainLine = (event: RunEvent): string | undefined => {
  switch (event._tag) {
    case "RunStarted":
      return undefined
    case "WindowCommitted": {
      const known =
        event.percent === null
          ? ""
          : `${Math.floor(event.percent)}% of ${formatCount(event.total ?? 0)}, ` +
            (event.etaSeconds === null ? "" : `ETA ${formatDuration(event.etaSeconds)}, `)
      return `${event.entity}: ${formatCount(event.counts.fetched)} rows fetched (${known}${formatCount(event.rowsPerSecond)} rows/s)`
    }
    case "RunFinished":
      return (
        `${event.entity}: ${event.status}, ${outcome(event.counts).replaceAll("  ", ", ")}` +
        (event.error === null ? "" : `: ${firstLine(event.error)}`)
      )
  }
}

const encodeEvent = Schema.encodeSync(RunEvent)

/** The JSON line of `event` (times as ISO-8601 strings). */
export const jsonLine = (event: RunEvent): string => JSON.stringify(encodeEvent(event))

/**
 * The text to write for each event, in `style`: for `tty` the redraw of every bar after the event
 * (on a terminal `width` columns wide), for `plain` and `json` the event's line (events without one
 * write nothing).
 */
export const progressOutput = <E, R>(
  events: Stream.Stream<RunEvent, E, R>,
  style: ProgressStyle,
  width: number
): Stream.Stream<string, E, R> => {
  if (style === "json") return Stream.map(events, (event) => `${jsonLine(event)}\n`)
  if (style === "plain") {
    return Stream.filterMap(events, (event) => {
      const line = plainLine(event)
      return line === undefined ? Result.failVoid : Result.succeed(`${line}\n`)
    })
  }
  return events.pipe(
    Stream.mapAccum(
      () => ({ state: emptyProgress, drawn: 0 }),
      (acc, event) => {
        const state = applyEvent(acc.state, event)
        const lines = barLines(state, width)
        return [{ state, drawn: lines.length }, [redraw(acc.drawn, lines)]]
      }
    )
  )
}
