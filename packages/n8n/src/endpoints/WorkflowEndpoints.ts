/**
 * The workflow endpoints of n8n's public API: list (cursor pagination by `nextCursor`, at most 250
 * a page, filters `active`, `name`, `tags`, `projectId`), get, create, update (`PUT`), delete,
 * activate and deactivate. Every one answers the workflow.
 */
import { defineEndpoint } from "@syncflow/adapter-core"
import { Schema } from "effect"
import { Workflow, WorkflowInput, WorkflowPage } from "./Workflow.ts"

/** The most workflows or executions one page holds. */
export const MAX_PAGE_SIZE = 250

/** The page size n8n uses when none is asked. */
export const DEFAULT_PAGE_SIZE = 100

/** `GET /api/v1/workflows`: the workflows, page by page. */
export const ListWorkflows = defineEndpoint({
  entity: "workflow",
  module: "workflows",
  name: "list",
  method: "GET",
  path: "/api/v1/workflows",
  query: {
    filterable: ["active", "name", "tags", "projectId", "excludePinnedData"],
    pageSize: { max: MAX_PAGE_SIZE, default: DEFAULT_PAGE_SIZE }
  },
  response: WorkflowPage,
  pagination: (p) =>
    p.cursorToken({
      items: (body) => body.data,
      nextToken: (body) => body.nextCursor,
      tokenParam: "cursor",
      sizeParam: "limit"
    })
})

/** `GET /api/v1/workflows/{id}`. */
export const GetWorkflow = defineEndpoint({
  entity: "workflow",
  module: "workflows",
  name: "get",
  method: "GET",
  path: "/api/v1/workflows/:id",
  params: { id: Schema.String },
  response: Workflow
})

/** `POST /api/v1/workflows`: creates an inactive workflow. */
export const CreateWorkflow = defineEndpoint({
  entity: "workflow",
  module: "workflows",
  name: "create",
  method: "POST",
  path: "/api/v1/workflows",
  payload: WorkflowInput,
  response: Workflow
})

/** `PUT /api/v1/workflows/{id}`: replaces the name, nodes, connections and settings. */
export const UpdateWorkflow = defineEndpoint({
  entity: "workflow",
  module: "workflows",
  name: "update",
  method: "PUT",
  path: "/api/v1/workflows/:id",
  params: { id: Schema.String },
  payload: WorkflowInput,
  response: Workflow
})

/** `DELETE /api/v1/workflows/{id}`: answers the deleted workflow. */
export const DeleteWorkflow = defineEndpoint({
  entity: "workflow",
  module: "workflows",
  name: "delete",
  method: "DELETE",
  path: "/api/v1/workflows/:id",
  params: { id: Schema.String },
  response: Workflow
})

/** `POST /api/v1/workflows/{id}/activate`: registers its triggers (webhooks answer from now on). */
export const ActivateWorkflow = defineEndpoint({
  entity: "workflow",
  module: "workflows",
  name: "activate",
  method: "POST",
  path: "/api/v1/workflows/:id/activate",
  params: { id: Schema.String },
  response: Workflow
})

/** `POST /api/v1/workflows/{id}/deactivate`. */
export const DeactivateWorkflow = defineEndpoint({
  entity: "workflow",
  module: "workflows",
  name: "deactivate",
  method: "POST",
  path: "/api/v1/workflows/:id/deactivate",
  params: { id: Schema.String },
  response: Workflow
})
