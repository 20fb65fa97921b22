/**
 * The `workflows` endpoint group: the n8n instance the server is configured with
 * (`SYNCFLOW_N8N_URL`, `SYNCFLOW_N8N_API_KEY`), proxied through `@syncflow/n8n`'s client — its
 * workflows listed and created from n8n's workflow JSON, a workflow executed with a payload
 * (through its webhook trigger), and a workflow's executions with their statuses.
 */
import { NotificationTarget } from "@syncflow/n8n"
import { Schema } from "effect"
import { HttpApiEndpoint, HttpApiGroup, HttpApiSchema, OpenApi } from "effect/http-api"
import { NotificationSubscription } from "../../notifications/subscribeNotification.ts"
import { AdminAuth } from "../AdminAuth.ts"
import { Conflict, InvalidField, NotFound, Unavailable, UpstreamFailed } from "../ApiErrors.ts"

/** A workflow as the API lists it. */
export const WorkflowView = Schema.Struct({
  id: Schema.String,
  name: Schema.String,
  active: Schema.Boolean,
  createdAt: Schema.NullOr(Schema.String),
  updatedAt: Schema.NullOr(Schema.String),
  tags: Schema.Array(Schema.String),
  /** The paths of its webhook trigger nodes (what `execute` calls). */
  webhooks: Schema.Array(Schema.String)
})

/** An execution of a workflow, as the API lists it. */
export const ExecutionOfWorkflowView = Schema.Struct({
  id: Schema.String,
  workflowId: Schema.String,
  mode: Schema.String,
  status: Schema.String,
  finished: Schema.Boolean,
  startedAt: Schema.String,
  stoppedAt: Schema.NullOr(Schema.String)
})

/** What executing a workflow answers: the webhook called and n8n's answer. */
export const WorkflowExecuted = Schema.Struct({
  workflowId: Schema.String,
  path: Schema.String,
  status: Schema.Int,
  answer: Schema.Unknown
})

/** A workflow as n8n's JSON gives it: name, nodes, connections, settings. */
export const WorkflowBody = Schema.StructWithRest(
  Schema.Struct({
    name: Schema.NonEmptyString,
    nodes: Schema.Array(Schema.Record(Schema.String, Schema.Unknown)),
    connections: Schema.Record(Schema.String, Schema.Unknown),
    settings: Schema.optionalKey(Schema.Record(Schema.String, Schema.Unknown))
  }),
  [Schema.Record(Schema.String, Schema.Unknown)]
)

const params = { workflowId: Schema.String }
const errors = [NotFound, InvalidField, Unavailable, UpstreamFailed]

/** The n8n workflows. */
export class WorkflowsGroup extends HttpApiGroup.make("workflows")
  .add(
    HttpApiEndpoint.get("list", "/workflows", {
      query: { active: Schema.optionalKey(Schema.Literals(["true", "false"])) },
      success: Schema.Array(WorkflowView),
      error: errors
    }).annotateMerge(
      OpenApi.annotations({
        summary: "List n8n workflows",
        description: "Every workflow, `nextCursor` followed to the end."
      })
    )
  )
  .add(
    HttpApiEndpoint.post("create", "/workflows", {
      payload: WorkflowBody,
      success: WorkflowView.pipe(HttpApiSchema.status(201)),
      error: errors
    }).annotateMerge(
      OpenApi.annotations({
        summary: "Create an n8n workflow",
        description:
          "From n8n's workflow JSON (name, nodes, connections, settings: `{}` when absent); it is created inactive. A workflow n8n refuses is a 400 naming the field."
      })
    )
  )
  .add(
    HttpApiEndpoint.post("activate", "/workflows/:workflowId/activate", {
      params,
      success: WorkflowView,
      error: errors
    }).annotateMerge(
      OpenApi.annotations({
        summary: "Activate an n8n workflow",
        description: "Registers its triggers: its webhooks answer (and `execute` works) from then on."
      })
    )
  )
  .add(
    HttpApiEndpoint.post("execute", "/workflows/:workflowId/execute", {
      params,
      payload: Schema.Unknown,
      success: WorkflowExecuted,
      error: errors
    }).annotateMerge(
      OpenApi.annotations({
        summary: "Execute an n8n workflow with a payload",
        description:
          "Through the workflow's webhook trigger node (n8n's API has no other way to run a workflow with data): the workflow must be active."
      })
    )
  )
  .add(
    HttpApiEndpoint.get("executions", "/workflows/:workflowId/executions", {
      params,
      query: { status: Schema.optionalKey(Schema.Literals(["canceled", "error", "running", "success", "waiting"])) },
      success: Schema.Array(ExecutionOfWorkflowView),
      error: errors
    }).annotateMerge(
      OpenApi.annotations({
        summary: "List a workflow's executions",
        description:
          "Newest first, with their mode and status (success, error, running, waiting, canceled); `?status=` filters."
      })
    )
  )
  .add(
    HttpApiEndpoint.get("notifications", "/workflows/notifications", {
      success: Schema.Array(NotificationTarget),
      error: errors
    }).annotateMerge(
      OpenApi.annotations({
        summary: "List run-finished notifications",
        description: "The webhooks (n8n workflows) told when a connector's or a sync definition's runs end."
      })
    )
  )
  .add(
    HttpApiEndpoint.post("subscribe", "/workflows/notifications", {
      payload: NotificationSubscription,
      success: NotificationTarget.pipe(HttpApiSchema.status(201)),
      error: [...errors, Conflict]
    }).annotateMerge(
      OpenApi.annotations({
        summary: "Notify a webhook when runs end",
        description:
          "A connector's (`connectorId`) or a sync definition's (`definitionId`) runs: each end with a status of `statuses` (all by default) is POSTed once, with the run's summary, from a durable outbox, to `webhookUrl` or to the production URL of the Webhook trigger (POST) of `workflowId`, a workflow of the configured n8n instance. An unknown connector, definition or workflow is a 400 naming the field; a taken id a 409."
      })
    )
  )
  .add(
    HttpApiEndpoint.delete("unsubscribe", "/workflows/notifications/:notificationId", {
      params: { notificationId: Schema.String },
      success: HttpApiSchema.NoContent,
      error: errors
    }).annotateMerge(
      OpenApi.annotations({
        summary: "Stop a run-finished notification",
        description: "Removes the subscription and its undelivered notifications."
      })
    )
  )
  .middleware(AdminAuth)
  .annotateMerge(
    OpenApi.annotations({
      title: "Workflows",
      description: "The n8n instance configured with SYNCFLOW_N8N_URL and SYNCFLOW_N8N_API_KEY, proxied"
    })
  ) {}
