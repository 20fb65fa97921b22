/**
 * The sync definitions group: list, create, read, change, delete and run definitions, list their
 * runs and failed records and retry one. Invalid definitions are 400s naming the field; a taken id
 * or name, and a change of a default definition, are 409s; an unknown definition is a 404. Running a
 * default definition triggers its entity's sync (the durable `SyncWorkflows`); another definition
 * (into PostgreSQL, or pushed into a connector) triggers its durable `SyncDefinition` workflow; a
 * two-way one runs one cycle in the request (each cycle is safe to kill and run again). A
 * definition's runs and failed records are those of its state key (`definitionStateKey`).
 */
import {
  type ConnectorAdapters,
  type ConnectorStore,
  createDefinition,
  type DefaultDefinitionFixed,
  DefinitionNotFound,
  type DefinitionTaken,
  definitionStateKey,
  type FailedRecord,
  FailedRecordStore,
  type InvalidDefinition,
  ManifestStore,
  type PendingChildStore,
  RunStore,
  retryDefinitionFailed,
  runTwoWayDefinition,
  type StateStoreError,
  SyncDefinitions,
  type SyncEngine,
  type SyncMode,
  SyncWorkflows,
  updateDefinition
} from "@syncflow/sync-engine"
import { Effect, Option } from "effect"
import { HttpApiBuilder } from "effect/http-api"
import type { SqlClient } from "effect/sql"
import { Api } from "../Api.ts"
import { Conflict, InvalidField, NotFound, Unavailable } from "../ApiErrors.ts"
import { definitionView } from "../groups/DefinitionsGroup.ts"
import { failedRecordView, runView } from "../Views.ts"

/** Each definition failure as the API's error (handlers pick the ones they can meet). */
const failures = {
  InvalidDefinition: (error: InvalidDefinition) =>
    Effect.fail(new InvalidField({ field: error.field, detail: `${error.field}: ${error.message}` })),
  DefinitionTaken: (error: DefinitionTaken) => Effect.fail(new Conflict({ field: error.field, detail: error.message })),
  DefaultDefinitionFixed: (error: DefaultDefinitionFixed) => Effect.fail(new Conflict({ detail: error.message })),
  DefinitionNotFound: (error: DefinitionNotFound) => Effect.fail(new NotFound({ detail: error.message })),
  StateStoreError: (error: StateStoreError) => Effect.fail(new Unavailable({ detail: error.message }))
}

/** The definitions handlers. */

/** A definition run's answer (logged): the trigger's execution and run. */
const answered = (
  definitionId: string,
  trigger: {
    readonly status: "started" | "joined" | "queued"
    readonly executionId: string
    readonly runId: string
    readonly mode: SyncMode
  }
) =>
  Effect.as(
    Effect.logInfo(`definition run ${trigger.status}`).pipe(
      Effect.annotateLogs({ definition: definitionId, ...trigger })
    ),
    {
      definitionId,
      executionId: trigger.executionId,
      runId: trigger.runId,
      status: trigger.status,
      mode: trigger.mode
    }
  )

export const DefinitionsHandlers = HttpApiBuilder.group(Api, "definitions", (handlers) =>
  Effect.gen(function* () {
    const definitions = yield* SyncDefinitions
    const workflows = yield* SyncWorkflows
    const runStore = yield* RunStore
    const failedRecordStore = yield* FailedRecordStore
    const context = yield* Effect.context<
      | ConnectorStore
      | ManifestStore
      | SyncDefinitions
      | SyncEngine
      | ConnectorAdapters
      | SqlClient.SqlClient
      | RunStore
      | FailedRecordStore
      | PendingChildStore
    >()

    const find = (idOrName: string) =>
      Effect.flatMap(definitions.get(idOrName), (found) =>
        Option.isNone(found) ? Effect.fail(new DefinitionNotFound({ id: idOrName })) : Effect.succeed(found.value)
      ).pipe(Effect.catchTags({ DefinitionNotFound: failures.DefinitionNotFound, StateStoreError: Effect.die }))

    return handlers
      .handle("list", ({ query }) =>
        definitions.list({ connectorId: query.connector, entity: query.entity }).pipe(
          Effect.map((all) => all.map(definitionView)),
          Effect.orDie
        )
      )
      .handle("create", ({ payload }) =>
        createDefinition(payload).pipe(
          Effect.map(definitionView),
          Effect.catchTags({
            InvalidDefinition: failures.InvalidDefinition,
            DefinitionTaken: failures.DefinitionTaken,
            StateStoreError: failures.StateStoreError
          }),
          Effect.provideContext(context)
        )
      )
      .handle("get", ({ params }) => Effect.map(find(params.definitionId), definitionView))
      .handle("update", ({ params, payload }) =>
        updateDefinition(params.definitionId, payload).pipe(
          Effect.map(definitionView),
          Effect.catchTags(failures),
          Effect.provideContext(context)
        )
      )
      .handle("remove", ({ params }) =>
        Effect.gen(function* () {
          const found = yield* find(params.definitionId)
          yield* definitions.remove(found.id).pipe(
            Effect.catchTags({
              DefinitionNotFound: failures.DefinitionNotFound,
              DefaultDefinitionFixed: failures.DefaultDefinitionFixed,
              StateStoreError: failures.StateStoreError
            })
          )
        })
      )
      .handle("run", ({ params, query }) =>
        Effect.gen(function* () {
          const definition = yield* find(params.definitionId)
          if (definition.direction === "bidirectional") {
            const mode = query.mode ?? "incremental"
            const cycle = yield* runTwoWayDefinition(definition, {
              mode: mode === "incremental" ? "incremental" : "complete"
            }).pipe(
              Effect.catchTags({
                DefinitionNotRunnable: (error) => Effect.fail(new Conflict({ detail: error.message }))
              }),
              Effect.mapError((error) =>
                error instanceof Conflict ? error : new Unavailable({ detail: error.message })
              )
            )
            return { definitionId: definition.id, status: "finished" as const, mode, cycle }
          }
          if (!definition.isDefault) {
            const mode = query.mode ?? "incremental"
            // A durable SyncDefinition workflow: started, joined or queued behind the running one.
            const trigger = yield* workflows
              .triggerDefinition(definition, mode)
              .pipe(Effect.mapError((error) => new Unavailable({ detail: error.message })))
            return yield* answered(definition.id, trigger)
          }
          const { connectorId, entity } = definition.source
          const manifestStore = yield* ManifestStore
          const discovered = yield* manifestStore
            .getManifest(connectorId, entity)
            .pipe(Effect.catchTags({ StateStoreError: failures.StateStoreError }))
          const mode =
            query.mode ??
            Option.match(discovered, {
              onNone: () => "incremental" as const,
              onSome: (e) => e.settings.mode
            })
          const trigger = yield* workflows
            .triggerEntity({ connectorId, entity, mode })
            .pipe(Effect.mapError((error) => new Unavailable({ detail: error.message })))
          return yield* answered(definition.id, trigger)
        }).pipe(Effect.provideContext(context))
      )
      .handle("runs", ({ params, query }) =>
        Effect.gen(function* () {
          const key = definitionStateKey(yield* find(params.definitionId))
          const runs = yield* runStore
            .searchRuns({ ...key, definitionId: key.definitionId ?? null, status: query.status, limit: query.limit })
            .pipe(Effect.orDie)
          return runs.map(runView)
        })
      )
      .handle("failedRecords", ({ params, query }) =>
        Effect.gen(function* () {
          const key = definitionStateKey(yield* find(params.definitionId))
          const records = yield* failedRecordStore
            .listFailedRecords({
              ...key,
              runId: query.runId,
              includeResolved: query.includeResolved === "true",
              afterId: query.afterId,
              limit: query.limit
            })
            .pipe(Effect.orDie)
          return records.map(failedRecordView)
        })
      )
      .handle("retryFailed", ({ params }) =>
        Effect.gen(function* () {
          const definition = yield* find(params.definitionId)
          const key = definitionStateKey(definition)
          const mine = (record: Option.Option<FailedRecord>) =>
            Option.filter(
              record,
              (found) =>
                found.connectorId === key.connectorId &&
                found.entity === key.entity &&
                Option.getOrUndefined(found.definitionId) === key.definitionId
            )
          const notFound = new NotFound({
            detail: `No failed record ${JSON.stringify(params.recordId)} of definition ${definition.id}`
          })
          const record = mine(yield* failedRecordStore.getFailedRecord(params.recordId).pipe(Effect.orDie))
          if (Option.isNone(record)) return yield* notFound
          const outcome = yield* retryDefinitionFailed(definition, [record.value.id]).pipe(
            Effect.mapError((error) => new Unavailable({ detail: error.message }))
          )
          yield* Effect.logInfo("failed record retried").pipe(
            Effect.annotateLogs({ definition: definition.id, recordId: record.value.id })
          )
          const after = yield* failedRecordStore.getFailedRecord(record.value.id).pipe(Effect.orDie)
          if (Option.isNone(after)) return yield* notFound
          return {
            resolved: outcome.resolved,
            stillWaiting: outcome.stillWaiting,
            stale: outcome.stale,
            record: failedRecordView(after.value)
          }
        }).pipe(Effect.provideContext(context))
      )
  })
)
