/**
 * A command that could not do what was asked: its message is printed and the exit code is 1, or
 * the failure's own (`syncflow sync` exits 75 when another sync holds an entity's lease).
 */
import { Schema } from "effect"

/** The exit code of `syncflow sync` when another sync of an entity is running (EX_TEMPFAIL: try again later). */
export const entityBusyExitCode = 75

/** A failed command, with the message to print and the exit code (1 when absent). */
export class CliFailure extends Schema.TaggedError<CliFailure>()("CliFailure", {
  message: Schema.String,
  exitCode: Schema.optional(Schema.Number)
}) {}
