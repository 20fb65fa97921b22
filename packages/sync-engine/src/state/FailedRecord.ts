/**
 * The dead-letter queue: a record that failed a pipeline stage, with what it looked like at each
 * stage, retried with backoff (see `RecordRetryPolicy.failedRecordsRetry`) until resolved.
 */
import { Schema } from "effect"

/** The pipeline stages a record can fail in. */
export const PipelineStage = Schema.Literals([
  "fetch",
  "normalize",
  "validate",
  "transform",
  "map",
  "identity",
  "etl",
  "delta",
  "resolve",
  "ingest",
  "track"
])
/** The pipeline stages a record can fail in. */
export type PipelineStage = typeof PipelineStage.Type

/**
 * Why a failed record was closed: `retried` (a retry wrote it), `superseded` (its key was written
 * later by a sync, or failed again later: the newer record is the one that counts), `stale` (a retry
 * found the table holding a newer or a deleted row, and wrote nothing), `resolved` (by hand).
 */
export type FailedRecordResolution = "retried" | "superseded" | "stale" | "resolved"

/** A stored failed record, as read back (decoded) from `syncflow.failed_records`. */
export const FailedRecord = Schema.Struct({
  id: Schema.String,
  runId: Schema.NullOr(Schema.String),
  connectorId: Schema.String,
  entity: Schema.String,
  /** The sync definition whose state this is; `None` for the entity's default sync. */
  definitionId: Schema.OptionFromNullOr(Schema.String),
  stage: PipelineStage,
  errorType: Schema.String,
  message: Schema.String,
  rawData: Schema.Json,
  normalizedData: Schema.Json,
  mappedData: Schema.Json,
  businessKey: Schema.NullOr(Schema.String),
  /** Retries taken so far. */
  attempts: Schema.Number,
  /** When the next retry is due; `null` once the retries are exhausted (manual resolution). */
  nextAttemptAt: Schema.NullOr(Schema.DateTimeUtcFromDate),
  createdAt: Schema.DateTimeUtcFromDate,
  resolvedAt: Schema.NullOr(Schema.DateTimeUtcFromDate),
  /** Why it was closed: see {@link FailedRecordResolution}; `null` while open. */
  resolution: Schema.NullOr(Schema.String)
})
/** A stored failed record. */
export type FailedRecord = typeof FailedRecord.Type

/** A record to put in the dead-letter queue. Data fields are any JSON-serialisable values. */
export interface NewFailedRecord {
  readonly connectorId: string
  readonly entity: string
  /** The sync definition whose state this is; absent for the entity's default sync. */
  readonly definitionId?: string | undefined
  readonly stage: PipelineStage
  /** A short classifier, e.g. `RequiredFieldMissing` or the error's `_tag`. */
  readonly errorType: string
  readonly message: string
  readonly runId?: string | null | undefined
  readonly raw?: unknown
  readonly normalized?: unknown
  readonly mapped?: unknown
  /** The business key (its hash, or a readable `key=value`), when known. */
  readonly businessKey?: string | null | undefined
}

/** Which failed records `listFailedRecords` returns. */
export interface FailedRecordFilter {
  /** The connector whose records to list; absent: every connector's. */
  readonly connectorId?: string | undefined
  readonly entity?: string | undefined
  /** Only records that failed in this stage. */
  readonly stage?: PipelineStage | undefined
  /** Only records of this error type (the reason, e.g. `RequiredFieldMissing`). */
  readonly errorType?: string | undefined
  /** The definition whose records to list; absent: the default syncs' records. */
  readonly definitionId?: string | undefined
  readonly runId?: string | undefined
  /** Include resolved records. Default false. */
  readonly includeResolved?: boolean | undefined
  /** At most this many, oldest first. Default 100. */
  readonly limit?: number | undefined
  /** Only records with a larger id (paging). */
  readonly afterId?: string | undefined
}
