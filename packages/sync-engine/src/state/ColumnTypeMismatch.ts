/**
 * A column whose type in the table differs from the type the source now declares (schema drift):
 * recorded on the run that found it and on its entity (`type_mismatches`), shown by the admin API
 * and counted by the `syncflow_type_mismatches` metric. SyncFlow never retypes a column: values the
 * old type cannot store go to the failed records (stage `ingest`).
 */
import { Schema } from "effect"

/** A column whose stored type differs from the manifest's. */
export const ColumnTypeMismatch = Schema.Struct({
  column: Schema.String,
  /** The type the source's column maps to now, e.g. `text`. */
  expected: Schema.String,
  /** The column's type in the table, e.g. `numeric`. */
  actual: Schema.String
})
/** A column whose stored type differs from the manifest's. */
export type ColumnTypeMismatch = typeof ColumnTypeMismatch.Type
