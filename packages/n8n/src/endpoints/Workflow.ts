/**
 * n8n's workflow, as its public API (`/api/v1/workflows`) reads and writes it: nodes, their
 * connections, settings, and the fields n8n assigns (`id`, `active`, timestamps, tags). Fields this
 * client does not name are kept as they come, so a workflow read and written back loses nothing.
 */
import { Schema } from "effect"

/** A JSON object, as node parameters, connections and settings are. */
export const JsonObject = Schema.Record(Schema.String, Schema.Unknown)

/** One node of a workflow: its name, type and parameters (a webhook trigger has `parameters.path`). */
export const WorkflowNode = Schema.StructWithRest(
  Schema.Struct({
    name: Schema.String,
    type: Schema.String,
    parameters: Schema.optionalKey(JsonObject),
    position: Schema.optionalKey(Schema.Array(Schema.Number)),
    typeVersion: Schema.optionalKey(Schema.Number),
    id: Schema.optionalKey(Schema.String),
    webhookId: Schema.optionalKey(Schema.String),
    disabled: Schema.optionalKey(Schema.Boolean)
  }),
  [Schema.Record(Schema.String, Schema.Unknown)]
)

/** One node of a workflow. */
export type WorkflowNode = typeof WorkflowNode.Type

/** A tag of a workflow. */
export const WorkflowTag = Schema.Struct({ id: Schema.String, name: Schema.String })

/** A tag of a workflow. */
export type WorkflowTag = typeof WorkflowTag.Type

/** What a create or an update sends: the name, nodes, connections and settings (n8n requires all four). */
export const WorkflowInput = Schema.StructWithRest(
  Schema.Struct({
    name: Schema.NonEmptyString,
    nodes: Schema.Array(WorkflowNode),
    connections: JsonObject,
    settings: JsonObject,
    staticData: Schema.optionalKey(Schema.NullOr(Schema.Unknown))
  }),
  [Schema.Record(Schema.String, Schema.Unknown)]
)

/** What a create or an update sends. */
export type WorkflowInput = typeof WorkflowInput.Type

/** A stored workflow, as n8n answers it. */
export const Workflow = Schema.StructWithRest(
  Schema.Struct({
    id: Schema.String,
    name: Schema.String,
    active: Schema.Boolean,
    nodes: Schema.Array(WorkflowNode),
    connections: JsonObject,
    settings: Schema.optionalKey(JsonObject),
    createdAt: Schema.optionalKey(Schema.String),
    updatedAt: Schema.optionalKey(Schema.String),
    tags: Schema.optionalKey(Schema.Array(WorkflowTag))
  }),
  [Schema.Record(Schema.String, Schema.Unknown)]
)

/** A stored workflow. */
export type Workflow = typeof Workflow.Type

/** One page of `GET /api/v1/workflows`: `nextCursor` names the next page, `null` on the last. */
export const WorkflowPage = Schema.Struct({
  data: Schema.Array(Workflow),
  nextCursor: Schema.optionalKey(Schema.NullOr(Schema.String))
})

/** One page of workflows. */
export type WorkflowPage = typeof WorkflowPage.Type

/** The node type of n8n's webhook trigger. */
export const WEBHOOK_NODE_TYPE = "n8n-nodes-base.webhook"

/** The webhook trigger nodes of a workflow (enabled ones), with their path and HTTP method. */
export const webhookNodes = (
  workflow: Pick<Workflow, "nodes">
): ReadonlyArray<{ readonly node: string; readonly path: string; readonly method: string }> =>
  workflow.nodes.flatMap((node) => {
    if (node.type !== WEBHOOK_NODE_TYPE || node.disabled === true) return []
    const path = node.parameters?.path
    const method = node.parameters?.httpMethod
    return typeof path === "string" && path !== ""
      ? [{ node: node.name, path, method: typeof method === "string" ? method : "GET" }]
      : []
  })
