/**
 * The `records` endpoint group: failed records (the dead-letter queue), orphans and pending children.
 */
import { Schema } from "effect"
import { HttpApiEndpoint, HttpApiGroup, HttpApiSchema, OpenApi } from "effect/http-api"
import { AdminAuth } from "../AdminAuth.ts"
import { InvalidField, NotFound, Unavailable } from "../ApiErrors.ts"
import { connectorParams, entityParams, Limit } from "../ApiParams.ts"
import { FailedRecordView, OrphanView, PendingChildView } from "../Views.ts"
import {
  FailedRecordSelection,
  failedRecordFilterFields,
  ManyDiscardedView,
  ManyRetriedView,
  PendingChildSelection,
  PendingRetriedView,
  pendingChildFilterFields
} from "./RecordSelections.ts"

/** The outcome of a manual retry of a failed record. */
export const RetryResult = Schema.Struct({
  resolved: Schema.Number,
  stillWaiting: Schema.Number,
  /** 1 when the table holds a newer (or a deleted) row: nothing was written and the record is closed as `stale`. */
  stale: Schema.Number,
  record: FailedRecordView
})

/** Failed records (the dead-letter queue) and pending children. */
export class RecordsGroup extends HttpApiGroup.make("records")
  .add(
    HttpApiEndpoint.get("listFailed", "/connectors/:connectorId/failed-records", {
      params: connectorParams,
      query: {
        entity: Schema.optionalKey(Schema.String),
        runId: Schema.optionalKey(Schema.String),
        includeResolved: Schema.optionalKey(Schema.Literals(["true", "false"])),
        afterId: Schema.optionalKey(Schema.String.check(Schema.isPattern(/^[0-9]{1,18}$/))),
        limit: Schema.optionalKey(Limit)
      },
      success: Schema.Array(FailedRecordView),
      error: NotFound
    }).annotateMerge(
      OpenApi.annotations({
        summary: "List failed records",
        description:
          "The connector's failed records (the dead-letter queue) of its entities' default syncs: records a sync could not write, with the error; unresolved only unless `includeResolved=true`. Page with `afterId`. A sync definition's are at `/definitions/{id}/failed-records`."
      })
    ),
    HttpApiEndpoint.get("listAllFailed", "/failed-records", {
      query: {
        ...failedRecordFilterFields,
        runId: Schema.optionalKey(Schema.String),
        includeResolved: Schema.optionalKey(Schema.Literals(["true", "false"])),
        afterId: Schema.optionalKey(Schema.String.check(Schema.isPattern(/^[0-9]{1,18}$/))),
        limit: Schema.optionalKey(Limit)
      },
      success: Schema.Array(FailedRecordView)
    }).annotateMerge(
      OpenApi.annotations({
        summary: "List failed records of every connector",
        description:
          "Failed records filtered by `connectorId`, `entity`, `definitionId` (absent: the default syncs'), `stage` and `errorType` (the reason); unresolved only unless `includeResolved=true`. Oldest first; page with `afterId`."
      })
    ),
    HttpApiEndpoint.post("retryManyFailed", "/failed-records/retry", {
      payload: FailedRecordSelection,
      success: ManyRetriedView,
      error: InvalidField
    }).annotateMerge(
      OpenApi.annotations({
        summary: "Retry many failed records",
        description:
          "Writes again now the open records named by `ids`, or those matching `filter` (at most `limit`, 1000 by default; `more` says whether others match), each through today's configuration; answers how many were resolved, still fail, were stale or could not be retried."
      })
    ),
    HttpApiEndpoint.post("discardManyFailed", "/failed-records/discard", {
      payload: FailedRecordSelection,
      success: ManyDiscardedView,
      error: InvalidField
    }).annotateMerge(
      OpenApi.annotations({
        summary: "Discard many failed records",
        description:
          "Deletes the open records named by `ids`, or those matching `filter` (at most `limit`, 1000 by default), without writing them."
      })
    ),
    HttpApiEndpoint.get("getFailed", "/failed-records/:recordId", {
      params: { recordId: Schema.String },
      success: FailedRecordView,
      error: NotFound
    }).annotateMerge(
      OpenApi.annotations({
        summary: "Show a failed record",
        description: "One failed record with its payload and error."
      })
    ),
    HttpApiEndpoint.post("retryFailed", "/failed-records/:recordId/retry", {
      params: { recordId: Schema.String },
      success: RetryResult,
      error: [NotFound, Unavailable]
    }).annotateMerge(
      OpenApi.annotations({
        summary: "Retry a failed record",
        description:
          "Writes the failed record again now; answers whether it was resolved, still waits for its parent, or was stale."
      })
    ),
    HttpApiEndpoint.delete("discardFailed", "/failed-records/:recordId", {
      params: { recordId: Schema.String },
      success: HttpApiSchema.NoContent,
      error: NotFound
    }).annotateMerge(
      OpenApi.annotations({
        summary: "Discard a failed record",
        description: "Closes the failed record without writing it."
      })
    ),
    HttpApiEndpoint.get("listOrphans", "/connectors/:connectorId/entities/:entity/orphans", {
      params: entityParams,
      query: {
        afterBkHash: Schema.optionalKey(Schema.String.check(Schema.isPattern(/^[0-9a-f]{1,64}$/))),
        limit: Schema.optionalKey(Limit)
      },
      success: Schema.Array(OrphanView),
      error: NotFound
    }).annotateMerge(
      OpenApi.annotations({
        summary: "List orphans",
        description:
          "The entity's rows written while their parent was missing (flagged `_parent_missing`). Page with `afterBkHash`."
      })
    ),
    HttpApiEndpoint.get("listPending", "/connectors/:connectorId/pending-children", {
      params: connectorParams,
      query: { entity: Schema.optionalKey(Schema.String), limit: Schema.optionalKey(Limit) },
      success: Schema.Array(PendingChildView),
      error: NotFound
    }).annotateMerge(
      OpenApi.annotations({
        summary: "List pending children",
        description: "Child records parked until their parent arrives (orphan policy `park`)."
      })
    ),
    HttpApiEndpoint.get("listAllPending", "/pending-children", {
      query: { ...pendingChildFilterFields, limit: Schema.optionalKey(Limit) },
      success: Schema.Array(PendingChildView)
    }).annotateMerge(
      OpenApi.annotations({
        summary: "List pending children of every connector",
        description:
          "Child records parked until their parent arrives, filtered by `connectorId`, `entity`, `parentEntity` and `definitionId` (absent: the default syncs'), oldest first."
      })
    ),
    HttpApiEndpoint.post("retryPending", "/pending-children/retry", {
      payload: PendingChildSelection,
      success: PendingRetriedView,
      error: InvalidField
    }).annotateMerge(
      OpenApi.annotations({
        summary: "Retry pending children",
        description:
          "Makes the children named by `children`, or those matching `filter` (at most `limit`), due now and retries their entities' parked children: those whose parent has arrived are written, the others wait on (an exhausted one becomes a failed record)."
      })
    ),
    HttpApiEndpoint.post("discardPending", "/pending-children/discard", {
      payload: PendingChildSelection,
      success: ManyDiscardedView,
      error: InvalidField
    }).annotateMerge(
      OpenApi.annotations({
        summary: "Discard pending children",
        description:
          "Deletes the children named by `children`, or those matching `filter` (at most `limit`), without writing them."
      })
    )
  )
  .middleware(AdminAuth)
  .annotateMerge(OpenApi.annotations({ title: "Failed records and pending children" })) {}
