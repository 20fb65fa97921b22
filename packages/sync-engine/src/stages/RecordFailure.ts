/**
 * A record that a stage rejected, with everything the failed-records table keeps: the stage, the
 * error type, a message, the per-field issues and the record's raw / normalized / mapped data.
 */
import { Schema } from "effect"
import { FieldIssue } from "./FieldIssue.ts"
import type { Row, SourceRecord } from "./Row.ts"

/**
 * The pipeline stage that rejected a record (the `stage` column of failed records). `ingest`: a
 * value the table's existing column cannot store (its type changed upstream). `transform`: a
 * definition's field mapping (an expression, format or lookup) failed on the record.
 */
export const FailedStage = Schema.Literals(["normalize", "validate", "transform", "map", "identity", "etl", "ingest"])
/** The pipeline stage that rejected a record. */
export type FailedStage = typeof FailedStage.Type

const Data = Schema.Record(Schema.String, Schema.Unknown)

/** A rejected record. `errorType` is the first issue's reason; `message` lists every issue. */
export class RecordFailure extends Schema.Class<RecordFailure>("RecordFailure")({
  stage: FailedStage,
  errorType: Schema.String,
  message: Schema.String,
  issues: Schema.Array(FieldIssue),
  /** The record as the source gave it. */
  raw: Data,
  /** The clean record, when the record got past Normalize (or as far as Normalize got). */
  normalized: Schema.optional(Data),
  /** The destination row, when the record got past Map. */
  mapped: Schema.optional(Data),
  /** The record's position in the chunk the stage was given. */
  index: Schema.Int
}) {}

/** Builds a {@link RecordFailure} from a non-empty list of issues. */
export const recordFailure = (
  stage: FailedStage,
  issues: ReadonlyArray<FieldIssue>,
  data: { readonly raw: SourceRecord; readonly normalized?: Row; readonly mapped?: Row; readonly index: number }
): RecordFailure =>
  new RecordFailure(
    {
      stage,
      errorType: issues[0]?.reason ?? "Unknown",
      message: issues.map((issue) => `${issue.field}: ${issue.message}`).join("; "),
      issues,
      raw: data.raw,
      ...(data.normalized === undefined ? {} : { normalized: data.normalized }),
      ...(data.mapped === undefined ? {} : { mapped: data.mapped }),
      index: data.index
    },
    { disableChecks: true }
  )
