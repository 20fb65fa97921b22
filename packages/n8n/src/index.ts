/**
 * @syncflow/n8n: n8n for SyncFlow. A typed client of n8n's public REST API (workflows, executions)
 * and of its webhooks, usable on its own; a destination plugin (adapter name `n8n`) that sends a
 * sync definition's changes to a webhook workflow in batches with their run and entity. A faithful
 * fake is in `@syncflow/n8n/testing`.
 */

/** Deliveries of a sync's changes to a webhook workflow, and their outcomes. */
export { type DeliveryBody, type DeliveryChange, deliveryOf, resultsOf } from "./destination/Delivery.ts"
/** The endpoint definitions and their schemas. */
export { Execution, ExecutionPage, ExecutionStatus, ExecutionStatusFilter } from "./endpoints/Execution.ts"
export { GetExecution, ListExecutions } from "./endpoints/ExecutionEndpoints.ts"
/** n8n's public API as an `HttpApi`. */
export { N8nApi } from "./endpoints/N8nApi.ts"
export {
  JsonObject,
  WEBHOOK_NODE_TYPE,
  Workflow,
  WorkflowInput,
  WorkflowNode,
  WorkflowPage,
  WorkflowTag,
  webhookNodes
} from "./endpoints/Workflow.ts"
export {
  ActivateWorkflow,
  CreateWorkflow,
  DEFAULT_PAGE_SIZE,
  DeactivateWorkflow,
  DeleteWorkflow,
  GetWorkflow,
  ListWorkflows,
  MAX_PAGE_SIZE,
  UpdateWorkflow
} from "./endpoints/WorkflowEndpoints.ts"
/** The adapter: webhook workflows as a destination. */
export {
  DEFAULT_MAX_BATCH,
  fromClient,
  IDENTITY_FIELDS,
  type N8nAdapterOptions,
  type N8nAdapterService,
  webhookManifest
} from "./N8nAdapter.ts"
/** The typed client service and its options. */
export {
  type ExecutionFilter,
  isNotFound,
  type ListingOptions,
  N8nClient,
  type N8nClientOptions,
  type N8nClientService,
  type WebhookOptions,
  type WorkflowFilter
} from "./N8nClient.ts"
/** The API key credentials. */
export * as N8nCredentials from "./N8nCredentials.ts"
/** Run-finished notifications to webhooks: subscriptions and their durable delivery. */
export {
  EndStatus,
  NotificationTarget,
  NotificationTargetSpec,
  RunNotification
} from "./notifications/NotificationTarget.ts"
export { MAX_ATTEMPTS, RunNotifier, type RunNotifierService } from "./notifications/RunNotifier.ts"
export { N8nCredentialsInput, N8nSettings } from "./plugin/N8nPluginSettings.ts"
/** The connector plugin (adapter name `n8n`) and what a user gives to create a connector. */
export { n8nPlugin } from "./plugin/n8nPlugin.ts"
/** A webhook's answer. */
export { answerBody, WebhookAnswer } from "./webhook/WebhookAnswer.ts"
