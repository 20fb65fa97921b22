/**
 * Rows of an API whose names are normalized, as source records keyed by the identifiers: each
 * declared column's field under its identifier (`PART_NO` -> `part_no`), and each field the
 * metadata does not declare under its own identifier when no declared column has it (otherwise
 * under its name as sent, for the engine to report; a declared column's value always wins). A row of an API whose names need nothing passes as
 * `toSourceRecord` makes it.
 */
import type { SourceRecord } from "@syncflow/adapter-core"
import { Result } from "effect"
import type { DataRow } from "../endpoints/ListData.ts"
import type { ApiNames } from "../naming/ApiNames.ts"
import { identifierOf } from "../naming/identifierOf.ts"
import { ORACLE_KEYS_FIELD, ROW_VERSION_FIELD, toSourceRecord } from "./ApiSmithRecord.ts"

/** Sets an own property, `__proto__` included (assignment would set the prototype instead). */
const setOwn = (target: Record<string, unknown>, key: string, value: unknown): void => {
  if (key === "__proto__")
    Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true })
  else target[key] = value
}

/** The function from an API's rows to source records keyed by the API's identifiers. */
export const namedSourceRecord = (names: ApiNames): ((row: DataRow) => SourceRecord) => {
  const targets = new Map<string, string>(names.columns)
  const declared = new Set(names.columns.values())
  /** The field's identifier: the declared column's, else its own when it is not a declared one's. */
  const targetOf = (key: string): string => {
    let target = targets.get(key)
    if (target === undefined) {
      const identifier = identifierOf("column", key)
      target = Result.isSuccess(identifier) && !declared.has(identifier.success) ? identifier.success : key
      targets.set(key, target)
    }
    return target
  }
  return (row) => {
    const data = row.data
    let renames = false
    for (const key in data) {
      if (targetOf(key) !== key) {
        renames = true
        break
      }
    }
    if (!renames) return toSourceRecord(row)
    const record: Record<string, unknown> = {}
    for (const key in data) {
      const target = targetOf(key)
      if (names.columns.has(key)) setOwn(record, target, data[key])
      // An undeclared field never overwrites: a taken identifier leaves it under the name it was sent with.
      else if (!Object.hasOwn(record, target)) setOwn(record, target, data[key])
      else if (!Object.hasOwn(record, key)) setOwn(record, key, data[key])
    }
    record[ROW_VERSION_FIELD] = row.row_version
    record[ORACLE_KEYS_FIELD] = row.oracle_keys
    return record
  }
}
