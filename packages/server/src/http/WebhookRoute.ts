/**
 * `POST /webhooks/pco/{connector}`: a Planning Center webhook delivery. Its signature is checked
 * against the connector's webhook secret before anything else: a bad or missing signature is a 401
 * and nothing is processed. A verified delivery is answered 202 after:
 *
 * - `created`/`updated` events: a targeted sync of each changed entity (its changed record ids
 *   passed along) through the durable `SyncWorkflows`;
 * - `destroyed` events: the records they name are soft-deleted in the entity's table at once
 *   (`SyncEngine.deleteRecords`, keyed as a sync of the record would be). No sync starts for them:
 *   an incremental listing cannot see a record that is gone.
 */
import { PcoWebhooks, type WebhookEvent } from "@syncflow/pco"
import { StateStore, SyncEngine, SyncWorkflows } from "@syncflow/sync-engine"
import { Effect, Option } from "effect"
import { HttpRouter, HttpServerRequest, HttpServerResponse } from "effect/http"
import { ConnectorRuntimes } from "../connectors/ConnectorRuntimes.ts"

/** The path deliveries are posted to. */
export const webhookPath = "/webhooks/pco/:connectorId"

const refuse = (status: number, message: string) => HttpServerResponse.jsonUnsafe({ message }, { status })

/** The entity, record id and action an event is about, when it is a People resource event. */
const changeOf = (
  event: WebhookEvent
): { readonly entity: string; readonly id: string; readonly destroyed: boolean } | undefined => {
  switch (event._tag) {
    case "OtherEvent":
      return undefined
    case "ResourceDestroyed":
      return { entity: event.resource, id: event.data.id, destroyed: true }
    case "ResourceChanged": {
      const data: unknown = event.data
      const id =
        typeof data === "object" && data !== null && "id" in data && typeof data.id === "string" ? data.id : undefined
      return id === undefined ? undefined : { entity: event.resource, id, destroyed: false }
    }
  }
}

/** Adds `id` to the set of `entity` in `byEntity`. */
const collect = (byEntity: Map<string, Set<string>>, entity: string, id: string) => {
  const ids = byEntity.get(entity) ?? new Set<string>()
  ids.add(id)
  byEntity.set(entity, ids)
}

/** The webhook route, on the router. */
export const WebhookRoute = HttpRouter.use((router) =>
  Effect.gen(function* () {
    const runtimes = yield* ConnectorRuntimes
    const webhooks = yield* PcoWebhooks
    const workflows = yield* SyncWorkflows
    const state = yield* StateStore
    const engine = yield* SyncEngine

    const handle = Effect.gen(function* () {
      const request = yield* HttpServerRequest.HttpServerRequest
      const params = yield* HttpRouter.params
      const connectorId = params.connectorId ?? ""
      const running = yield* Effect.option(runtimes.get(connectorId))
      if (Option.isNone(running) || running.value.adapterName !== "pco") {
        return refuse(404, `No Planning Center connector ${JSON.stringify(connectorId)}`)
      }
      const secrets = running.value.webhookSecrets
      if (Option.isNone(secrets)) return refuse(401, "This connector has no webhook secret: deliveries are refused")
      const body = new Uint8Array(yield* request.arrayBuffer.pipe(Effect.orElseSucceed(() => new ArrayBuffer(0))))
      const verified = yield* Effect.result(webhooks.verify({ body, headers: request.headers }, secrets.value))
      if (verified._tag === "Failure") {
        const error = verified.failure
        yield* Effect.logWarning("webhook refused").pipe(
          Effect.annotateLogs({ connector: connectorId, reason: error._tag })
        )
        return error._tag === "WebhookPayloadInvalid"
          ? refuse(400, `The delivery is not a valid webhook payload: ${error.message}`)
          : refuse(401, `Webhook signature refused: ${error.message}`)
      }
      const manifests = new Map(
        (yield* state.listManifests(connectorId).pipe(Effect.orElseSucceed(() => []))).map((e) => [
          e.entity,
          e.manifest
        ])
      )
      const byEntity = new Map<string, Set<string>>()
      const destroyedByEntity = new Map<string, Set<string>>()
      for (const event of verified.success) {
        const change = changeOf(event)
        if (change === undefined || !manifests.has(change.entity)) continue
        collect(change.destroyed ? destroyedByEntity : byEntity, change.entity, change.id)
      }
      // Destroyed records first, at once: no listing would ever show them again.
      const runtime = running.value.runtime
      const deleted = yield* Effect.forEach([...destroyedByEntity], ([entity, ids]) => {
        const manifest = manifests.get(entity)
        const [keyField] = manifest?.businessKey ?? []
        // Planning Center records are keyed by their id alone; a record is named by it.
        if (manifest === undefined || keyField === undefined || manifest.businessKey.length !== 1) {
          return Effect.succeed({ entity, recordIds: [...ids], deleted: 0 })
        }
        return engine
          .deleteRecords({
            connectorId,
            manifest,
            stages: runtime.stages(manifest),
            keys: [...ids].map((id) => ({ [keyField]: id }))
          })
          .pipe(
            Effect.tap((outcome) =>
              Effect.logInfo("webhook deletes applied").pipe(
                Effect.annotateLogs({ connector: connectorId, entity, ...outcome })
              )
            ),
            Effect.map((outcome) => ({ entity, recordIds: [...ids], deleted: outcome.deleted }))
          )
      })
      const syncs = yield* Effect.forEach([...byEntity], ([entity, ids]) =>
        workflows.startEntity({ connectorId, entity, mode: "incremental", recordIds: [...ids], followUp: true }).pipe(
          Effect.map((executionId) => ({ entity, executionId, recordIds: [...ids] })),
          Effect.tap((sync) =>
            Effect.logInfo("webhook sync started").pipe(
              Effect.annotateLogs({ connector: connectorId, entity, executionId: sync.executionId })
            )
          )
        )
      )
      return HttpServerResponse.jsonUnsafe({ events: verified.success.length, syncs, deleted }, { status: 202 })
    }).pipe(
      Effect.catch((error) => Effect.succeed(refuse(503, `Cannot process the delivery: ${error.message}`))),
      Effect.withSpan("webhook.pco")
    )

    yield* router.add("POST", webhookPath, handle)
  })
)
