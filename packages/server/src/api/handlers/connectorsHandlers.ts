/**
 * The connectors group: create (settings and credentials checked per adapter, credentials sealed,
 * in one statement), list, get, update, delete, test connection, discover, a connector-wide sync,
 * and moving its tables to another schema.
 */
import { ConnectorStore, ManifestStore, moveTables, SyncWorkflows } from "@syncflow/sync-engine"
import { Duration, Effect } from "effect"
import { HttpApiBuilder } from "effect/http-api"
import * as ConnectorAdmin from "../../connectors/ConnectorAdmin.ts"
import { ConnectorRuntimes } from "../../connectors/ConnectorRuntimes.ts"
import { checkTargetSchema } from "../../connectors/TargetSchema.ts"
import { Api } from "../Api.ts"
import { Conflict, InvalidField, NotFound, Unavailable, UpstreamFailed } from "../ApiErrors.ts"
import { discoveryDrift } from "../DiscoveryDrift.ts"
import { ServerInfo } from "../ServerInfo.ts"
import { connectorView, entityView } from "../Views.ts"
import { requireConnector, unavailable } from "./common.ts"

/** How long a test connection or a discovery may take. */
const upstreamTimeout = Duration.seconds(60)

/** The connectors handlers. */
export const ConnectorsHandlers = HttpApiBuilder.group(Api, "connectors", (handlers) =>
  Effect.gen(function* () {
    const connectorStore = yield* ConnectorStore
    const manifestStore = yield* ManifestStore
    const runtimes = yield* ConnectorRuntimes
    const workflows = yield* SyncWorkflows
    const info = yield* ServerInfo

    return handlers
      .handle("list", () =>
        unavailable(connectorStore.listConnectors).pipe(
          Effect.map((all) => all.map(connectorView)),
          Effect.orDie
        )
      )
      .handle("create", ({ payload }) =>
        Effect.map(
          ConnectorAdmin.createConnector(
            {
              id: payload.id,
              adapter: payload.adapter,
              name: payload.name,
              config: payload.config,
              credentials: payload.credentials,
              webhookSecret: payload.webhookSecret,
              webhookSecrets: payload.webhookSecrets,
              targetSchema: payload.targetSchema
            },
            info.publicUrl
          ),
          connectorView
        )
      )
      .handle("get", ({ params }) => Effect.map(requireConnector(params.connectorId), connectorView))
      .handle("update", ({ params, payload }) =>
        Effect.gen(function* () {
          const existing = yield* requireConnector(params.connectorId)
          const updated = yield* ConnectorAdmin.updateConnector(existing, payload, info.publicUrl)
          yield* runtimes.invalidate(existing.id)
          return connectorView(updated)
        })
      )
      .handle("remove", ({ params }) =>
        Effect.gen(function* () {
          const deleted = yield* unavailable(connectorStore.deleteConnector(params.connectorId))
          if (!deleted) return yield* new NotFound({ detail: `No connector ${JSON.stringify(params.connectorId)}` })
          yield* runtimes.forget(params.connectorId)
        })
      )
      .handle("test", ({ params }) =>
        Effect.gen(function* () {
          yield* requireConnector(params.connectorId)
          const running = yield* runtimes
            .get(params.connectorId)
            .pipe(Effect.mapError((error) => new UpstreamFailed({ detail: error.message })))
          yield* running.runtime.adapter.testConnection.pipe(
            Effect.timeoutOrElse({
              duration: upstreamTimeout,
              orElse: () => Effect.fail({ message: "the upstream did not answer in time" })
            }),
            Effect.mapError((error) => new UpstreamFailed({ detail: error.message }))
          )
          return { ok: true, message: "connected" }
        })
      )
      .handle("discover", ({ params }) =>
        Effect.gen(function* () {
          yield* requireConnector(params.connectorId)
          const running = yield* runtimes
            .get(params.connectorId)
            .pipe(Effect.mapError((error) => new UpstreamFailed({ detail: error.message })))
          const manifests = yield* running.runtime.adapter.manifests.pipe(
            Effect.mapError((error) => new UpstreamFailed({ detail: error.message }))
          )
          const before = yield* unavailable(manifestStore.listManifests(params.connectorId))
          yield* unavailable(manifestStore.saveManifests(params.connectorId, manifests))
          const entities = yield* unavailable(manifestStore.listManifests(params.connectorId))
          return entities.map((entity) => ({
            ...entityView(entity),
            drift: discoveryDrift(
              before.find((known) => known.entity === entity.entity)?.manifest,
              manifests.find((found) => found.entity === entity.entity)
            )
          }))
        })
      )
      .handle("sync", ({ params, payload }) =>
        Effect.gen(function* () {
          yield* requireConnector(params.connectorId)
          const known = yield* unavailable(manifestStore.listManifests(params.connectorId))
          const unknown = (payload.entities ?? []).find((entity) => !known.some((e) => e.entity === entity))
          if (unknown !== undefined) {
            return yield* new InvalidField({
              field: "entities",
              detail: `entities: ${JSON.stringify(unknown)} was not discovered for this connector (POST .../discover first)`
            })
          }
          const trigger = yield* unavailable(
            workflows.triggerConnector({
              connectorId: params.connectorId,
              entities: payload.entities,
              mode: payload.mode ?? "incremental"
            })
          )
          yield* Effect.logInfo(`connector sync ${trigger.status}`).pipe(
            Effect.annotateLogs({ connector: params.connectorId, executionId: trigger.executionId, mode: trigger.mode })
          )
          return trigger
        })
      )
      .handle("moveTables", ({ params, payload }) =>
        Effect.gen(function* () {
          const existing = yield* requireConnector(params.connectorId)
          const toSchema = payload.toSchema ?? null
          if (toSchema !== existing.targetSchema) yield* checkTargetSchema(existing.id, toSchema)
          const moved = yield* moveTables({ connectorId: existing.id, toSchema }).pipe(
            Effect.mapError((error) => {
              switch (error._tag) {
                case "TableMoveRefused":
                case "TableTaken":
                case "EntityBusy":
                  return new Conflict({ field: "toSchema", detail: error.message })
                case "InvalidIdentifier":
                  return new InvalidField({ field: "toSchema", detail: `toSchema: ${error.message}` })
                default:
                  return new Unavailable({ detail: error.message })
              }
            })
          )
          yield* runtimes.invalidate(existing.id)
          return moved
        })
      )
  })
)
