/**
 * Stored connectors turned into running adapters: the server's implementation of the engine's
 * `ConnectorAdapters`. Each connector's adapter is built once (its HTTP client, token manager and
 * rate-limit budget) and kept until the connector changes or is deleted; all of them share one
 * instrumented HTTP client, one PostgreSQL token store, rate limiter and circuit breakers.
 */
import { NodeHttpClient } from "@effect/platform-node"
import {
  AdapterHttp,
  type ConnectorOAuth2,
  type ConnectorPlugin,
  type Credentials,
  type EntityManifest,
  TokenManager,
  TokenStore,
  type WebhookSecretLookup
} from "@syncflow/adapter-core"
import {
  type Connector,
  ConnectorAdapters,
  type ConnectorRuntime,
  ConnectorStore,
  ConnectorUnavailable,
  PostgresTokenStore,
  type SecretBox
} from "@syncflow/sync-engine"
import { Context, Duration, Effect, Exit, Layer, Option, Predicate, Scope, Semaphore } from "effect"
import type { RateLimiter } from "effect/persistence"
import type { SqlClient, SqlError } from "effect/sql"
import {
  layerCircuitMetrics,
  layerInstrumentedHttpClient,
  layerInstrumentedRateLimiter
} from "../observability/UpstreamMetrics.ts"
import { ConnectorPlugins } from "./ConnectorPlugins.ts"
import * as WebhookSecret from "./WebhookSecret.ts"

/** A connector with its running adapter. */
export interface RunningConnector {
  readonly connector: Connector
  /** The plugin of the connector's adapter. */
  readonly plugin: ConnectorPlugin.ConnectorPlugin
  readonly runtime: ConnectorRuntime
  /** Records per upstream page, when the connector sets it. */
  readonly pageSize: number | undefined
  /** The OAuth2 flow, when the plugin offers one for this connector. */
  readonly oauth2: Option.Option<ConnectorOAuth2>
  /** The secrets this connector's webhooks are signed with, when any are stored. */
  readonly webhookSecrets: Option.Option<WebhookSecretLookup>
}

interface Cached {
  readonly updatedAt: number
  readonly scope: Scope.Closeable
  readonly running: RunningConnector
}

const unavailable = (connectorId: string, message: string) => new ConnectorUnavailable({ connectorId, message })

/** Stored settings without the sealed webhook secret, for decoding. */
const settingsOf = (config: unknown): unknown => WebhookSecret.publicConfig(config).config

const make = Effect.gen(function* () {
  const connectorStore = yield* ConnectorStore
  const plugins = yield* ConnectorPlugins
  const shared = yield* Effect.context<
    TokenManager | TokenStore | AdapterHttp.AdapterHttpServices | SecretBox | ConnectorStore | SqlClient.SqlClient
  >()
  const tokens = Context.get(shared, TokenStore)
  const cache = new Map<string, Cached>()
  const lock = yield* Semaphore.make(1)
  const parent = yield* Effect.scope

  /** The adapter of a connector, built by its plugin in a new scope. */
  const start = (plugin: ConnectorPlugin.ConnectorPlugin, connector: Connector, credentials: Credentials | undefined) =>
    Effect.gen(function* () {
      const scope = yield* Scope.fork(parent)
      const instance = yield* plugin
        .build({ connectorId: connector.id, settings: settingsOf(connector.config), credentials })
        .pipe(
          Effect.provide(Layer.succeedContext(shared)),
          Scope.provide(scope),
          Effect.onError((cause) => Scope.close(scope, Exit.failCause(cause))),
          Effect.mapError((error) => unavailable(connector.id, error.message))
        )
      return { scope, instance }
    })

  const build = Effect.fnUntraced(function* (connector: Connector) {
    const plugin = plugins.find(connector.adapter)
    if (plugin === undefined) {
      return yield* unavailable(
        connector.id,
        `unknown adapter ${JSON.stringify(connector.adapter)}: this server offers ${plugins.all.map((p) => p.name).join(", ")}`
      )
    }
    const credentials = yield* connectorStore.getCredentials(connector.id).pipe(
      Effect.map(Option.getOrUndefined),
      Effect.mapError((error) =>
        unavailable(connector.id, error._tag === "ConnectorNotFound" ? "no such connector" : error.message)
      )
    )
    const started = yield* start(plugin, connector, credentials)
    const settings = settingsOf(connector.config)
    // Already checked by the plugin: only the type is looked at here.
    const numberSetting = (name: "pageSize" | "discoveryTtlSeconds"): number | undefined => {
      const value = Predicate.isObject(settings) ? settings[name] : undefined
      return typeof value === "number" ? value : undefined
    }
    const pageSize = numberSetting("pageSize")
    const discoveryTtlSeconds = numberSetting("discoveryTtlSeconds")
    const webhookSecrets = yield* WebhookSecret.open(connector.id, connector.config).pipe(
      Effect.provide(Layer.succeedContext(shared))
    )
    const stages = plugin.defaultStageOptions
    const running: RunningConnector = {
      connector,
      plugin,
      runtime: {
        adapter: started.instance.adapter,
        stages: (_manifest: EntityManifest) => stages,
        // New settings (e.g. a rest connector's replaced document) make the stored manifests stale.
        changedAt: connector.updatedAt.epochMilliseconds,
        ...(plugin.destination === undefined ? {} : { destination: plugin.destination }),
        ...(discoveryTtlSeconds === undefined ? {} : { discoveryTtl: Duration.seconds(discoveryTtlSeconds) })
      },
      pageSize,
      oauth2: Option.fromUndefinedOr(started.instance.oauth2),
      webhookSecrets
    }
    return { updatedAt: connector.updatedAt.epochMilliseconds, scope: started.scope, running } satisfies Cached
  })

  const drop = (connectorId: string) =>
    Effect.suspend(() => {
      const cached = cache.get(connectorId)
      cache.delete(connectorId)
      return cached === undefined ? Effect.void : Scope.close(cached.scope, Exit.void)
    })

  const get = (connectorId: string): Effect.Effect<RunningConnector, ConnectorUnavailable> =>
    Effect.gen(function* () {
      const connector = yield* connectorStore.getConnector(connectorId).pipe(
        Effect.mapError((error) => unavailable(connectorId, error.message)),
        Effect.flatMap(
          Option.match({
            onNone: () => Effect.fail(unavailable(connectorId, "no such connector")),
            onSome: Effect.succeed
          })
        )
      )
      const version = connector.updatedAt.epochMilliseconds
      const cached = cache.get(connectorId)
      if (cached !== undefined && cached.updatedAt === version) return cached.running
      // Building is quick (no I/O) but must happen once per version: under the lock, look again.
      return yield* lock.withPermits(1)(
        Effect.gen(function* () {
          const again = cache.get(connectorId)
          if (again !== undefined && again.updatedAt >= version) return again.running
          yield* drop(connectorId)
          const fresh = yield* build(connector)
          cache.set(connectorId, fresh)
          return fresh.running
        })
      )
    })

  return ConnectorRuntimes.of({
    get,
    invalidate: (connectorId) => lock.withPermits(1)(drop(connectorId)),
    forget: (connectorId) =>
      lock.withPermits(1)(
        drop(connectorId).pipe(
          Effect.andThen(tokens.delete(connectorId)),
          Effect.catch((error) => Effect.logWarning(`Cannot delete the tokens of ${connectorId}: ${error.message}`))
        )
      )
  })
})

/** The running adapters of the stored connectors. */
export class ConnectorRuntimes extends Context.Service<
  ConnectorRuntimes,
  {
    /** The connector and its running adapter (built on first use, rebuilt after the connector changes). */
    readonly get: (connectorId: string) => Effect.Effect<RunningConnector, ConnectorUnavailable>
    /** Forgets a connector's adapter (after it changes, or its tokens do). */
    readonly invalidate: (connectorId: string) => Effect.Effect<void>
    /** Forgets a deleted connector: its adapter and its stored OAuth2 tokens. */
    readonly forget: (connectorId: string) => Effect.Effect<void>
  }
>()("@syncflow/server/ConnectorRuntimes") {
  /**
   * Adapters over undici, tokens sealed in PostgreSQL, rate-limit budgets in the given store (shared
   * with every process using it), circuit breakers in this process.
   */
  static readonly layer: Layer.Layer<
    ConnectorRuntimes,
    SqlError.SqlError,
    ConnectorStore | SecretBox | SqlClient.SqlClient | RateLimiter.RateLimiterStore
  > = Layer.effect(ConnectorRuntimes, make).pipe(
    Layer.provide(
      Layer.mergeAll(
        TokenManager.layer,
        Layer.merge(layerInstrumentedRateLimiter, layerCircuitMetrics).pipe(
          Layer.provideMerge(AdapterHttp.layerShared())
        )
      ).pipe(
        Layer.provideMerge(PostgresTokenStore.layer),
        Layer.provideMerge(layerInstrumentedHttpClient),
        Layer.provideMerge(NodeHttpClient.layerUndici)
      )
    )
  )
}

/** The engine's `ConnectorAdapters`, from the running connectors. */
export const connectorAdaptersLayer: Layer.Layer<ConnectorAdapters, never, ConnectorRuntimes> = Layer.effect(
  ConnectorAdapters,
  Effect.map(ConnectorRuntimes, (runtimes) =>
    ConnectorAdapters.of({ runtime: (connectorId) => Effect.map(runtimes.get(connectorId), (r) => r.runtime) })
  )
)
