/**
 * Why a destination operation failed: one `DestinationError` with a tagged `reason`, so callers can
 * recover from one kind (`Effect.catchReason("DestinationError", "InvalidValue", ...)`) and let the
 * rest through. Messages name tables, columns and rows, never secrets.
 */
import { Effect, Schema } from "effect"
import type { SqlError } from "effect/sql"

/** The entity's table does not exist (call `ensureEntity` first). */
export class UnknownEntity extends Schema.TaggedError<UnknownEntity>()("UnknownEntity", {
  table: Schema.String
}) {}

/** A table of that name exists but was not created by SyncFlow (no `_bk_hash` column): it is left alone. */
export class ForeignTable extends Schema.TaggedError<ForeignTable>()("ForeignTable", {
  table: Schema.String
}) {}

/** The manifest describes no columns, so there is nothing to create the table from. */
export class MissingColumns extends Schema.TaggedError<MissingColumns>()("MissingColumns", {}) {}

/** A manifest column collides with an audit column (`_bk_hash`, `_deleted`, ...) or another column. */
export class ColumnConflict extends Schema.TaggedError<ColumnConflict>()("ColumnConflict", {
  column: Schema.String,
  detail: Schema.String
}) {}

/** A row carries a field that is not a writable column of the table. */
export class UnknownColumn extends Schema.TaggedError<UnknownColumn>()("UnknownColumn", {
  column: Schema.String
}) {}

/** A row's value does not fit its column (a fraction for a bigint, an object for text, ...). */
export class InvalidValue extends Schema.TaggedError<InvalidValue>()("InvalidValue", {
  column: Schema.String,
  /** The row's position in the chunk passed to the operation. */
  row: Schema.Int,
  detail: Schema.String
}) {}

/** An argument other than a row is malformed (e.g. a run id that is not a UUID). */
export class InvalidArgument extends Schema.TaggedError<InvalidArgument>()("InvalidArgument", {
  argument: Schema.String,
  detail: Schema.String
}) {}

/** PostgreSQL refused the statement or could not be reached. */
export class DatabaseFailure extends Schema.TaggedError<DatabaseFailure>()("DatabaseFailure", {
  operation: Schema.String,
  detail: Schema.String,
  cause: Schema.optional(Schema.Defect())
}) {}

/** A target system's API failed a whole request (after the adapter's retries): its rows are not written. */
export class TargetFailure extends Schema.TaggedError<TargetFailure>()("TargetFailure", {
  operation: Schema.String,
  detail: Schema.String,
  cause: Schema.optional(Schema.Defect())
}) {}

/** Every reason a {@link DestinationError} can have. */
export const DestinationErrorReason = Schema.Union([
  UnknownEntity,
  ForeignTable,
  MissingColumns,
  ColumnConflict,
  UnknownColumn,
  InvalidValue,
  InvalidArgument,
  DatabaseFailure,
  TargetFailure
])
/** Every reason a {@link DestinationError} can have. */
export type DestinationErrorReason = typeof DestinationErrorReason.Type

/** What went wrong, in words. */
const describe = (reason: DestinationErrorReason): string => {
  switch (reason._tag) {
    case "UnknownEntity":
      return `table ${reason.table} does not exist (ensureEntity was not called)`
    case "ForeignTable":
      return `table ${reason.table} exists but was not created by SyncFlow`
    case "MissingColumns":
      return "the manifest describes no columns"
    case "ColumnConflict":
      return `column ${reason.column}: ${reason.detail}`
    case "UnknownColumn":
      return `rows carry ${reason.column}, which is not a writable column of the table`
    case "InvalidValue":
      return `row ${reason.row}, column ${reason.column}: ${reason.detail}`
    case "InvalidArgument":
      return `${reason.argument}: ${reason.detail}`
    case "DatabaseFailure":
      return `${reason.operation} failed: ${reason.detail}`
    case "TargetFailure":
      return `${reason.operation} in the target system failed: ${reason.detail}`
  }
}

/** A destination operation on an entity failed; `reason` says why. */
export class DestinationError extends Schema.TaggedError<DestinationError>()("DestinationError", {
  entity: Schema.String,
  reason: DestinationErrorReason
}) {
  override get message(): string {
    return `${this.entity}: ${describe(this.reason)}`
  }
}

/** Maps a statement's `SqlError` to a `DestinationError` naming the entity and the operation. */
export const databaseFailure =
  (entity: string, operation: string) =>
  <A, R>(effect: Effect.Effect<A, SqlError.SqlError, R>): Effect.Effect<A, DestinationError, R> =>
    Effect.mapError(
      effect,
      (cause) =>
        new DestinationError({ entity, reason: new DatabaseFailure({ operation, detail: cause.message, cause }) })
    )
