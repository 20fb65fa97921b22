/**
 * The PostgreSQL type of a source column, from its destination-neutral manifest type. Strings are
 * `text` even when the source declares a length: a `varchar(n)` would turn one over-long value into
 * a failed statement for its whole chunk, and lengths are the validate stage's business.
 * The type is written as `format_type` prints it, so an existing column's type compares equal.
 */
import type { ColumnManifest } from "@syncflow/adapter-core"

/** The widest `numeric` precision PostgreSQL accepts. */
const maxNumericPrecision = 1000

/** Integers with more digits than this do not fit a `bigint`: they become `numeric(p,0)`. */
const bigintDigits = 18

const isPrecision = (value: number | undefined): value is number =>
  value !== undefined && Number.isInteger(value) && value >= 1 && value <= maxNumericPrecision

/** The column's PostgreSQL type, in `format_type` spelling (e.g. `numeric(12,2)`, `timestamp with time zone`). */
export const columnSqlType = (column: ColumnManifest): string => {
  switch (column.type) {
    case "string":
      return "text"
    case "integer":
      return isPrecision(column.precision) && column.precision > bigintDigits
        ? `numeric(${column.precision},0)`
        : "bigint"
    case "decimal": {
      if (!isPrecision(column.precision)) return "numeric"
      const scale = column.scale ?? 0
      return Number.isInteger(scale) && scale >= 0 && scale <= column.precision
        ? `numeric(${column.precision},${scale})`
        : "numeric"
    }
    case "boolean":
      return "boolean"
    case "date":
      return "date"
    case "timestamp":
      return "timestamp with time zone"
    case "json":
      return "jsonb"
    case "binary":
      return "bytea"
  }
}
