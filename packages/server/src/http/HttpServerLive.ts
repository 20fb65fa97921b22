/**
 * The HTTP server of `syncflow serve`: the admin API under `/api/v1` (with its OpenAPI document at
 * `/openapi.json` and an interactive docs page at `/docs`), webhooks, `/metrics`, and the admin
 * dashboard at `/`.
 */
import { createServer } from "node:http"
import { NodeHttpServer } from "@effect/platform-node"
import { TwoWayConflicts } from "@syncflow/sync-engine"
import { Duration, Effect, Layer } from "effect"
import { HttpRouter } from "effect/http"
import { HttpApiBuilder, HttpApiScalar } from "effect/http-api"
import * as AdminAuth from "../api/AdminAuth.ts"
import type { Api } from "../api/Api.ts"
import { AdaptersHandlers } from "../api/handlers/adaptersHandlers.ts"
import { AlertsHandlers } from "../api/handlers/alertsHandlers.ts"
import { ConflictsHandlers } from "../api/handlers/conflictsHandlers.ts"
import { ConnectorsHandlers } from "../api/handlers/connectorsHandlers.ts"
import { DefinitionsHandlers } from "../api/handlers/definitionsHandlers.ts"
import { EntitiesHandlers } from "../api/handlers/entitiesHandlers.ts"
import { HealthHandlers } from "../api/handlers/healthHandlers.ts"
import { MappingsHandlers } from "../api/handlers/mappingsHandlers.ts"
import { OAuthCallbackHandlers, OAuthStartHandlers } from "../api/handlers/oauthHandlers.ts"
import { RecordsHandlers } from "../api/handlers/recordsHandlers.ts"
import { RunsHandlers } from "../api/handlers/runsHandlers.ts"
import { SchedulesHandlers } from "../api/handlers/schedulesHandlers.ts"
import { WorkflowsHandlers } from "../api/handlers/workflowsHandlers.ts"
import { documentedApi } from "../api/OpenApiDocument.ts"
import * as RequestProblems from "../api/RequestProblems.ts"
import { ServerInfo } from "../api/ServerInfo.ts"
import type { AdminCredentials } from "../config/ServerSecrets.ts"
import { ConnectorHealth } from "../connectors/ConnectorHealth.ts"
import { compressionLayer } from "./Compression.ts"
import { DashboardRoute } from "./DashboardRoute.ts"
import { MetricsRoute } from "./MetricsRoute.ts"
import { probesUntraced, requestLogger } from "./RequestLog.ts"
import { ServerFailure } from "./ServerFailure.ts"
import { UnknownRoute } from "./UnknownRoute.ts"
import { WebhookRoute } from "./WebhookRoute.ts"

/** Where the OpenAPI document is served. */
export const openApiPath = "/openapi.json"

/** Where the interactive API docs are served. */
export const docsPath = "/docs"

/** Every route of the server. */
export const routesLayer = (admin: AdminCredentials) =>
  Layer.unwrap(Effect.map(ServerInfo, ({ version }) => apiRoutesLayer(admin, documentedApi(version))))

const apiRoutesLayer = (admin: AdminCredentials, api: typeof Api) =>
  Layer.mergeAll(
    HttpApiBuilder.layer(api, { openapiPath: openApiPath }).pipe(
      Layer.provide([
        HealthHandlers.pipe(Layer.provide(ConnectorHealth.layer)),
        AdaptersHandlers,
        ConnectorsHandlers,
        EntitiesHandlers,
        SchedulesHandlers,
        RunsHandlers,
        RecordsHandlers,
        DefinitionsHandlers,
        MappingsHandlers,
        ConflictsHandlers.pipe(Layer.provide(TwoWayConflicts.layer)),
        WorkflowsHandlers,
        AlertsHandlers,
        OAuthStartHandlers,
        OAuthCallbackHandlers
      ]),
      Layer.provide(RequestProblems.layer),
      Layer.provide(AdminAuth.layer(admin))
    ),
    HttpApiScalar.layer(api, {
      path: docsPath,
      scalar: { authentication: { preferredSecurityScheme: "bearer" } }
    }),
    WebhookRoute,
    MetricsRoute,
    DashboardRoute,
    UnknownRoute,
    ServerFailure,
    compressionLayer([docsPath, openApiPath])
  )

/**
 * How long requests in flight get to finish when the server stops (effect's default: 20 s). Open
 * event streams (`GET /runs/{id}/events`) never finish by themselves: after this they are cut, so
 * SIGTERM ends the server within seconds.
 */
const gracefulShutdownTimeout = Duration.seconds(1)

/**
 * The routes served on `host:port`, each request logged (health probes and scrapes at DEBUG, see
 * `RequestLog`).
 */
export const serverLayer = (admin: AdminCredentials, listen: { readonly port: number; readonly host: string }) =>
  HttpRouter.serve(routesLayer(admin), { disableLogger: true, middleware: requestLogger }).pipe(
    Layer.provide(probesUntraced),
    Layer.provideMerge(
      NodeHttpServer.layer(createServer, { port: listen.port, host: listen.host, gracefulShutdownTimeout })
    )
  )
