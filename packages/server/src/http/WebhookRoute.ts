/**
 * `POST /webhooks/{adapter}/{connector}`: a webhook delivery for a connector whose plugin receives
 * webhooks. The plugin checks its signature against the connector's webhook secrets before anything
 * else: a bad or missing signature is a 401 and nothing is processed. Every refusal is an
 * `application/problem+json` problem (an unknown connector 404, a bad signature 401, a body that is
 * no webhook payload 400, a failure 503). A verified delivery is answered 202 after:
 *
 * - changed records: a targeted sync of each changed entity (its changed record ids passed along)
 *   through the durable `SyncWorkflows`;
 * - destroyed records: soft-deleted in the entity's table at once (`SyncEngine.deleteRecords`, keyed
 *   as a sync of the record would be). No sync starts for them: an incremental listing cannot see a
 *   record that is gone.
 */
import { ManifestStore, SyncEngine, SyncWorkflows } from "@syncflow/sync-engine"
import { Effect, Option } from "effect"
import { HttpRouter, HttpServerRequest, HttpServerResponse } from "effect/http"
import { Unauthorized } from "../api/AdminAuth.ts"
import { InvalidField, NotFound, Unavailable } from "../api/ApiErrors.ts"
import { problemResponse } from "../api/Problem.ts"
import { ConnectorRuntimes } from "../connectors/ConnectorRuntimes.ts"

/** The path deliveries are posted to. */
export const webhookPath = "/webhooks/:adapter/:connectorId"

const refuse = (problem: NotFound | Unauthorized | InvalidField | Unavailable) => problemResponse(problem)

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
    const workflows = yield* SyncWorkflows
    const manifestStore = yield* ManifestStore
    const engine = yield* SyncEngine

    const handle = Effect.gen(function* () {
      const request = yield* HttpServerRequest.HttpServerRequest
      const params = yield* HttpRouter.params
      const adapter = params.adapter ?? ""
      const connectorId = params.connectorId ?? ""
      const running = yield* Effect.option(runtimes.get(connectorId))
      const webhooks = Option.isSome(running) ? running.value.plugin.webhooks : undefined
      if (Option.isNone(running) || running.value.plugin.name !== adapter || webhooks === undefined) {
        return yield* refuse(
          new NotFound({ detail: `No ${adapter} connector ${JSON.stringify(connectorId)} that receives webhooks` })
        )
      }
      const secrets = running.value.webhookSecrets
      if (Option.isNone(secrets)) {
        return yield* refuse(
          new Unauthorized({ detail: "This connector has no webhook secret: deliveries are refused" })
        )
      }
      const body = new Uint8Array(yield* request.arrayBuffer.pipe(Effect.orElseSucceed(() => new ArrayBuffer(0))))
      const verified = yield* Effect.result(webhooks.receive({ body, headers: request.headers }, secrets.value))
      if (verified._tag === "Failure") {
        const error = verified.failure
        yield* Effect.logWarning("webhook refused").pipe(
          Effect.annotateLogs({ connector: connectorId, reason: error.reason })
        )
        return yield* refuse(
          error.reason === "payload"
            ? new InvalidField({
                field: "body",
                detail: `The delivery is not a valid webhook payload: ${error.message}`
              })
            : new Unauthorized({ detail: `Webhook signature refused: ${error.message}` })
        )
      }
      const manifests = new Map(
        (yield* manifestStore.listManifests(connectorId).pipe(Effect.orElseSucceed(() => []))).map((e) => [
          e.entity,
          e.manifest
        ])
      )
      const byEntity = new Map<string, Set<string>>()
      const destroyedByEntity = new Map<string, Set<string>>()
      for (const change of verified.success.changes) {
        if (!manifests.has(change.entity)) continue
        collect(change.destroyed ? destroyedByEntity : byEntity, change.entity, change.recordId)
      }
      // Destroyed records first, at once: no listing would ever show them again.
      const runtime = running.value.runtime
      const deleted = yield* Effect.forEach([...destroyedByEntity], ([entity, ids]) => {
        const manifest = manifests.get(entity)
        const [keyField] = manifest?.businessKey ?? []
        // A webhook names a record by its id: entities keyed by one field alone.
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
        workflows.triggerEntity({ connectorId, entity, mode: "incremental", recordIds: [...ids], followUp: true }).pipe(
          // What the trigger did (`started`, or `queued` behind the running sync) and the run that carries it.
          Effect.map((trigger) => ({
            entity,
            status: trigger.status,
            executionId: trigger.executionId,
            runId: trigger.runId,
            recordIds: [...ids]
          })),
          Effect.tap((sync) =>
            Effect.logInfo(`webhook sync ${sync.status}`).pipe(
              Effect.annotateLogs({ connector: connectorId, entity, executionId: sync.executionId, runId: sync.runId })
            )
          )
        )
      )
      return HttpServerResponse.jsonUnsafe({ events: verified.success.events, syncs, deleted }, { status: 202 })
    }).pipe(
      Effect.catch((error) => refuse(new Unavailable({ detail: `Cannot process the delivery: ${error.message}` }))),
      Effect.withSpan("webhook")
    )

    yield* router.add("POST", webhookPath, handle)
  })
)
