/**
 * `@syncflow/n8n/testing`: a faithful fake n8n on loopback HTTP (the public API with API-key auth
 * and cursor pagination, webhook workflows that record what they received, executions with their
 * statuses, faults) and a webhook workflow to create in it.
 */

/** The fake n8n server. */
export * as FakeN8n from "./FakeN8n.ts"
/** The fake's state, without HTTP. */
export { type Delivery, type FakeExecution, makeN8nStore, type N8nStore } from "./N8nStore.ts"
/** A workflow triggered by a webhook. */
export { type WebhookWorkflowOptions, webhookWorkflow } from "./webhookWorkflow.ts"
