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
  /**
   * What to do with the rows of one shape (their field names, in order): whether any field is
   * renamed, and the writes that build the record (target identifier, source field), in order.
   * The choices depend only on the names, so a shape is worked out once and replayed for each row
   * that has it (a page's rows share one).
   */
  let shapeKeys: ReadonlyArray<string> = []
  let shapeWrites: ReadonlyArray<readonly [string, string]> | undefined
  const writesOf = (data: Readonly<Record<string, unknown>>): ReadonlyArray<readonly [string, string]> | undefined => {
    let i = 0
    let same = true
    for (const key in data) {
      if (shapeKeys[i] !== key) {
        same = false
        break
      }
      i++
    }
    if (same && i === shapeKeys.length) return shapeWrites
    const keys: Array<string> = []
    let renames = false
    for (const key in data) {
      keys.push(key)
      if (targetOf(key) !== key) renames = true
    }
    let writes: Array<readonly [string, string]> | undefined
    if (renames) {
      writes = []
      const taken = new Set<string>()
      for (const key of keys) {
        const target = targetOf(key)
        // An undeclared field never overwrites: a taken identifier leaves it under the name it was sent with.
        const to = names.columns.has(key) || !taken.has(target) ? target : !taken.has(key) ? key : undefined
        if (to === undefined) continue
        taken.add(to)
        writes.push([to, key])
      }
    }
    shapeKeys = keys
    shapeWrites = writes
    return writes
  }
  return (row) => {
    const data = row.data
    const writes = writesOf(data)
    if (writes === undefined) return toSourceRecord(row)
    const record: Record<string, unknown> = {}
    for (let i = 0; i < writes.length; i++) {
      const [to, from] = writes[i] as readonly [string, string]
      setOwn(record, to, data[from])
    }
    record[ROW_VERSION_FIELD] = row.row_version
    record[ORACLE_KEYS_FIELD] = row.oracle_keys
    return record
  }
}
