/**
 * The entities group: list, get, change sync settings, and start a sync or a full refresh of one
 * entity (through the durable `SyncWorkflows`): the answer says whether it started, joined the running
 * sync or was queued behind it.
 */
import { ManifestStore, SyncWorkflows } from "@syncflow/sync-engine"
import { Effect, Option } from "effect"
import { HttpApiBuilder } from "effect/http-api"
import { checkTargetTable } from "../../connectors/TargetSchema.ts"
import { Api } from "../Api.ts"
import { NotFound } from "../ApiErrors.ts"
import { entityView } from "../Views.ts"
import { requireConnector, requireEntity, unavailable } from "./common.ts"

/** The entities handlers. */
export const EntitiesHandlers = HttpApiBuilder.group(Api, "entities", (handlers) =>
  Effect.gen(function* () {
    const manifestStore = yield* ManifestStore
    const workflows = yield* SyncWorkflows

    const start = Effect.fnUntraced(function* (connectorId: string, entity: string, fullRefresh: boolean) {
      const found = yield* requireEntity(connectorId, entity)
      const trigger = yield* unavailable(
        workflows.triggerEntity({ connectorId, entity, mode: fullRefresh ? "full-refresh" : found.settings.mode })
      )
      yield* Effect.logInfo(`sync ${trigger.status}`).pipe(
        Effect.annotateLogs({ connector: connectorId, entity, ...trigger })
      )
      return trigger
    })

    return handlers
      .handle("list", ({ params }) =>
        Effect.gen(function* () {
          yield* requireConnector(params.connectorId)
          const entities = yield* unavailable(manifestStore.listManifests(params.connectorId)).pipe(Effect.orDie)
          return entities.map(entityView)
        })
      )
      .handle("get", ({ params }) => Effect.map(requireEntity(params.connectorId, params.entity), entityView))
      .handle("update", ({ params, payload }) =>
        Effect.gen(function* () {
          const badTable = checkTargetTable(payload.targetTable)
          if (badTable !== undefined) return yield* badTable
          const updated = yield* unavailable(
            manifestStore.updateEntitySettings(params.connectorId, params.entity, payload)
          ).pipe(Effect.orDie)
          if (Option.isNone(updated)) {
            return yield* new NotFound({
              detail: `Connector ${JSON.stringify(params.connectorId)} has no discovered entity ${JSON.stringify(params.entity)}`
            })
          }
          return entityView(updated.value)
        })
      )
      .handle("sync", ({ params }) => start(params.connectorId, params.entity, false))
      .handle("fullRefresh", ({ params }) => start(params.connectorId, params.entity, true))
  })
)
