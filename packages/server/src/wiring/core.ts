/**
 * The services every SyncFlow command runs on: the database (external or embedded), the secret box,
 * the state stores, the PostgreSQL destination, the sync engine, run control (cancel) and run events
 * (live progress), the connectors' running adapters with their shared rate-limit budgets, the
 * delivery of run-finished notifications to webhooks (`RunNotifier`), and the alerts' store and
 * outbox.
 */

import { NodeHttpClient } from "@effect/platform-node"
import type { PgClient } from "@effect/sql-pg"
import type { EmbeddedPostgresError } from "@syncflow/embedded-postgres"
import { RunNotifier } from "@syncflow/n8n"
import {
  AlertOutbox,
  AlertStore,
  type ConnectorAdapters,
  FieldMappings,
  type InvalidIdentifier,
  PostgresDestination,
  RateLimitStore,
  RunControl,
  RunEvents,
  SecretBox,
  type SecretKeyError,
  type StateStoreError,
  StateStores,
  SyncDefinitions,
  SyncEngine
} from "@syncflow/sync-engine"
import { Effect, Layer, Option, Redacted } from "effect"
import type { SqlClient, SqlError } from "effect/sql"
import { ServerConfig } from "../config/ServerConfig.ts"
import { type ConfigurationError, resolveSecretKey } from "../config/ServerSecrets.ts"
import { ConnectorRuntimes, connectorAdaptersLayer } from "../connectors/ConnectorRuntimes.ts"
import * as Database from "../database/Database.ts"

/** What the core layer provides. */
export type CoreServices =
  | SqlClient.SqlClient
  | AlertStore
  | AlertOutbox
  | PgClient.PgClient
  | SecretBox
  | StateStores.StateStores
  | SyncDefinitions
  | FieldMappings
  | SyncEngine
  | RunControl
  | RunEvents
  | ConnectorRuntimes
  | ConnectorAdapters
  | RunNotifier

/** Why the core services could not start: configuration, the key, the database, the state. */
export type CoreStartupError =
  | ConfigurationError
  | SecretKeyError
  | EmbeddedPostgresError
  | SqlError.SqlError
  | StateStoreError
  | InvalidIdentifier

/** The core services, from the configuration. */
export const coreLayer: Layer.Layer<CoreServices, CoreStartupError, ServerConfig> = Layer.unwrap(
  Effect.gen(function* () {
    const settings = yield* ServerConfig
    const key = yield* resolveSecretKey(settings)
    const base = StateStores.layer.pipe(
      Layer.provideMerge(SecretBox.layer({ key })),
      Layer.provideMerge(Database.layer(settings))
    )
    // Upstream budgets are shared by every process on this database (or on REDIS_URL's Redis):
    // the server's runners and a one-off `syncflow sync` alike.
    const rateLimits = RateLimitStore.layer({
      redisUrl: Option.getOrUndefined(Option.map(settings.redisUrl, Redacted.value))
    })
    return Layer.mergeAll(
      SyncEngine.layer.pipe(Layer.provide(PostgresDestination.layer)),
      RunControl.layer,
      RunEvents.layer,
      SyncDefinitions.layer,
      FieldMappings.layer,
      // Run-finished notifications to webhooks (n8n workflows): the outbox; the server delivers it in the
      // background (RunNotifier.delivery), a CLI sync once when its runs end (deliverRunEnds).
      RunNotifier.layerWithoutDelivery.pipe(Layer.provide(NodeHttpClient.layerUndici)),
      AlertStore.layer,
      AlertOutbox.layer,
      connectorAdaptersLayer.pipe(Layer.provideMerge(ConnectorRuntimes.layer), Layer.provide(rateLimits))
    ).pipe(Layer.provideMerge(base))
  })
)
