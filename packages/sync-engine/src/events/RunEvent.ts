/**
 * What a run says while it goes, for whoever follows it (the server's server-sent events, the CLI's
 * progress bars): it started, a window committed, it finished. Counts are the run's totals so far,
 * so a follower that joins late (or misses an event) still shows the truth.
 */
import { Schema } from "effect"
import { RunCounts, RunStatus } from "../state/SyncRun.ts"

/** A run began (or resumed): which entity, how, and how many records the source says it holds. */
export const RunStarted = Schema.TaggedStruct("RunStarted", {
  runId: Schema.String,
  connectorId: Schema.String,
  entity: Schema.String,
  mode: Schema.String,
  /** Records the source reports for this listing (PCO `meta.total_count`), when it reports one. */
  total: Schema.NullOr(Schema.Number),
  at: Schema.DateTimeUtcFromString
})
/** A run began (or resumed). */
export type RunStarted = typeof RunStarted.Type

/** A window committed: the run's counts so far, its rate, and progress where the total is known. */
export const WindowCommitted = Schema.TaggedStruct("WindowCommitted", {
  runId: Schema.String,
  connectorId: Schema.String,
  entity: Schema.String,
  /** The run's counts after this window (cumulative). */
  counts: RunCounts,
  /** Records fetched by this window. */
  windowRows: Schema.Number,
  /** Records fetched per second since the run (or its resumption) began. */
  rowsPerSecond: Schema.Number,
  total: Schema.NullOr(Schema.Number),
  /** 0-100, when the total is known. */
  percent: Schema.NullOr(Schema.Number),
  /** Seconds left at the current rate, when the total is known. */
  etaSeconds: Schema.NullOr(Schema.Number),
  at: Schema.DateTimeUtcFromString
})
/** A window committed. */
export type WindowCommitted = typeof WindowCommitted.Type

/** A run ended: its status, final counts and first error. Always a run's last event. */
export const RunFinished = Schema.TaggedStruct("RunFinished", {
  runId: Schema.String,
  connectorId: Schema.String,
  entity: Schema.String,
  status: RunStatus,
  counts: RunCounts,
  error: Schema.NullOr(Schema.String),
  at: Schema.DateTimeUtcFromString
})
/** A run ended. */
export type RunFinished = typeof RunFinished.Type

/** One event of a run. */
export const RunEvent = Schema.Union([RunStarted, WindowCommitted, RunFinished])
/** One event of a run. */
export type RunEvent = typeof RunEvent.Type
