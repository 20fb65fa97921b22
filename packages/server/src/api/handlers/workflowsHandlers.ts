/**
 * `/workflows`: the configured n8n instance, proxied through `N8nClient` (see `WorkflowsGroup`). A
 * server without `SYNCFLOW_N8N_URL` and `SYNCFLOW_N8N_API_KEY` answers 503; n8n's "not found" is a
 * 404, a workflow n8n refuses a 400 naming the field n8n named, any other upstream failure a 502.
 */
import { NodeHttpClient } from "@effect/platform-node"
import { type AdapterError, AdapterHttp, firstIssue } from "@syncflow/adapter-core"
import { type Execution, N8nClient, RunNotifier, type Workflow, WorkflowInput, webhookNodes } from "@syncflow/n8n"
import { Effect, Layer, Schema, Stream } from "effect"
import { HttpApiBuilder } from "effect/http-api"
import { ServerConfig } from "../../config/ServerConfig.ts"
import { subscribeNotification } from "../../notifications/subscribeNotification.ts"
import { Api } from "../Api.ts"
import { InvalidField, NotFound, Unavailable, UpstreamFailed } from "../ApiErrors.ts"

const workflowView = (workflow: Workflow) => ({
  id: workflow.id,
  name: workflow.name,
  active: workflow.active,
  createdAt: workflow.createdAt ?? null,
  updatedAt: workflow.updatedAt ?? null,
  tags: (workflow.tags ?? []).map((tag) => tag.name),
  webhooks: webhookNodes(workflow).map((hook) => hook.path)
})

const executionView = (execution: Execution) => ({
  id: execution.id,
  workflowId: execution.workflowId,
  mode: execution.mode,
  status: execution.status,
  finished: execution.finished,
  startedAt: execution.startedAt,
  stoppedAt: execution.stoppedAt ?? null
})

/** The field n8n's validation message names (`request/body must have required property 'settings'`). */
const fieldOf = (message: string): string =>
  /property '([^']+)'/.exec(message)?.[1] ??
  /request\/body\/([\w/]+)/.exec(message)?.[1]?.replaceAll("/", ".") ??
  "body"

const toProblem = (error: AdapterError) => {
  switch (error._tag) {
    case "NotFound":
      return new NotFound({ detail: `n8n: ${error.message}` })
    case "InvalidRequest":
      return new InvalidField({ detail: error.message, field: "body" })
    case "RequestRejected":
      return new InvalidField({ detail: `n8n refused it: ${error.message}`, field: fieldOf(error.message) })
    default:
      return new UpstreamFailed({ detail: `n8n: ${error.message}` })
  }
}

const decodeInput = Schema.decodeUnknownEffect(WorkflowInput)

/** The workflows handlers. */
export const WorkflowsHandlers = HttpApiBuilder.group(Api, "workflows", (handlers) =>
  Effect.gen(function* () {
    const { n8n } = yield* ServerConfig
    const notifier = yield* RunNotifier
    const http = yield* Layer.build(Layer.merge(AdapterHttp.layerMemory(), NodeHttpClient.layerUndici))
    const client =
      n8n === undefined
        ? undefined
        : yield* N8nClient.make({ baseUrl: n8n.baseUrl, apiKey: n8n.apiKey, connectionId: "n8n-workflows" }).pipe(
            Effect.provideContext(http)
          )
    const withClient = <A>(
      f: (c: NonNullable<typeof client>) => Effect.Effect<A, AdapterError>
    ): Effect.Effect<A, NotFound | InvalidField | Unavailable | UpstreamFailed> =>
      client === undefined
        ? Effect.fail(
            new Unavailable({
              detail: "no n8n instance is configured (SYNCFLOW_N8N_URL and SYNCFLOW_N8N_API_KEY)"
            })
          )
        : Effect.mapError(f(client), toProblem)

    return handlers
      .handle("list", ({ query }) =>
        withClient((c) =>
          Stream.runCollect(
            c.listWorkflows(query.active === undefined ? {} : { active: query.active === "true" }, { pageSize: 250 })
          )
        ).pipe(Effect.map((all) => all.map(workflowView)))
      )
      .handle("create", ({ payload }) =>
        Effect.gen(function* () {
          const input = yield* decodeInput({ settings: {}, ...payload }).pipe(
            Effect.mapError((error) => {
              const { path, message } = firstIssue(error.issue)
              return new InvalidField({ detail: `${path}: ${message}`, field: path === "" ? "body" : path })
            })
          )
          return workflowView(yield* withClient((c) => c.createWorkflow(input)))
        })
      )
      .handle("activate", ({ params }) =>
        withClient((c) => c.activateWorkflow(params.workflowId)).pipe(Effect.map(workflowView))
      )
      .handle("execute", ({ params, payload }) =>
        withClient((c) => c.executeWorkflow(params.workflowId, payload)).pipe(
          Effect.map((answer) => ({
            workflowId: params.workflowId,
            path: answer.path,
            status: answer.status,
            answer: answer.body
          }))
        )
      )
      .handle("notifications", () =>
        notifier.targets.pipe(Effect.mapError((error) => new Unavailable({ detail: error.message })))
      )
      .handle("subscribe", ({ payload }) => subscribeNotification(payload, client))
      .handle("unsubscribe", ({ params }) =>
        Effect.gen(function* () {
          const removed = yield* notifier
            .unsubscribe(params.notificationId)
            .pipe(Effect.mapError((error) => new Unavailable({ detail: error.message })))
          if (!removed)
            return yield* new NotFound({ detail: `No notification ${JSON.stringify(params.notificationId)}` })
        })
      )
      .handle("executions", ({ params, query }) =>
        withClient((c) =>
          Stream.runCollect(
            c.listExecutions(
              { workflowId: params.workflowId, ...(query.status === undefined ? {} : { status: query.status }) },
              { pageSize: 250 }
            )
          )
        ).pipe(Effect.map((all) => all.map(executionView)))
      )
  })
)
