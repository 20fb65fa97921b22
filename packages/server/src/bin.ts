/**
 * The `syncflow` entry point: `node packages/server/src/bin.ts <command>` (`pnpm start` runs
 * `serve`). See `syncflow --help`. A command that cannot do what was asked (bad input, missing or
 * wrong configuration, PostgreSQL that will not start or cannot be reached) prints why on stderr,
 * in one line, and exits 1 (75 for `syncflow sync` when another sync of an entity holds its lease).
 * Only a defect (a bug) prints a stack trace.
 */
import { NodeRuntime, NodeServices } from "@effect/platform-node"
import { Console, Effect, Predicate } from "effect"
import { CliError } from "effect/cli"
import { run } from "./cli/Cli.ts"
import { describeFailure } from "./describeFailure.ts"

/** Failures that are the user's to fix: their message says how, a stack trace would not help. */
const userFailures = new Set(["CliFailure", "ConfigurationError", "SecretKeyError", "EmbeddedPostgresError"])

const isUserFailure = (error: unknown): error is { readonly _tag: string; readonly message: string } =>
  Predicate.isTagged(error, "CliFailure") ||
  (Predicate.hasProperty(error, "_tag") &&
    typeof error._tag === "string" &&
    userFailures.has(error._tag) &&
    Predicate.hasProperty(error, "message") &&
    typeof error.message === "string")

run.pipe(
  Effect.catchIf(isUserFailure, (failure) =>
    Console.error(`syncflow: ${failure.message}`).pipe(
      Effect.andThen(
        Effect.sync(() => {
          process.exitCode =
            Predicate.hasProperty(failure, "exitCode") && typeof failure.exitCode === "number" ? failure.exitCode : 1
        })
      )
    )
  ),
  // Any other failure (the database unreachable, a bad configuration value): one line naming the cause.
  // The CLI's own errors (unknown flag, missing argument) were already printed with the help.
  Effect.catchIf(
    (error) => !CliError.isCliError(error),
    (failure) =>
      Console.error(`syncflow: ${describeFailure(failure, process.env.DATABASE_URL)}`).pipe(
        Effect.andThen(
          Effect.sync(() => {
            process.exitCode = 1
          })
        )
      )
  ),
  Effect.provide(NodeServices.layer),
  NodeRuntime.runMain
)
