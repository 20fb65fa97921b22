/**
 * The points of the runs chart: for each ended run of an entity (that fetched over a measurable
 * time), when it started, its throughput (records fetched per second) and its duration, oldest
 * first, as the chart's aligned columns.
 */
import type { RunView } from "../api/apiTypes.ts"

/** The chart's columns: start times (seconds since the epoch), rows/s, duration in seconds. */
export interface RunChartData {
  readonly times: ReadonlyArray<number>
  readonly rowsPerSecond: ReadonlyArray<number>
  readonly durationSeconds: ReadonlyArray<number>
}

/** The runs worth plotting (ended, with a duration above zero), oldest first, as columns. */
export const runChartData = (runs: ReadonlyArray<RunView>): RunChartData => {
  const plotted = runs
    .filter((run) => run.status !== "running" && run.durationMs !== null && run.durationMs > 0)
    .map((run) => ({
      at: Date.parse(run.startedAt) / 1000,
      seconds: (run.durationMs ?? 0) / 1000,
      fetched: run.counts.fetched
    }))
    .filter((point) => Number.isFinite(point.at))
    .sort((a, b) => a.at - b.at)
  return {
    times: plotted.map((point) => point.at),
    rowsPerSecond: plotted.map((point) => Math.round((point.fetched / point.seconds) * 10) / 10),
    durationSeconds: plotted.map((point) => Math.round(point.seconds * 10) / 10)
  }
}

/** The distinct `connector/entity` pairs of `runs`, in the order first seen (newest first). */
export const chartEntities = (runs: ReadonlyArray<RunView>): ReadonlyArray<string> => [
  ...new Set(runs.map((run) => `${run.connectorId}/${run.entity}`))
]
