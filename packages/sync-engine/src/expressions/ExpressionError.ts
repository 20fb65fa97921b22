/**
 * An expression that cannot be compiled: a syntax error, a bound it exceeds or a construct it may
 * not use, with the expression text and the position (0-based character offset) of the fault.
 */
import { Schema } from "effect"

/** An expression refused when it is compiled (never while rows flow). */
export class ExpressionError extends Schema.TaggedError<ExpressionError>()("ExpressionError", {
  /** The expression as written. */
  expression: Schema.String,
  /** 0-based character offset of the fault in `expression`. */
  position: Schema.Int,
  /** A short code: `SyntaxError`, `TooLong`, `TooComplex`, `ForbiddenProperty`, `Forbidden`. */
  reason: Schema.String,
  message: Schema.String
}) {}
