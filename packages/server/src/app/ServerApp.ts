/**
 * `syncflow serve` as one layer: the configuration's database and secrets, the engine, the durable
 * workflows on the in-process runner or a cluster runner (`--runner`) with their scheduler and the
 * alerts (unless `SYNCFLOW_SCHEDULER=false`), and the HTTP server. Building it starts everything; releasing it
 * stops the server, the runner and (when embedded) PostgreSQL.
 */
import type { ConnectorPlugin } from "@syncflow/adapter-core"
import { RunNotifier } from "@syncflow/n8n"
import { type Cause, Effect, Layer, Option, type Schema } from "effect"
import type { ConfigError } from "effect/Config"
import type { HttpServer, HttpServerError } from "effect/http"
import { type AlertSettings, loadAlertSettings } from "../alerts/AlertSettings.ts"
import { ServerInfo } from "../api/ServerInfo.ts"
import { ServerConfig, type ServerSettings } from "../config/ServerConfig.ts"
import { resolveAdminCredentials, resolveSecretKey } from "../config/ServerSecrets.ts"
import { ConnectorPlugins } from "../connectors/ConnectorPlugins.ts"
import { describeBuild } from "../describeBuild.ts"
import { serverLayer } from "../http/HttpServerLive.ts"
import * as Observability from "../observability/Observability.ts"
import { type CoreStartupError, coreLayer } from "../wiring/core.ts"
import { type WorkflowsStartupError, workflowsLayer } from "../wiring/workflows.ts"

/** Why the server could not start. */
export type ServerStartupError =
  | CoreStartupError
  | WorkflowsStartupError
  | ConfigError
  | HttpServerError.ServeError
  | Schema.SchemaError
  | Cause.UnknownError

/** How the server is composed, besides its settings. */
export interface ServerAppOptions {
  /**
   * The connector plugins it offers: `defaultPlugins` when absent. Add an adapter with
   * `plugins: [...defaultPlugins, myPlugin]`.
   */
  readonly plugins?: ReadonlyArray<ConnectorPlugin.ConnectorPlugin> | undefined
  /** The alerts' thresholds and webhooks: from the environment (`SYNCFLOW_ALERT_*`) when absent. */
  readonly alerts?: AlertSettings | undefined
}

/** The whole server for these settings; it provides the `HttpServer` (to read its address). */
export const serverAppLayer = (
  settings: ServerSettings,
  options: ServerAppOptions = {}
): Layer.Layer<HttpServer.HttpServer, ServerStartupError> =>
  Layer.unwrap(
    Effect.gen(function* () {
      const admin = yield* resolveAdminCredentials(settings)
      const stateKey = yield* resolveSecretKey(settings)
      const { version } = yield* describeBuild
      const alerts = options.alerts ?? (yield* loadAlertSettings)
      const publicUrl = Option.getOrElse(settings.publicUrl, () => `http://localhost:${settings.port}`).replace(
        /\/+$/,
        ""
      )
      return serverLayer(admin, { port: settings.port, host: settings.host }).pipe(
        Layer.provide(Layer.succeed(ServerInfo, ServerInfo.of({ version, publicUrl, stateKey }))),
        Layer.provide(Layer.merge(workflowsLayer(settings, alerts), RunNotifier.delivery())),
        Layer.provide(coreLayer),
        Layer.provide(Layer.succeed(ServerConfig, settings)),
        Layer.provide(options.plugins === undefined ? Layer.empty : ConnectorPlugins.layer(options.plugins))
      )
    })
  )

/** Runs the server until interrupted, with logs and traces as configured. */
export const serve = (
  settings: ServerSettings,
  options: ServerAppOptions = {}
): Effect.Effect<never, ServerStartupError> =>
  Effect.gen(function* () {
    const { version } = yield* describeBuild
    return yield* Layer.launch(serverAppLayer(settings, options)).pipe(
      Effect.provide(Observability.layer(settings, version))
    )
  })
