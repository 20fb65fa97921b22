/**
 * A workflow that starts on a webhook, as a user builds it in n8n's editor: a Webhook trigger node
 * (path, method, response mode) followed by a No-Op node. What tests and examples create.
 */
import type { WorkflowInput } from "../endpoints/Workflow.ts"
import { WEBHOOK_NODE_TYPE } from "../endpoints/Workflow.ts"

/** Options of {@link webhookWorkflow}. */
export interface WebhookWorkflowOptions {
  /** The webhook's HTTP method; `POST` by default. */
  readonly method?: "POST" | "PUT" | "PATCH" | "GET" | undefined
  /** `onReceived` (answer at once, the default) or `lastNode` (answer the last node's output). */
  readonly responseMode?: "onReceived" | "lastNode" | undefined
}

/** A workflow named `name` whose webhook trigger listens on `path`. */
export const webhookWorkflow = (name: string, path: string, options: WebhookWorkflowOptions = {}): WorkflowInput => ({
  name,
  nodes: [
    {
      id: "0f6b7c7e-1d1a-4c51-9b1e-000000000001",
      name: "Webhook",
      type: WEBHOOK_NODE_TYPE,
      typeVersion: 2,
      position: [0, 0],
      parameters: { path, httpMethod: options.method ?? "POST", responseMode: options.responseMode ?? "onReceived" }
    },
    {
      id: "0f6b7c7e-1d1a-4c51-9b1e-000000000002",
      name: "No Operation",
      type: "n8n-nodes-base.noOp",
      typeVersion: 1,
      position: [220, 0],
      parameters: {}
    }
  ],
  connections: { Webhook: { main: [[{ node: "No Operation", type: "main", index: 0 }]] } },
  settings: { executionOrder: "v1" }
})
