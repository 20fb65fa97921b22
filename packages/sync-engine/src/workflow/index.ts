/** Durable sync workflows on effect/cluster: the workflows, the cluster they run on, and their scheduler. */
export * from "./ConnectorAdapters.ts"
export * from "./SyncWorkflows.ts"
