/**
 * Stored connectors turned into running adapters: the server's implementation of the engine's
 * `ConnectorAdapters`. Each connector's adapter is built once (its HTTP client, token manager and
 * rate-limit budget) and kept until the connector changes or is deleted; all of them share one
 * instrumented HTTP client, one PostgreSQL token store, rate limiter and circuit breakers.
 */
import { NodeHttpClient } from "@effect/platform-node"
import {
  type Adapter,
  AdapterHttp,
  type Credentials,
  type EntityManifest,
  RateLimitPolicy,
  TokenManager,
  TokenStore
} from "@syncflow/adapter-core"
import { ApiSmithAdapter, ApiSmithClient } from "@syncflow/apismith"
import { PcoAdapter, PcoClient, type PcoClientService, type WebhookSecrets } from "@syncflow/pco"
import {
  type Connector,
  ConnectorAdapters,
  type ConnectorRuntime,
  ConnectorUnavailable,
  PostgresTokenStore,
  type SecretBox,
  type Stages,
  StateStore
} from "@syncflow/sync-engine"
import { Context, Duration, Effect, Exit, Layer, Option, Predicate, Scope, Semaphore } from "effect"
import type { RateLimiter } from "effect/persistence"
import type { SqlClient, SqlError } from "effect/sql"
import { layerInstrumentedHttpClient, layerInstrumentedRateLimiter } from "../observability/SyncMetrics.ts"
import { type AdapterName, checkApiSmithSettings, checkPcoSettings } from "./ConnectorSettings.ts"
import * as WebhookSecret from "./WebhookSecret.ts"

/** The stage options of APISmith entities: its row-version and Oracle-key fields are not data. */
export const apiSmithStages: Stages.StagesOptions = {
  normalize: { mapping: { metaFields: ["_row_version", "_oracle_keys"] } }
}

/** The stage options of Planning Center entities: `""` is a value there (Oracle's `''`-is-NULL rule does not apply). */
export const pcoStages: Stages.StagesOptions = {
  normalize: { coerce: { emptyStringIsNull: false } }
}

/** A connector with its running adapter. */
export interface RunningConnector {
  readonly connector: Connector
  readonly adapterName: AdapterName
  readonly runtime: ConnectorRuntime
  /** Records per upstream page, when the connector sets it. */
  readonly pageSize: number | undefined
  /** The Planning Center client (PCO connectors): OAuth2 authorize URL and code exchange. */
  readonly pco: Option.Option<PcoClientService>
  /** The secrets PCO webhooks of this connector are signed with, when any are stored. */
  readonly webhookSecrets: Option.Option<WebhookSecrets>
}

interface Cached {
  readonly updatedAt: number
  readonly scope: Scope.Closeable
  readonly running: RunningConnector
}

const adapterNames: ReadonlyArray<AdapterName> = ["apismith", "pco"]

const unavailable = (connectorId: string, message: string) => new ConnectorUnavailable({ connectorId, message })

/** Stored settings without the sealed webhook secret, for decoding. */
const settingsOf = (config: unknown): unknown => WebhookSecret.publicConfig(config).config

const make = Effect.gen(function* () {
  const state = yield* StateStore
  const shared = yield* Effect.context<
    TokenManager | TokenStore | AdapterHttp.AdapterHttpServices | SecretBox | StateStore | SqlClient.SqlClient
  >()
  const tokens = Context.get(shared, TokenStore)
  const cache = new Map<string, Cached>()
  const lock = yield* Semaphore.make(1)
  const parent = yield* Effect.scope

  /** Builds a connector's layer in its own scope (closed when the connector changes or the server stops). */
  const buildIn = <A>(layer: Layer.Layer<A, never, TokenManager | AdapterHttp.AdapterHttpServices>) =>
    Effect.gen(function* () {
      const scope = yield* Scope.fork(parent)
      const context = yield* Layer.buildWithScope(layer.pipe(Layer.provide(Layer.succeedContext(shared))), scope)
      return { scope, context }
    })

  /** The adapter of a connector, in a new scope. */
  const start = (
    connector: Connector,
    adapter: AdapterName,
    credentials: Credentials | undefined
  ): Effect.Effect<
    { readonly scope: Scope.Closeable; readonly adapter: Adapter; readonly pco: Option.Option<PcoClientService> },
    ConnectorUnavailable
  > => {
    if (adapter === "apismith") {
      const settings = checkApiSmithSettings(settingsOf(connector.config))
      if (settings._tag === "invalid") return Effect.fail(unavailable(connector.id, settings.error.message))
      if (credentials === undefined || (credentials._tag !== "ServiceJwt" && credentials._tag !== "Bearer")) {
        return Effect.fail(unavailable(connector.id, "an APISmith connector needs serviceJwt or bearer credentials"))
      }
      const config = settings.settings
      const layer = ApiSmithAdapter.layer().pipe(
        Layer.provide(
          ApiSmithClient.layer({
            baseUrl: config.baseUrl,
            credentials,
            connectionId: connector.id,
            ...(config.rateLimit === undefined
              ? {}
              : {
                  rateLimit: RateLimitPolicy.make({
                    adapter: "apismith",
                    connection: connector.id,
                    limit: config.rateLimit.limit,
                    window: Duration.seconds(config.rateLimit.windowSeconds)
                  })
                })
          })
        )
      )
      return Effect.map(buildIn(layer), ({ scope, context }) => ({
        scope,
        adapter: Context.get(context, ApiSmithAdapter),
        pco: Option.none()
      }))
    }
    const settings = checkPcoSettings(settingsOf(connector.config))
    if (settings._tag === "invalid") return Effect.fail(unavailable(connector.id, settings.error.message))
    if (credentials === undefined || (credentials._tag !== "Basic" && credentials._tag !== "OAuth2")) {
      return Effect.fail(
        unavailable(connector.id, "a Planning Center connector needs personalAccessToken or oauth2 credentials")
      )
    }
    const config = settings.settings
    const layer = PcoAdapter.layer.pipe(
      Layer.provideMerge(
        PcoClient.layer({
          connectionId: connector.id,
          credentials,
          ...(config.baseUrl === undefined ? {} : { baseUrl: config.baseUrl })
        })
      )
    )
    return Effect.map(buildIn(layer), ({ scope, context }) => ({
      scope,
      adapter: Context.get(context, PcoAdapter),
      pco: Option.some(Context.get(context, PcoClient))
    }))
  }

  const build = Effect.fnUntraced(function* (connector: Connector) {
    const adapterName = adapterNames.find((name) => name === connector.adapter)
    if (adapterName === undefined) {
      return yield* unavailable(connector.id, `unknown adapter ${JSON.stringify(connector.adapter)}`)
    }
    const credentials = yield* state.getCredentials(connector.id).pipe(
      Effect.map(Option.getOrUndefined),
      Effect.mapError((error) =>
        unavailable(connector.id, error._tag === "ConnectorNotFound" ? "no such connector" : error.message)
      )
    )
    const started = yield* start(connector, adapterName, credentials)
    const settings = settingsOf(connector.config)
    // Already checked by `start`: only the type is looked at here.
    const numberSetting = (name: "pageSize" | "discoveryTtlSeconds"): number | undefined => {
      const value = Predicate.isObject(settings) ? settings[name] : undefined
      return typeof value === "number" ? value : undefined
    }
    const pageSize = numberSetting("pageSize")
    const discoveryTtlSeconds = numberSetting("discoveryTtlSeconds")
    const webhookSecrets = yield* WebhookSecret.open(connector.id, connector.config).pipe(
      Effect.provide(Layer.succeedContext(shared))
    )
    const running: RunningConnector = {
      connector,
      adapterName,
      runtime: {
        adapter: started.adapter,
        stages: (_manifest: EntityManifest) => (adapterName === "apismith" ? apiSmithStages : pcoStages),
        ...(discoveryTtlSeconds === undefined ? {} : { discoveryTtl: Duration.seconds(discoveryTtlSeconds) })
      },
      pageSize,
      pco: started.pco,
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
      const connector = yield* state.getConnector(connectorId).pipe(
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
    StateStore | SecretBox | SqlClient.SqlClient | RateLimiter.RateLimiterStore
  > = Layer.effect(ConnectorRuntimes, make).pipe(
    Layer.provide(
      Layer.mergeAll(
        TokenManager.layer,
        layerInstrumentedRateLimiter.pipe(Layer.provideMerge(AdapterHttp.layerShared()))
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
