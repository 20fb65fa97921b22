import { NodeHttpClient } from "@effect/platform-node"
import { AdapterHttp } from "@syncflow/adapter-core"
import { N8nClient, type WorkflowInput } from "@syncflow/n8n"
import { Effect, Layer, type Redacted, Stream } from "effect"

// 1. Connect: the instance's URL and an API key (n8n: Settings > n8n API), kept Redacted.
export const N8nLive = (baseUrl: string, apiKey: Redacted.Redacted<string>) =>
  N8nClient.layer({ baseUrl, apiKey }).pipe(
    Layer.provide(AdapterHttp.layerMemory()),
    Layer.provide(NodeHttpClient.layerUndici)
  )

// 2. Create a workflow that starts on a webhook, activate it, run it with a payload,
//    and read how its execution ended.
export const runOnce = (workflow: WorkflowInput, payload: unknown) =>
  Effect.gen(function* () {
    const n8n = yield* N8nClient
    const created = yield* n8n.createWorkflow(workflow)
    yield* n8n.activateWorkflow(created.id)
    // Through the workflow's webhook node; the key travels as Idempotency-Key.
    const answer = yield* n8n.executeWorkflow(created.id, payload, { idempotencyKey: "run-1" })
    // Every execution of the workflow, newest first, following n8n's nextCursor to the end.
    const executions = yield* Stream.runCollect(n8n.listExecutions({ workflowId: created.id }))
    return { answer: answer.body, statuses: executions.map((execution) => execution.status) }
  })
