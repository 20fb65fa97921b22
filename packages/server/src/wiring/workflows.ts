/**
 * The durable workflows the server's triggers, webhooks and scheduler go through: the engine's
 * `SyncWorkflows` on the cluster (one in-process runner, or a runner joining the cluster that shares
 * the database, with `serve --runner`) storing its state in the same PostgreSQL, the cluster-wide
 * scheduler of enabled entities (and of sync definitions with their own schedule), the cluster-wide
 * automatic retries of failed records and parked children, the cluster-wide retention job (old
 * runs, fires and records pruned daily), and the cluster-wide alert evaluator and deliverer.
 *
 * A one-off command (`syncflow sync`) triggers the same workflows through `commandWorkflowsLayer`:
 * the server's runner runs them when one serves the database, this process otherwise.
 *
 * This is the one place the server depends on the workflow module's layers.
 */
import { NodeHttpClient } from "@effect/platform-node"
import {
  AlertEvaluator,
  type AlertOutbox,
  type AlertStore,
  type ConnectorAdapters,
  DefinitionScheduler,
  type EntityLeases,
  RetentionJob,
  RetryScheduler,
  type StateStores,
  SyncCluster,
  type SyncDefinitions,
  type SyncEngine,
  SyncScheduler,
  SyncWorkflows,
  type WorkflowTriggers
} from "@syncflow/sync-engine"
import { Duration, Layer, Option } from "effect"
import type { ConfigError } from "effect/Config"
import type { SocketServer } from "effect/socket"
import type { SqlClient, SqlError } from "effect/sql"
import * as AlertDeliverer from "../alerts/AlertDeliverer.ts"
import type { AlertSettings } from "../alerts/AlertSettings.ts"
import type { ServerSettings } from "../config/ServerConfig.ts"

/** Why the workflows could not start. */
export type WorkflowsStartupError = ConfigError | SqlError.SqlError | SocketServer.SocketServerError

/** The cluster of these settings: the in-process runner, or a runner of a shared cluster. */
const clusterLayer = (settings: Pick<ServerSettings, "runner">) =>
  Option.match(settings.runner, {
    onNone: () => SyncCluster.layerSingle(),
    onSome: (runner) =>
      SyncCluster.layerRunner({
        host: runner.host,
        port: runner.port,
        listenHost: Option.getOrUndefined(runner.listenHost)
      })
  })

/** The alert evaluator and deliverer of these settings (webhooks get their own HTTP client). */
const alertsLayer = (alerts: AlertSettings) =>
  Layer.mergeAll(
    AlertEvaluator.layer({
      thresholds: alerts.thresholds,
      every: alerts.every,
      webhooks: alerts.webhooks.map((webhook) => webhook.name)
    }),
    AlertDeliverer.layer({ webhooks: alerts.webhooks }).pipe(Layer.provide(NodeHttpClient.layerUndici))
  )

/**
 * `SyncWorkflows` (and its triggers) on the cluster of these settings, with the scheduler and the
 * alerts when enabled.
 */
export const workflowsLayer = (
  settings: Pick<ServerSettings, "runner" | "scheduler" | "retentionDays">,
  alerts: AlertSettings
): Layer.Layer<
  SyncWorkflows | WorkflowTriggers,
  WorkflowsStartupError,
  | SyncEngine
  | StateStores.StateStores
  | ConnectorAdapters
  | SqlClient.SqlClient
  | SyncDefinitions
  | AlertStore
  | AlertOutbox
> => {
  const workflows = SyncWorkflows.layer.pipe(Layer.provideMerge(clusterLayer(settings)))
  // The schedulers (syncs on schedule, automatic retries, retention, alerts) run on exactly one runner of the cluster.
  return settings.scheduler
    ? Layer.mergeAll(
        SyncScheduler.layer(),
        RetryScheduler.layer(),
        RetentionJob.layer({ retention: Duration.days(settings.retentionDays) }),
        DefinitionScheduler.layer(),
        alertsLayer(alerts)
      ).pipe(Layer.provideMerge(workflows))
    : workflows
}

/**
 * `SyncWorkflows` for a one-off command: on the cluster of a short-lived process (see
 * `SyncCluster.layerCommand`), without the schedulers, which belong to the server.
 */
export const commandWorkflowsLayer: Layer.Layer<
  SyncWorkflows | WorkflowTriggers | EntityLeases,
  ConfigError | SqlError.SqlError,
  SyncEngine | StateStores.StateStores | ConnectorAdapters | SqlClient.SqlClient
> = SyncWorkflows.layer.pipe(Layer.provideMerge(SyncCluster.layerCommand()))
