/**
 * The `syncflow` entry point: `node packages/server/src/bin.ts <command>` (`pnpm start` runs
 * `serve`). See `syncflow --help`. A command that cannot do what was asked (bad input, missing or
 * wrong configuration, PostgreSQL that will not start) prints why on stderr and exits 1 (75 for
 * `syncflow sync` when another sync of an entity holds its lease).
 */
import { NodeRuntime, NodeServices } from "@effect/platform-node"
import { Console, Effect, Predicate } from "effect"
import { run } from "./cli/Cli.ts"

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
  Effect.provide(NodeServices.layer),
  NodeRuntime.runMain
)
