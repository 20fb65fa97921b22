/**
 * The `syncflow` root command and its shared flags (`--data-dir`, `--database-url`),
 * and how a subcommand gets the core services: the same configuration as the server (environment,
 * then flags), talking to the database directly. Without `DATABASE_URL`, beside a running `syncflow
 * serve` on the same data directory, it connects to that server's embedded PostgreSQL; otherwise it
 * starts the embedded PostgreSQL itself for the life of the command.
 */
import { type Config, Effect, Layer } from "effect"
import { Command, Flag } from "effect/cli"
import { loadSettings, ServerConfig, type SettingsOverrides } from "../config/ServerConfig.ts"
import { JoinRunningEmbedded } from "../database/Database.ts"
import { loggerLayer } from "../observability/Observability.ts"
import { type CoreServices, type CoreStartupError, coreLayer } from "../wiring/core.ts"

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

/** Runs a command's effect on the core services (logs on stderr; quieten them with `--log-level warn`). */
export const withCore = <A, E, R>(
  effect: Effect.Effect<A, E, R>
): Effect.Effect<
  A,
  E | CoreStartupError | Config.ConfigError,
  Exclude<R, CoreServices | ServerConfig> | Command.CommandContext<"syncflow">
> =>
  Effect.gen(function* () {
    const settings = yield* cliSettings()
    return yield* effect.pipe(
      Effect.provide(coreLayer.pipe(Layer.provideMerge(Layer.succeed(ServerConfig, settings)))),
      Effect.provide(loggerLayer(settings)),
      Effect.provideService(JoinRunningEmbedded, true)
    )
  })
