/**
 * n8n's public REST API (the part this client uses) as one `effect/http-api` `HttpApi`, composed
 * from its endpoint definitions.
 */
import { makeApi } from "@syncflow/adapter-core"
import { GetExecution, ListExecutions } from "./ExecutionEndpoints.ts"
import {
  ActivateWorkflow,
  CreateWorkflow,
  DeactivateWorkflow,
  DeleteWorkflow,
  GetWorkflow,
  ListWorkflows,
  UpdateWorkflow
} from "./WorkflowEndpoints.ts"

/** n8n's public API: workflows and executions. */
export const N8nApi = makeApi("n8n", [
  ListWorkflows,
  GetWorkflow,
  CreateWorkflow,
  UpdateWorkflow,
  DeleteWorkflow,
  ActivateWorkflow,
  DeactivateWorkflow,
  ListExecutions,
  GetExecution
])
