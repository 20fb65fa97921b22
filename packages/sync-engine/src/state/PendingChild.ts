/**
 * Stage 7, "Resolve": a child row whose parent has not been synced yet waits here, and is tried
 * again with backoff (see `RecordRetryPolicy.pendingChildrenRetry`) until its parent arrives; after the
 * last attempt it becomes a failed record with the reason.
 */
import { Schema } from "effect"

/** A stored pending child, as read back (decoded) from `syncflow.pending_children`. */
export const PendingChild = Schema.Struct({
  connectorId: Schema.String,
  entity: Schema.String,
  /** The sync definition whose state this is; `None` for the entity's default sync. */
  definitionId: Schema.OptionFromNullOr(Schema.String),
  bkHash: Schema.String,
  parentEntity: Schema.String,
  parentBkHash: Schema.String,
  /** The mapped row, ready to upsert once the parent exists (bigints as strings, bytes as hex). */
  row: Schema.Json,
  runId: Schema.NullOr(Schema.String),
  /** Attempts taken so far. */
  attempts: Schema.Number,
  nextAttemptAt: Schema.DateTimeUtcFromDate,
  lastError: Schema.NullOr(Schema.String),
  createdAt: Schema.DateTimeUtcFromDate
})
/** A stored pending child. */
export type PendingChild = typeof PendingChild.Type

/** A child to park until its parent arrives. */
export interface NewPendingChild {
  readonly connectorId: string
  readonly entity: string
  /** The sync definition whose state this is; absent for the entity's default sync. */
  readonly definitionId?: string | undefined
  readonly bkHash: string
  readonly parentEntity: string
  readonly parentBkHash: string
  readonly row: unknown
  /** The record as the source gave it (kept for the failed record it becomes after its last attempt). */
  readonly raw?: unknown
  readonly runId?: string | null | undefined
  readonly lastError?: string | null | undefined
}

/** What `takeDuePendingChildren` returns. */
export interface DuePendingChildren {
  /** Children due for an attempt now (their attempt is counted and their next one scheduled). */
  readonly due: ReadonlyArray<PendingChild>
  /** Children that had used all their attempts and were moved to the failed records. */
  readonly movedToFailed: number
}
