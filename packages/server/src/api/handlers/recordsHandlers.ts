/**
 * The failed records and pending children group: list (per connector, or across connectors with
 * filters) and show failed records, retry one or many now (exactly those records, through today's
 * configuration, as the automatic retries do; a sync definition's through its definition's mapping
 * and destination), discard one or many, list, retry and discard pending children, and list an
 * entity's kept orphans.
 */
import {
  type FailedRecord,
  type FailedRecordFilter,
  FailedRecordStore,
  PendingChildStore,
  SyncEngine
} from "@syncflow/sync-engine"
import { Effect, Option } from "effect"
import { HttpApiBuilder } from "effect/http-api"
import { Api } from "../Api.ts"
import { InvalidField, NotFound } from "../ApiErrors.ts"
import type { FailedRecordSelection } from "../groups/RecordSelections.ts"
import { failedRecordView, pendingChildView } from "../Views.ts"
import { requireConnector, requireEntity, unavailable } from "./common.ts"
import { makeFailedRecordRetries } from "./failedRecordRetries.ts"
import { makePendingChildActions } from "./pendingChildActions.ts"

/** The failed records and pending children handlers. */
export const RecordsHandlers = HttpApiBuilder.group(Api, "records", (handlers) =>
  Effect.gen(function* () {
    const failedRecordStore = yield* FailedRecordStore
    const pendingChildStore = yield* PendingChildStore
    const engine = yield* SyncEngine
    const retries = yield* makeFailedRecordRetries
    const pending = yield* makePendingChildActions

    const requireRecord = Effect.fnUntraced(function* (recordId: string) {
      const record = yield* unavailable(failedRecordStore.getFailedRecord(recordId)).pipe(Effect.orDie)
      if (Option.isNone(record)) return yield* new NotFound({ detail: `No failed record ${JSON.stringify(recordId)}` })
      return record.value
    })

    /** The records a filter lists, as the API shows them. */
    const listFailed = (filter: FailedRecordFilter) =>
      unavailable(failedRecordStore.listFailedRecords(filter)).pipe(
        Effect.map((records) => records.map(failedRecordView)),
        Effect.orDie
      )

    /** The open records a selection names (`ids`, or `filter` up to `limit`) and whether more match. */
    const selectFailed = Effect.fnUntraced(function* (selection: typeof FailedRecordSelection.Type) {
      if ((selection.ids === undefined) === (selection.filter === undefined)) {
        return yield* new InvalidField({ field: "ids", detail: "ids: give either ids or filter" })
      }
      if (selection.ids !== undefined) {
        const records: Array<FailedRecord> = []
        for (const id of new Set(selection.ids)) {
          const found = yield* unavailable(failedRecordStore.getFailedRecord(id)).pipe(Effect.orDie)
          if (Option.isSome(found) && found.value.resolvedAt === null) records.push(found.value)
        }
        return { records, more: false }
      }
      const limit = selection.limit ?? 1000
      const found = yield* unavailable(
        failedRecordStore.listFailedRecords({ ...selection.filter, limit: limit + 1 })
      ).pipe(Effect.orDie)
      return { records: found.slice(0, limit), more: found.length > limit }
    })

    return handlers
      .handle("listFailed", ({ params, query }) =>
        Effect.gen(function* () {
          yield* requireConnector(params.connectorId)
          return yield* listFailed({
            ...query,
            connectorId: params.connectorId,
            includeResolved: query.includeResolved === "true"
          })
        })
      )
      .handle("getFailed", ({ params }) => Effect.map(requireRecord(params.recordId), failedRecordView))
      .handle("retryFailed", ({ params }) =>
        Effect.gen(function* () {
          const record = yield* requireRecord(params.recordId)
          const outcome = yield* retries.retryOne(record)
          const after = yield* requireRecord(record.id)
          return {
            resolved: outcome.resolved,
            stillWaiting: outcome.stillWaiting,
            stale: outcome.stale,
            record: failedRecordView(after)
          }
        })
      )
      .handle("listAllFailed", ({ query }) =>
        listFailed({ ...query, includeResolved: query.includeResolved === "true" })
      )
      .handle("retryManyFailed", ({ payload }) =>
        Effect.gen(function* () {
          const { records, more } = yield* selectFailed(payload)
          const outcome = yield* retries.retryMany(records)
          return {
            matched: records.length,
            resolved: outcome.resolved,
            stillWaiting: outcome.stillWaiting,
            stale: outcome.stale,
            skipped: outcome.skipped,
            errors: outcome.errors,
            more
          }
        })
      )
      .handle("discardManyFailed", ({ payload }) =>
        Effect.gen(function* () {
          const { records, more } = yield* selectFailed(payload)
          const discarded = yield* unavailable(
            failedRecordStore.discardFailedRecords(records.map((record) => record.id))
          ).pipe(Effect.orDie)
          yield* Effect.logInfo("failed records discarded").pipe(Effect.annotateLogs({ discarded }))
          return { matched: records.length, discarded, more }
        })
      )
      .handle("listAllPending", ({ query }) =>
        Effect.gen(function* () {
          const children = yield* unavailable(pendingChildStore.listPendingChildren(query)).pipe(Effect.orDie)
          return children.map(pendingChildView)
        })
      )
      .handle("retryPending", ({ payload }) => pending.retry(payload))
      .handle("discardPending", ({ payload }) => pending.discard(payload))
      .handle("discardFailed", ({ params }) =>
        Effect.gen(function* () {
          const discarded = yield* unavailable(failedRecordStore.discardFailedRecords([params.recordId])).pipe(
            Effect.orDie
          )
          if (discarded === 0) {
            return yield* new NotFound({ detail: `No failed record ${JSON.stringify(params.recordId)}` })
          }
        })
      )
      .handle("listOrphans", ({ params, query }) =>
        Effect.gen(function* () {
          yield* requireEntity(params.connectorId, params.entity)
          return yield* unavailable(
            engine.listOrphans(params.connectorId, params.entity, {
              afterBkHash: query.afterBkHash,
              limit: query.limit
            })
          ).pipe(Effect.orDie)
        })
      )
      .handle("listPending", ({ params, query }) =>
        Effect.gen(function* () {
          yield* requireConnector(params.connectorId)
          const children = yield* unavailable(
            pendingChildStore.listPendingChildren({
              connectorId: params.connectorId,
              entity: query.entity,
              limit: query.limit
            })
          ).pipe(Effect.orDie)
          return children.map(pendingChildView)
        })
      )
  })
)
