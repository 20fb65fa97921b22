/**
 * The failed records and pending children group: list and show failed records, retry one now
 * (exactly that record, through today's configuration, as the automatic retries do; a sync
 * definition's record through its definition's mapping and destination), discard one,
 * list pending children and an entity's kept orphans.
 */
import {
  type ConnectorAdapters,
  type ConnectorStore,
  FailedRecordStore,
  ManifestStore,
  PendingChildStore,
  type RunStore,
  retryDefinitionFailed,
  SyncDefinitions,
  SyncEngine
} from "@syncflow/sync-engine"
import { Effect, Option } from "effect"
import { HttpApiBuilder } from "effect/http-api"
import type { SqlClient } from "effect/sql"
import { ConnectorRuntimes } from "../../connectors/ConnectorRuntimes.ts"
import { Api } from "../Api.ts"
import { NotFound, Unavailable } from "../ApiErrors.ts"
import { failedRecordView, pendingChildView } from "../Views.ts"
import { requireConnector, requireEntity, unavailable } from "./common.ts"

/** The failed records and pending children handlers. */
export const RecordsHandlers = HttpApiBuilder.group(Api, "records", (handlers) =>
  Effect.gen(function* () {
    const manifestStore = yield* ManifestStore
    const failedRecordStore = yield* FailedRecordStore
    const pendingChildStore = yield* PendingChildStore
    const engine = yield* SyncEngine
    const runtimes = yield* ConnectorRuntimes
    const definitions = yield* SyncDefinitions
    const context = yield* Effect.context<
      | ConnectorAdapters
      | ConnectorStore
      | ManifestStore
      | SyncEngine
      | SqlClient.SqlClient
      | FailedRecordStore
      | PendingChildStore
      | RunStore
    >()

    const requireRecord = Effect.fnUntraced(function* (recordId: string) {
      const record = yield* unavailable(failedRecordStore.getFailedRecord(recordId)).pipe(Effect.orDie)
      if (Option.isNone(record)) return yield* new NotFound({ detail: `No failed record ${JSON.stringify(recordId)}` })
      return record.value
    })

    return handlers
      .handle("listFailed", ({ params, query }) =>
        Effect.gen(function* () {
          yield* requireConnector(params.connectorId)
          const records = yield* unavailable(
            failedRecordStore.listFailedRecords({
              connectorId: params.connectorId,
              entity: query.entity,
              runId: query.runId,
              includeResolved: query.includeResolved === "true",
              afterId: query.afterId,
              limit: query.limit
            })
          ).pipe(Effect.orDie)
          return records.map(failedRecordView)
        })
      )
      .handle("getFailed", ({ params }) => Effect.map(requireRecord(params.recordId), failedRecordView))
      .handle("retryFailed", ({ params }) =>
        Effect.gen(function* () {
          const record = yield* requireRecord(params.recordId)
          if (Option.isSome(record.definitionId)) {
            // A sync definition's record: through its definition (mapping, filters, destination).
            const definitionId = record.definitionId.value
            const definition = yield* unavailable(definitions.get(definitionId))
            if (Option.isNone(definition)) {
              return yield* new Unavailable({ detail: `Definition ${definitionId} no longer exists` })
            }
            const outcome = yield* retryDefinitionFailed(definition.value, [record.id]).pipe(
              Effect.mapError((error) => new Unavailable({ detail: error.message })),
              Effect.provideContext(context)
            )
            const after = yield* requireRecord(record.id)
            return {
              resolved: outcome.resolved,
              stillWaiting: outcome.stillWaiting,
              stale: outcome.stale,
              record: failedRecordView(after)
            }
          }
          const manifests = yield* unavailable(manifestStore.listManifests(record.connectorId))
          const manifest = manifests.find((entity) => entity.entity === record.entity)?.manifest
          if (manifest === undefined) {
            return yield* new Unavailable({ detail: `Entity ${record.entity} is no longer discovered` })
          }
          const running = yield* unavailable(runtimes.get(record.connectorId))
          const outcome = yield* unavailable(
            engine.retryFailedRecords({
              connectorId: record.connectorId,
              manifest,
              manifests: manifests.map((entity) => entity.manifest),
              stages: running.runtime.stages(manifest),
              ids: [record.id]
            })
          )
          yield* Effect.logInfo("failed record retried").pipe(
            Effect.annotateLogs({ connector: record.connectorId, entity: record.entity, recordId: record.id })
          )
          const after = yield* requireRecord(record.id)
          return {
            resolved: outcome.resolved,
            stillWaiting: outcome.stillWaiting,
            stale: outcome.stale,
            record: failedRecordView(after)
          }
        })
      )
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
