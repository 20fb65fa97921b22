/**
 * A per-field problem found by a stage: which field, which step, why, and the offending value.
 */
import { Schema } from "effect"

/** Why a field's value was rejected. */
export const IssueReason = Schema.Literals([
  /** The value's JavaScript type cannot represent the column's type (e.g. an object for a VARCHAR2). */
  "TypeMismatch",
  /** Not one of the accepted boolean spellings. */
  "InvalidBoolean",
  /** Text that is not a number in any accepted format. */
  "InvalidNumber",
  /** A fraction in an integer column. */
  "NotAnInteger",
  /** More digits than the column's precision allows, or an absurd exponent. */
  "NumericOverflow",
  /** Text that is not a date or date-time in any accepted format, or an impossible date. */
  "InvalidDateTime",
  /** A date-time outside years 0001-9999. */
  "DateTimeOutOfRange",
  /** A time of day other than midnight in a date column. */
  "DateHasTime",
  /** Not valid base64 (RAW / binary columns), or more bytes than the column allows. */
  "InvalidBinary",
  /** Text of a JSON column that is not valid JSON. */
  "InvalidJson",
  /** Longer than the column's declared length. */
  "TooLong",
  /** A required or non-nullable field that is null or missing. */
  "Required",
  /** A business-key field that is null or missing. */
  "MissingBusinessKey",
  /** A value that the destination's column cannot take. */
  "Unmappable",
  /**
   * A value the table's existing column cannot store: the source changed the column's type (e.g. a
   * `NUMBER` became `VARCHAR2`) and the column keeps its type (e.g. `"N/A"` for a `numeric` column).
   */
  "UnstorableValue",
  /** A sync definition's ETL step could not handle the row (an expression failed, a value did not fit). */
  "EtlStepFailed",
  /** A mapping's expression (`calculate`, `custom`) failed on the record: its message names the expression. */
  "ExpressionFailed",
  /** A mapping's `format` or `lookup` could not transform the value. */
  "TransformFailed"
])
/** Why a field's value was rejected. */
export type IssueReason = typeof IssueReason.Type

/** The step that found an issue: a normalizer layer or a later stage. */
export const IssueStep = Schema.Literals([
  "coerceType",
  "cleanStrings",
  "parseNumerics",
  "normalizeDateTimes",
  "mapFields",
  "transform",
  "validate",
  "map",
  "identity",
  "ingest",
  "etl"
])
/** The step that found an issue. */
export type IssueStep = typeof IssueStep.Type

/** A per-field problem: the record goes to failed records with every issue it has. */
export class FieldIssue extends Schema.Class<FieldIssue>("FieldIssue")({
  /** The field's name as the step saw it (source name in Normalize, logical name later, column name in Map). */
  field: Schema.String,
  step: IssueStep,
  reason: IssueReason,
  message: Schema.String,
  /** The value the step was given. */
  value: Schema.Unknown
}) {}
