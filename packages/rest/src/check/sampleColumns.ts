/**
 * Column types inferred from sampled records, for streams whose document declares none: what
 * `syncflow sources check` shows before the first sync. Integers, decimals, booleans, ISO dates and
 * date-times are recognised; mixed values widen (integer and decimal to decimal, anything else to
 * string, or JSON for objects and arrays); a field missing or null in some record is nullable.
 */
import type { ColumnManifest, ColumnType, SourceRecord } from "@syncflow/adapter-core"

const DATE = /^\d{4}-\d{2}-\d{2}$/
const DATE_TIME = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/

const typeOf = (value: unknown): ColumnType => {
  if (typeof value === "boolean") return "boolean"
  if (typeof value === "number") return Number.isInteger(value) ? "integer" : "decimal"
  if (typeof value === "string") return DATE.test(value) ? "date" : DATE_TIME.test(value) ? "timestamp" : "string"
  return "json"
}

const widen = (a: ColumnType, b: ColumnType): ColumnType => {
  if (a === b) return a
  const numeric = new Set<ColumnType>(["integer", "decimal"])
  if (numeric.has(a) && numeric.has(b)) return "decimal"
  const temporal = new Set<ColumnType>(["date", "timestamp"])
  if (temporal.has(a) && temporal.has(b)) return "timestamp"
  return a === "json" || b === "json" ? "json" : "string"
}

/** The columns of sampled records, in order of first appearance; `primaryKey` fields are the business key. */
export const sampleColumns = (
  records: ReadonlyArray<SourceRecord>,
  primaryKey: ReadonlyArray<string>
): ReadonlyArray<ColumnManifest> => {
  const seen = new Map<string, { type: ColumnType | undefined; nullable: boolean; count: number }>()
  for (const record of records) {
    for (const [name, value] of Object.entries(record)) {
      const column = seen.get(name) ?? { type: undefined, nullable: false, count: 0 }
      column.count += 1
      if (value === null || value === undefined) column.nullable = true
      else column.type = column.type === undefined ? typeOf(value) : widen(column.type, typeOf(value))
      seen.set(name, column)
    }
  }
  const key = new Set(primaryKey)
  return Array.from(seen, ([name, column]) => ({
    name,
    type: column.type ?? "string",
    nullable: !key.has(name) && (column.nullable || column.count < records.length),
    businessKey: key.has(name)
  }))
}
