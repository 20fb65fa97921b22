/**
 * The execution endpoints of n8n's public API: list (cursor pagination by `nextCursor`, filters
 * `status`, `workflowId`, `projectId`, `includeData`) and get (with `includeData`).
 */
import { defineEndpoint } from "@syncflow/adapter-core"
import { Schema } from "effect"
import { Execution, ExecutionPage } from "./Execution.ts"
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from "./WorkflowEndpoints.ts"

/** `GET /api/v1/executions`: the executions, newest first, page by page. */
export const ListExecutions = defineEndpoint({
  entity: "execution",
  module: "executions",
  name: "list",
  method: "GET",
  path: "/api/v1/executions",
  query: {
    filterable: ["status", "workflowId", "projectId", "includeData"],
    pageSize: { max: MAX_PAGE_SIZE, default: DEFAULT_PAGE_SIZE }
  },
  response: ExecutionPage,
  pagination: (p) =>
    p.cursorToken({
      items: (body) => body.data,
      nextToken: (body) => body.nextCursor,
      tokenParam: "cursor",
      sizeParam: "limit"
    })
})

/** `GET /api/v1/executions/{id}?includeData=`. */
export const GetExecution = defineEndpoint({
  entity: "execution",
  module: "executions",
  name: "get",
  method: "GET",
  path: "/api/v1/executions/:id",
  params: { id: Schema.String },
  response: Execution
})
