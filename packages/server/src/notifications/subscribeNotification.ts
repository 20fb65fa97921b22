/**
 * Subscribing a webhook (an n8n workflow's) to a connector's or a sync definition's run ends, as
 * `POST /api/v1/workflows/notifications` and `syncflow workflows notifications add` do it: the
 * subscription names exactly one of a connector and a definition (which must exist), and exactly
 * one of a webhook URL and an n8n workflow of the configured instance (whose Webhook trigger, a
 * `POST` one, gives the URL). Every refusal is an API problem naming the field.
 */
import { type N8nClientService, NotificationTargetSpec, RunNotifier, webhookNodes } from "@syncflow/n8n"
import { ConnectorStore, SyncDefinitions } from "@syncflow/sync-engine"
import { Effect, Option, Schema } from "effect"
import { Conflict, InvalidField, Unavailable } from "../api/ApiErrors.ts"

/** What a subscription asks: its id, whose runs, which webhook (by URL or by workflow), which end statuses. */
export const NotificationSubscription = Schema.Struct({
  id: Schema.NonEmptyString,
  connectorId: NotificationTargetSpec.fields.connectorId,
  definitionId: NotificationTargetSpec.fields.definitionId,
  webhookUrl: Schema.optionalKey(NotificationTargetSpec.fields.webhookUrl),
  /** An n8n workflow of the configured instance, instead of `webhookUrl`: its Webhook trigger's production URL. */
  workflowId: Schema.optionalKey(Schema.NonEmptyString),
  statuses: NotificationTargetSpec.fields.statuses
})

/** What a subscription asks. */
export type NotificationSubscription = typeof NotificationSubscription.Type

/** What a subscription can be refused with. */
export type SubscriptionRefused = InvalidField | Conflict | Unavailable

const unavailable = <A, E extends { readonly message: string }, R>(effect: Effect.Effect<A, E, R>) =>
  Effect.mapError(effect, (error) => new Unavailable({ detail: error.message }))

/** The production URL of an n8n workflow's `POST` Webhook trigger; `workflowId` is the field a refusal names. */
const workflowWebhookUrl = Effect.fnUntraced(function* (n8n: N8nClientService | undefined, workflowId: string) {
  if (n8n === undefined) {
    return yield* new Unavailable({
      detail: "workflowId: no n8n instance is configured (SYNCFLOW_N8N_URL and SYNCFLOW_N8N_API_KEY); give webhookUrl"
    })
  }
  const workflow = yield* n8n
    .getWorkflow(workflowId)
    .pipe(
      Effect.mapError((error) =>
        error._tag === "NotFound"
          ? new InvalidField({ field: "workflowId", detail: `workflowId: n8n has no workflow ${workflowId}` })
          : new Unavailable({ detail: `n8n: ${error.message}` })
      )
    )
  const trigger = webhookNodes(workflow).find((hook) => hook.method.toUpperCase() === "POST")
  if (trigger === undefined) {
    return yield* new InvalidField({
      field: "workflowId",
      detail: `workflowId: workflow ${workflowId} has no Webhook trigger taking POST to send run summaries to`
    })
  }
  return `${n8n.baseUrl}/webhook/${trigger.path.replace(/^\/+/, "")}`
})

/** The webhook a subscription names: its `webhookUrl`, or its n8n workflow's. */
const webhookUrlOf = (
  input: NotificationSubscription,
  n8n: N8nClientService | undefined
): Effect.Effect<string, SubscriptionRefused> => {
  if (input.webhookUrl !== undefined && input.workflowId === undefined) return Effect.succeed(input.webhookUrl)
  if (input.workflowId !== undefined && input.webhookUrl === undefined) return workflowWebhookUrl(n8n, input.workflowId)
  return Effect.fail(
    new InvalidField({ field: "webhookUrl", detail: "webhookUrl: name exactly one of webhookUrl and workflowId" })
  )
}

/** Stores a subscription after checking what it names; the stored target. */
export const subscribeNotification = Effect.fnUntraced(function* (
  input: NotificationSubscription,
  n8n: N8nClientService | undefined
) {
  if ((input.connectorId === undefined) === (input.definitionId === undefined)) {
    return yield* new InvalidField({
      field: "connectorId",
      detail: "connectorId: name exactly one of connectorId and definitionId"
    })
  }
  const webhookUrl = yield* webhookUrlOf(input, n8n)
  const notifier = yield* RunNotifier
  if ((yield* unavailable(notifier.targets)).some((target) => target.id === input.id)) {
    return yield* new Conflict({ field: "id", detail: `id: a notification ${input.id} already exists` })
  }
  let definitionId: string | undefined
  if (input.connectorId !== undefined) {
    const connector = yield* unavailable((yield* ConnectorStore).getConnector(input.connectorId))
    if (Option.isNone(connector)) {
      return yield* new InvalidField({ field: "connectorId", detail: `connectorId: no connector ${input.connectorId}` })
    }
  } else if (input.definitionId !== undefined) {
    const definition = yield* unavailable((yield* SyncDefinitions).get(input.definitionId))
    if (Option.isNone(definition)) {
      return yield* new InvalidField({
        field: "definitionId",
        detail: `definitionId: no sync definition ${input.definitionId}`
      })
    }
    definitionId = definition.value.id
  }
  return yield* unavailable(
    notifier.subscribe({
      id: input.id,
      ...(input.connectorId === undefined ? {} : { connectorId: input.connectorId }),
      ...(definitionId === undefined ? {} : { definitionId }),
      webhookUrl,
      ...(input.statuses === undefined ? {} : { statuses: input.statuses })
    })
  )
})
