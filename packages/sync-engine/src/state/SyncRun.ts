/**
 * Stage 9, "Track": one `sync_runs` row per run of an entity, with the counts of every stage, the
 * duration and the error.
 */
import { Schema } from "effect"
import { StepStats } from "../etl/StepStats.ts"
import { ColumnTypeMismatch } from "./ColumnTypeMismatch.ts"

/**
 * Where a run is. `abandoned`: its sync stopped without finishing (the process or workflow running it
 * is gone, its lease lapsed); the next sync of the entity resumes or replaces it.
 */
export const RunStatus = Schema.Literals(["running", "succeeded", "failed", "cancelled", "abandoned"])
/** Where a run is. */
export type RunStatus = typeof RunStatus.Type

/** The stage counters of a run, in pipeline order. */
export const runCountNames = [
  "fetched",
  "normalized",
  "validated",
  "mapped",
  "inserted",
  "updated",
  "unchanged",
  "deleted",
  "failed",
  "orphaned"
] as const

/** The name of one stage counter. */
export type RunCountName = (typeof runCountNames)[number]

/** The stage counters of a run. */
export const RunCounts = Schema.Struct({
  fetched: Schema.Number,
  normalized: Schema.Number,
  validated: Schema.Number,
  mapped: Schema.Number,
  inserted: Schema.Number,
  updated: Schema.Number,
  unchanged: Schema.Number,
  deleted: Schema.Number,
  failed: Schema.Number,
  /** Rows written (or kept) while their parent was missing: flagged `_parent_missing`, or parked. */
  orphaned: Schema.Number
})
/** The stage counters of a run. */
export type RunCounts = { readonly [K in RunCountName]: number }

/** A stored run, as read back (decoded) from `syncflow.sync_runs`. */
export const SyncRun = Schema.Struct({
  id: Schema.String,
  connectorId: Schema.String,
  entity: Schema.String,
  /** The sync definition whose state this is; `None` for the entity's default sync. */
  definitionId: Schema.OptionFromNullOr(Schema.String),
  /** How the run detects changes (`full`, `rowversion`, `hash`) or why it runs (e.g. `retry`). */
  mode: Schema.String,
  status: RunStatus,
  startedAt: Schema.DateTimeUtcFromDate,
  finishedAt: Schema.NullOr(Schema.DateTimeUtcFromDate),
  durationMs: Schema.NullOr(Schema.Number),
  ...RunCounts.fields,
  error: Schema.NullOr(Schema.String),
  /** Columns whose type in the table differs from the source's (schema drift), as the run found them. */
  typeMismatches: Schema.Array(ColumnTypeMismatch),
  /** The version of its definition's field mapping the run used; null without one (migration 30). */
  mappingVersion: Schema.optionalKey(Schema.NullOr(Schema.Number)),
  /** Records the Transform stage (the field mapping) passed on; null without one (migration 31). */
  transformed: Schema.optionalKey(Schema.NullOr(Schema.Number)),
  /** Milliseconds the Transform stage took, its table lookups included; null without a field mapping. */
  transformMs: Schema.optionalKey(Schema.NullOr(Schema.Number)),
  /** What each of its definition's ETL steps did (rows in, out, skipped, failed, ms); null without steps (migration 33). */
  etlSteps: Schema.optionalKey(Schema.NullOr(Schema.Array(StepStats)))
})
/** A stored run. */
export type SyncRun = typeof SyncRun.Type

/** What `startRun` needs. */
export interface StartRun {
  /** The run's id (a UUID); generated when absent. Starting a run that exists returns it unchanged. */
  readonly id?: string | undefined
  readonly connectorId: string
  readonly entity: string
  /** The sync definition whose state this is; absent for the entity's default sync. */
  readonly definitionId?: string | undefined
  readonly mode: string
  /** The version of the definition's field mapping the run uses, when it has one. */
  readonly mappingVersion?: number | undefined
}

/** How a run ended. */
export interface FinishRun {
  readonly status: Exclude<RunStatus, "running">
  /** The first error, for a failed run. */
  readonly error?: string | undefined
}
