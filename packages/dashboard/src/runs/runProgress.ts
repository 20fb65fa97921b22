/**
 * A live run's progress as the runs page shows it, folded from the run's event stream
 * (`GET /runs/{id}/events`): fetched rows, rows/s, percent and ETA. When the source reports no
 * total (the ERP does not), the percent and ETA are estimated from the size of the entity's last
 * successful run, and the bar stops short of 100 % until the run has succeeded.
 */
import type { RunEvent } from "../api/apiTypes.ts"

/** Where a run stands, for its progress bar. */
export interface RunProgress {
  readonly fetched: number
  readonly rowsPerSecond: number | null
  /** The records the run will fetch: the source's total, else the estimate, else unknown. */
  readonly total: number | null
  /** Whether `total` is an estimate (the last successful run's size). */
  readonly estimated: boolean
  /** 0-100, or `null` while nothing tells how far the run is. */
  readonly percent: number | null
  readonly etaSeconds: number | null
  /** `running` until `RunFinished`, then the run's end status. */
  readonly status: string
  readonly error: string | null
}

/** The progress of a run that has just been found running, before any event. */
export const startingProgress = (fetched: number, estimate: number | null): RunProgress =>
  withEstimate(
    {
      fetched,
      rowsPerSecond: null,
      total: null,
      estimated: false,
      percent: null,
      etaSeconds: null,
      status: "running",
      error: null
    },
    estimate
  )

const withEstimate = (progress: RunProgress, estimate: number | null): RunProgress => {
  if (progress.total !== null && !progress.estimated) return progress
  if (estimate === null || estimate <= 0) return { ...progress, total: null, estimated: false }
  // Never 100 % on an estimate: the run may hold more than last time.
  const percent = Math.min(99, (progress.fetched / estimate) * 100)
  const left = Math.max(0, estimate - progress.fetched)
  const etaSeconds =
    progress.rowsPerSecond !== null && progress.rowsPerSecond > 0 ? left / progress.rowsPerSecond : null
  return { ...progress, total: estimate, estimated: true, percent, etaSeconds }
}

/** The progress after `event`; `estimate` is the entity's last successful run's size, if known. */
export const applyRunEvent = (progress: RunProgress, event: RunEvent, estimate: number | null): RunProgress => {
  switch (event._tag) {
    case "RunStarted":
      return withEstimate(
        { ...progress, total: event.total, estimated: false, percent: event.total === 0 ? 100 : progress.percent },
        estimate
      )
    case "WindowCommitted":
      return withEstimate(
        {
          ...progress,
          fetched: event.counts.fetched,
          rowsPerSecond: event.rowsPerSecond,
          total: event.total,
          estimated: false,
          percent: event.percent,
          etaSeconds: event.etaSeconds
        },
        estimate
      )
    case "RunFinished":
      return {
        ...progress,
        fetched: event.counts.fetched,
        status: event.status,
        error: event.error,
        percent: event.status === "succeeded" ? 100 : progress.percent,
        etaSeconds: event.status === "succeeded" ? 0 : null,
        total: event.status === "succeeded" ? event.counts.fetched : progress.total,
        estimated: event.status === "succeeded" ? false : progress.estimated
      }
  }
}

/** `1,234 rows/s`, or `—` while no rate is known. */
export const formatRate = (rowsPerSecond: number | null): string =>
  rowsPerSecond === null ? "—" : `${Math.round(rowsPerSecond).toLocaleString("en-US")} rows/s`

/** A duration as a person reads it: `42 s`, `3 min 5 s`, `2 h 7 min`; `—` when unknown. */
export const formatSeconds = (seconds: number | null): string => {
  if (seconds === null || !Number.isFinite(seconds)) return "—"
  const whole = Math.max(0, Math.round(seconds))
  if (whole < 60) return `${whole} s`
  if (whole < 3600) return `${Math.floor(whole / 60)} min ${whole % 60} s`
  return `${Math.floor(whole / 3600)} h ${Math.floor((whole % 3600) / 60)} min`
}
