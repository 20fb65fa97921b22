/**
 * The bodies and answers of the bulk actions on failed records and pending children: which ones
 * (`ids`/`children`, or a `filter` with a `limit`) and what was done with them.
 */
import { PipelineStage } from "@syncflow/sync-engine"
import { Schema } from "effect"

/** A failed record's id (digits). */
export const RecordId = Schema.String.check(
  Schema.isPattern(/^[0-9]{1,18}$/, { message: "expected a record id (digits)" })
)

/** How many records a bulk action by filter takes at most: 1 to 10000 (1000 by default). */
export const BulkLimit = Schema.Int.check(Schema.isBetween({ minimum: 1, maximum: 10_000 }))

/** The filters of failed records (listing and bulk actions); absent fields match any. */
export const failedRecordFilterFields = {
  connectorId: Schema.optionalKey(Schema.String),
  entity: Schema.optionalKey(Schema.String),
  /** A sync definition's records; absent: the entities' default syncs' records. */
  definitionId: Schema.optionalKey(Schema.String),
  /** The stage the records failed in. */
  stage: Schema.optionalKey(PipelineStage),
  /** The reason: the error type, e.g. `RequiredFieldMissing`. */
  errorType: Schema.optionalKey(Schema.String)
}

/** The body of `POST /failed-records/retry` and `/failed-records/discard`: `ids` or `filter`. */
export const FailedRecordSelection = Schema.Struct({
  /** These open records. */
  ids: Schema.optionalKey(Schema.Array(RecordId).check(Schema.isMinLength(1), Schema.isMaxLength(10_000))),
  /** Or the open records matching this filter, oldest first, at most `limit`. */
  filter: Schema.optionalKey(Schema.Struct(failedRecordFilterFields)),
  limit: Schema.optionalKey(BulkLimit)
}).annotate({
  examples: [{ ids: ["12", "13"] }, { filter: { connectorId: "erp", entity: "items", stage: "normalize" }, limit: 500 }]
})

/** What a bulk retry of failed records did. */
export const ManyRetriedView = Schema.Struct({
  /** Open records selected. */
  matched: Schema.Number,
  /** Written (closed as `retried`). */
  resolved: Schema.Number,
  /** Failed again (still open), or still waiting for their parent. */
  stillWaiting: Schema.Number,
  /** Not written: the table holds a newer or deleted row (closed as `stale`). */
  stale: Schema.Number,
  /** Not retried: their entity is no longer discovered or their connector cannot run (see `errors`). */
  skipped: Schema.Number,
  errors: Schema.Array(Schema.String),
  /** A filter matched more than `limit` records: send it again for the next ones. */
  more: Schema.Boolean
})

/** What a bulk discard did. */
export const ManyDiscardedView = Schema.Struct({
  matched: Schema.Number,
  discarded: Schema.Number,
  /** A filter matched more than `limit`: send it again for the next ones. */
  more: Schema.Boolean
})

/** A pending child, by its connector, entity and business-key hash. */
export const PendingChildKey = Schema.Struct({
  connectorId: Schema.String,
  entity: Schema.String,
  bkHash: Schema.NonEmptyString,
  /** A sync definition's child; absent or `null`: the entity's default sync's. */
  definitionId: Schema.optionalKey(Schema.NullOr(Schema.String))
})

/** The filters of pending children (listing and bulk actions); absent fields match any. */
export const pendingChildFilterFields = {
  connectorId: Schema.optionalKey(Schema.String),
  entity: Schema.optionalKey(Schema.String),
  /** Children waiting for a parent of this entity. */
  parentEntity: Schema.optionalKey(Schema.String),
  /** A sync definition's children; absent: the entities' default syncs'. */
  definitionId: Schema.optionalKey(Schema.String)
}

/** The body of `POST /pending-children/retry` and `/pending-children/discard`: `children` or `filter`. */
export const PendingChildSelection = Schema.Struct({
  children: Schema.optionalKey(Schema.Array(PendingChildKey).check(Schema.isMinLength(1), Schema.isMaxLength(10_000))),
  filter: Schema.optionalKey(Schema.Struct(pendingChildFilterFields)),
  limit: Schema.optionalKey(BulkLimit)
}).annotate({ examples: [{ filter: { connectorId: "erp", entity: "orders" } }] })

/** What a retry of pending children did. */
export const PendingRetriedView = Schema.Struct({
  matched: Schema.Number,
  /** Made due now. */
  requeued: Schema.Number,
  /** Written now that their parent is there (a default sync's; a definition's wait for the next retry pass). */
  resolved: Schema.Number,
  /** Their parent is still missing. */
  stillWaiting: Schema.Number,
  /** Used their last attempt and became failed records. */
  movedToFailed: Schema.Number,
  skipped: Schema.Number,
  errors: Schema.Array(Schema.String),
  more: Schema.Boolean
})
