/**
 * A command that could not do what was asked: its message is printed and the exit code is 1.
 */
import { Schema } from "effect"

/** A failed command, with the message to print. */
export class CliFailure extends Schema.TaggedError<CliFailure>()("CliFailure", { message: Schema.String }) {}
