/**
 * A row on which a compiled expression could not produce a value (division by zero, a value of the
 * wrong type, an input or result over the size bounds). A value, never a thrown error: the caller
 * turns it into a failed record naming the expression and the values it read.
 */
import { Schema } from "effect"

/** Why one row's evaluation produced no value. */
export class ExpressionFailure extends Schema.Class<ExpressionFailure>("ExpressionFailure")({
  /** The expression as written. */
  expression: Schema.String,
  /**
   * A short code: the evaluator's (`division_by_zero`, `no_such_overload`, `no_such_key`, ...) or
   * `InputTooLarge`, `ResultTooLarge`, `UnsupportedResult`, `NotABoolean`.
   */
  reason: Schema.String,
  message: Schema.String,
  /** 0-based character offset in `expression` of the failing part, when known. */
  position: Schema.optional(Schema.Int),
  /** The row's values of the variables the expression reads (the values it failed on). */
  inputs: Schema.Record(Schema.String, Schema.Unknown)
}) {}
