/**
 * The durable workflows the server's triggers, webhooks and scheduler go through: the engine's
 * `SyncWorkflows` on a single in-process cluster runner (`SyncCluster.layerSingle`) storing its
 * state in the same PostgreSQL, and the cluster-wide scheduler of enabled entities.
 *
 * This is the one place the server depends on the workflow module's layers.
 */
import {
  type ConnectorAdapters,
  type StateStore,
  SyncCluster,
  type SyncEngine,
  SyncScheduler,
  SyncWorkflows,
  type WorkflowTriggers
} from "@syncflow/sync-engine"
import { Layer } from "effect"
import type { ConfigError } from "effect/Config"
import type { SqlClient, SqlError } from "effect/sql"

/** `SyncWorkflows` (and its triggers) on one in-process runner. */
export const workflowsLayer: Layer.Layer<
  SyncWorkflows | WorkflowTriggers,
  ConfigError | SqlError.SqlError,
  SyncEngine | StateStore | ConnectorAdapters | SqlClient.SqlClient
> = SyncWorkflows.layer.pipe(Layer.provideMerge(SyncCluster.layerSingle()))

/** The workflows with the scheduler running on them (for `serve`). */
export const workflowsWithSchedulerLayer: Layer.Layer<
  SyncWorkflows | WorkflowTriggers,
  ConfigError | SqlError.SqlError,
  SyncEngine | StateStore | ConnectorAdapters | SqlClient.SqlClient
> = SyncScheduler.layer().pipe(Layer.provideMerge(SyncWorkflows.layer), Layer.provideMerge(SyncCluster.layerSingle()))
