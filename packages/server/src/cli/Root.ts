/**
 * The `syncflow` root command and its shared flags (`--data-dir`, `--database-url`),
 * and how a subcommand gets the core services: the same configuration as the server (environment,
 * then flags), talking to the database directly. Without `DATABASE_URL`, beside a running `syncflow
 * serve` on the same data directory, it connects to that server's embedded PostgreSQL; otherwise it
 * starts the embedded PostgreSQL itself for the life of the command.
 */
import { Effect, Layer, Predicate } from "effect"
import { Command, Flag } from "effect/cli"
import { loadSettings, ServerConfig, type SettingsOverrides } from "../config/ServerConfig.ts"
import { JoinRunningEmbedded } from "../database/Database.ts"
import { loggerLayer } from "../observability/Observability.ts"
import { type CoreStartupError, coreLayer } from "../wiring/core.ts"
import { CliFailure } from "./CliFailure.ts"

/** The root command with its shared flags. */
export const syncflow = Command.make("syncflow").pipe(
  Command.withSharedFlags({
    dataDir: Flag.String("data-dir").pipe(
      Flag.withDescription("Data directory (embedded PostgreSQL, generated secrets); env SYNCFLOW_DATA_DIR"),
      Flag.optional
    ),
    databaseUrl: Flag.Redacted("database-url").pipe(
      Flag.withDescription("PostgreSQL URL; env DATABASE_URL; unset: an embedded PostgreSQL in the data directory"),
      Flag.optional
    )
  }),
  Command.withDescription("SyncFlow: sync third-party APIs into PostgreSQL")
)

/** The settings of this invocation: the environment, then the shared flags, then the command's own. */
export const cliSettings = (overrides: Omit<SettingsOverrides, "dataDir" | "databaseUrl"> = {}) =>
  Effect.gen(function* () {
    const flags = yield* syncflow
    return yield* loadSettings({ ...overrides, dataDir: flags.dataDir, databaseUrl: flags.databaseUrl })
  })

/** The deepest message in an error's `cause` chain: what actually went wrong (`connect ECONNREFUSED ...`). */
const rootMessage = (error: unknown): string => {
  let message = String(error)
  let current: unknown = error
  for (let depth = 0; depth < 10 && current !== undefined && current !== null; depth++) {
    if (Predicate.hasProperty(current, "message") && typeof current.message === "string" && current.message !== "") {
      message = current.message
    }
    current = Predicate.hasProperty(current, "cause") ? current.cause : undefined
  }
  return message
}

/**
 * A failure to start the core services as one line: the database's own words for a database that
 * cannot be reached or used (`connect ECONNREFUSED 127.0.0.1:5432`, `database "x" does not exist`);
 * failures that already say what to do (configuration, secrets, embedded PostgreSQL) as they are.
 */
const startupFailure = (error: CoreStartupError): CoreStartupError | CliFailure =>
  error._tag === "ConfigurationError" || error._tag === "SecretKeyError" || error._tag === "EmbeddedPostgresError"
    ? error
    : new CliFailure({ message: `Cannot use the database: ${rootMessage(error)}` })

/**
 * Runs a command's effect on the core services (logs on stderr; quieten them with `--log-level
 * warn`). A database that cannot be reached or used is one line naming the cause, not a stack trace.
 */
export const withCore = <A, E, R>(effect: Effect.Effect<A, E, R>) =>
  Effect.gen(function* () {
    const settings = yield* cliSettings()
    return yield* Effect.gen(function* () {
      const services = yield* Layer.build(
        coreLayer.pipe(Layer.provideMerge(Layer.succeed(ServerConfig, settings)))
      ).pipe(Effect.mapError(startupFailure))
      return yield* Effect.provide(effect, services)
    }).pipe(Effect.scoped, Effect.provide(loggerLayer(settings)), Effect.provideService(JoinRunningEmbedded, true))
  })
