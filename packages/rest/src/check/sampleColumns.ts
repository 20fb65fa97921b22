/**
 * Column types inferred from sampled records, for the fields a stream's document declares no type
 * for: what `syncflow sources check` shows before the first sync and the columns the sync creates.
 * Integers, decimals, booleans, ISO dates and date-times are recognised; mixed values widen
 * (integer and decimal to decimal, anything else to string, or JSON for objects and arrays). A
 * sample cannot show that a field is never null: every column but the primary key is nullable.
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
  const seen = new Map<string, ColumnType | undefined>()
  for (const record of records) {
    for (const [name, value] of Object.entries(record)) {
      const type = seen.get(name)
      if (value === null || value === undefined) seen.set(name, type)
      else seen.set(name, type === undefined ? typeOf(value) : widen(type, typeOf(value)))
    }
  }
  const key = new Set(primaryKey)
  return Array.from(seen, ([name, type]) => ({
    name,
    type: type ?? "string",
    nullable: !key.has(name),
    businessKey: key.has(name)
  }))
}
