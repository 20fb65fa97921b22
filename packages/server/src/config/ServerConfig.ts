/**
 * SyncFlow's configuration, from the environment (and the CLI's flags, which win): where to listen,
 * which PostgreSQL, the data directory, the admin credentials, the key that seals connector
 * credentials. OpenTelemetry reads its own `OTEL_*` variables (see `observability/Otel.ts`).
 * Secrets are `Redacted` and never logged.
 */
import { resolve } from "node:path"
import { Config, Context, Effect, Layer, Option, Redacted, Schema } from "effect"

/** The resolved settings (before secrets are completed by `ServerSecrets`). */
export interface ServerSettings {
  /** `PORT` / `--port`: the HTTP port; 8080 by default; 0 picks a free one (logged). */
  readonly port: number
  /** `SYNCFLOW_HOST`: the address to listen on; `0.0.0.0` by default. */
  readonly host: string
  /** `SYNCFLOW_DATA_DIR` / `--data-dir`: the embedded PostgreSQL and generated secrets; `./.data` by default. */
  readonly dataDir: string
  /** `DATABASE_URL` / `--database-url`: the PostgreSQL to use; none: an embedded one in the data directory. */
  readonly databaseUrl: Option.Option<Redacted.Redacted<string>>
  /** `SYNCFLOW_API_KEY`: a static admin bearer token. */
  readonly apiKey: Option.Option<Redacted.Redacted<string>>
  /** `SYNCFLOW_JWT_SECRET`: the HS256 secret admin JWTs are signed with. */
  readonly jwtSecret: Option.Option<Redacted.Redacted<string>>
  /** `SYNCFLOW_SECRET_KEY`: 32 bytes (base64 or hex) sealing credentials and tokens with AES-256-GCM. */
  readonly secretKey: Option.Option<Redacted.Redacted<string>>
  /** `SYNCFLOW_PUBLIC_URL`: the server's external URL (OAuth2 redirect URIs); `http://localhost:PORT` by default. */
  readonly publicUrl: Option.Option<string>
  /** `SYNCFLOW_SCHEDULER`: whether `serve` runs the scheduler of enabled entities; `true` by default. */
  readonly scheduler: boolean
  /**
   * `SYNCFLOW_HEALTH_TTL_SECONDS`: how long a connector's health probe answers
   * `/api/v1/health/connectors` before the upstream is probed again (30 by default; 0: every time).
   */
  readonly healthTtlSeconds: number
  /** `SYNCFLOW_LOG_FORMAT`: `json` (default, one object per line) or `pretty` (logfmt). */
  readonly logFormat: "json" | "pretty"
  /**
   * `SYNCFLOW_RETENTION_DAYS`: how long finished runs, schedule fires, closed failed records and
   * expired rate-limit states are kept (30 by default); older ones are pruned daily.
   */
  readonly retentionDays: number
  /**
   * `SYNCFLOW_RUNNER=true` / `serve --runner`: join a cluster of runners sharing `DATABASE_URL`
   * instead of running the one in-process runner; none: the in-process runner.
   */
  readonly runner: Option.Option<RunnerSettings>
  /** `REDIS_URL`: where runners share their upstream rate-limit budgets; none: in PostgreSQL. */
  readonly redisUrl: Option.Option<Redacted.Redacted<string>>
  /**
   * `SYNCFLOW_N8N_URL` and `SYNCFLOW_N8N_API_KEY` (a secret, from the environment or the secret
   * store, never a flag): the n8n instance `/api/v1/workflows` is proxied to; absent: those routes
   * answer 503.
   */
  readonly n8n?: N8nSettings | undefined
}

/** The n8n instance the workflow routes are proxied to. */
export interface N8nSettings {
  readonly baseUrl: string
  readonly apiKey: Redacted.Redacted<string>
}

/** How a cluster runner is reached by the others. */
export interface RunnerSettings {
  /** `SYNCFLOW_RUNNER_HOST` / `--runner-host`: the name other runners reach this one by; `localhost` by default. */
  readonly host: string
  /** `SYNCFLOW_RUNNER_PORT` / `--runner-port`: the port runners talk on; 34431 by default. */
  readonly port: number
  /** `SYNCFLOW_RUNNER_LISTEN_HOST`: the interface to bind when it differs from `host` (e.g. `0.0.0.0`). */
  readonly listenHost: Option.Option<string>
}

/** What the CLI's flags may override. */
export interface SettingsOverrides {
  readonly port?: Option.Option<number> | undefined
  readonly dataDir?: Option.Option<string> | undefined
  readonly databaseUrl?: Option.Option<Redacted.Redacted<string>> | undefined
  /** `serve --runner`: join a cluster (a flag can only turn it on). */
  readonly runner?: boolean | undefined
  readonly runnerHost?: Option.Option<string> | undefined
  readonly runnerPort?: Option.Option<number> | undefined
}

const portSchema = Schema.Int.check(Schema.isBetween({ minimum: 0, maximum: 65535 }))

/** What the environment says of a runner, turned on or not. */
interface RunnerEnv extends RunnerSettings {
  readonly enabled: boolean
}

/** The settings from the environment. */
export const settingsConfig: Config.Config<
  Omit<ServerSettings, "runner" | "n8n"> & {
    readonly runner: RunnerEnv
    readonly n8nUrl: Option.Option<string>
    readonly n8nApiKey: Option.Option<Redacted.Redacted<string>>
  }
> = Config.all({
  port: Config.schema(portSchema, "PORT").pipe(Config.withDefault(8080)),
  host: Config.String("SYNCFLOW_HOST").pipe(Config.withDefault("0.0.0.0")),
  dataDir: Config.String("SYNCFLOW_DATA_DIR").pipe(Config.withDefault("./.data")),
  databaseUrl: Config.option(Config.Redacted("DATABASE_URL")),
  apiKey: Config.option(Config.Redacted("SYNCFLOW_API_KEY")),
  jwtSecret: Config.option(Config.Redacted("SYNCFLOW_JWT_SECRET")),
  secretKey: Config.option(Config.Redacted("SYNCFLOW_SECRET_KEY")),
  publicUrl: Config.option(Config.String("SYNCFLOW_PUBLIC_URL")),
  scheduler: Config.Boolean("SYNCFLOW_SCHEDULER").pipe(Config.withDefault(true)),
  healthTtlSeconds: Config.schema(
    Schema.Int.check(Schema.isGreaterThanOrEqualTo(0)),
    "SYNCFLOW_HEALTH_TTL_SECONDS"
  ).pipe(Config.withDefault(30)),
  logFormat: Config.Literals(["json", "pretty"], "SYNCFLOW_LOG_FORMAT").pipe(Config.withDefault("json" as const)),
  retentionDays: Config.schema(Schema.Int.check(Schema.isGreaterThan(0)), "SYNCFLOW_RETENTION_DAYS").pipe(
    Config.withDefault(30)
  ),
  runner: Config.all({
    enabled: Config.Boolean("SYNCFLOW_RUNNER").pipe(Config.withDefault(false)),
    host: Config.String("SYNCFLOW_RUNNER_HOST").pipe(Config.withDefault("localhost")),
    port: Config.schema(portSchema, "SYNCFLOW_RUNNER_PORT").pipe(Config.withDefault(34431)),
    listenHost: Config.option(Config.String("SYNCFLOW_RUNNER_LISTEN_HOST"))
  }),
  redisUrl: Config.option(Config.Redacted("REDIS_URL")),
  n8nUrl: Config.option(Config.String("SYNCFLOW_N8N_URL")),
  n8nApiKey: Config.option(Config.Redacted("SYNCFLOW_N8N_API_KEY"))
})

/** An empty secret in the environment means "unset" (e.g. `DATABASE_URL=` in a `.env`). */
const nonEmpty = (value: Option.Option<Redacted.Redacted<string>>): Option.Option<Redacted.Redacted<string>> =>
  Option.filter(value, (secret) => Redacted.value(secret).trim() !== "")

/** The runner settings: the environment's, turned on by `--runner` too, with the runner flags winning. */
const runnerSettings = (env: RunnerEnv, overrides: SettingsOverrides): Option.Option<RunnerSettings> =>
  env.enabled || overrides.runner === true
    ? Option.some({
        host: Option.getOrElse(overrides.runnerHost ?? Option.none(), () => env.host),
        port: Option.getOrElse(overrides.runnerPort ?? Option.none(), () => env.port),
        listenHost: env.listenHost
      })
    : Option.none()

/** The settings: the environment, then the flags. The data directory is made absolute. */
export const loadSettings = Effect.fnUntraced(function* (overrides: SettingsOverrides = {}) {
  const { n8nUrl, n8nApiKey, ...env } = yield* settingsConfig
  const n8nKey = nonEmpty(n8nApiKey)
  const settings: ServerSettings = {
    ...env,
    ...(Option.isSome(n8nUrl) && n8nUrl.value.trim() !== "" && Option.isSome(n8nKey)
      ? { n8n: { baseUrl: n8nUrl.value.trim(), apiKey: n8nKey.value } }
      : {}),
    apiKey: nonEmpty(env.apiKey),
    jwtSecret: nonEmpty(env.jwtSecret),
    secretKey: nonEmpty(env.secretKey),
    port: Option.getOrElse(overrides.port ?? Option.none(), () => env.port),
    dataDir: resolve(Option.getOrElse(overrides.dataDir ?? Option.none(), () => env.dataDir)),
    databaseUrl: nonEmpty(Option.orElse(overrides.databaseUrl ?? Option.none(), () => env.databaseUrl)),
    runner: runnerSettings(env.runner, overrides),
    redisUrl: nonEmpty(env.redisUrl)
  }
  return settings
})

/** The settings of this process. */
export class ServerConfig extends Context.Service<ServerConfig, ServerSettings>()("@syncflow/server/ServerConfig") {
  /** The settings from the environment and the given flag values. */
  static readonly layer = (overrides: SettingsOverrides = {}): Layer.Layer<ServerConfig, Config.ConfigError> =>
    Layer.effect(ServerConfig, loadSettings(overrides))
}
