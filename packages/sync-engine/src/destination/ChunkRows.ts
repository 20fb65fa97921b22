/**
 * Preparing a chunk of rows for writing, whatever carries them to PostgreSQL (unnest arrays or
 * COPY): folding repeated business keys (the last row wins), finding the chunk's column fields,
 * resolving them against the table plan, and checking the identity fields.
 */
import { Result } from "effect"
import { InvalidValue } from "./DestinationError.ts"
import type { IngestRow } from "./TableDestination.ts"
import type { PlannedColumn, TablePlan } from "./TablePlan.ts"

/** The fields of a row that are its identity rather than its columns. */
export const identityFields: ReadonlySet<string> = new Set(["_bk_hash", "_data_hash", "_row_version"])

/** The identity fields, in the order they are written after the columns. */
export type IdentityField = "_bk_hash" | "_data_hash" | "_row_version"

/** A chunk with repeated business keys folded: the rows kept, and their positions in the input. */
export interface UniqueRows {
  readonly rows: ReadonlyArray<IngestRow>
  /** The input position of each kept row, or `undefined` when no row was dropped. */
  readonly positions: ReadonlyArray<number> | undefined
}

/** Keeps the last row of each business key, with the rows' positions in the input when any were dropped. */
export const dedupe = (rows: ReadonlyArray<IngestRow>): UniqueRows => {
  const keys = new Set<unknown>()
  for (let i = 0; i < rows.length; i++) keys.add(rows[i]!._bk_hash)
  if (keys.size === rows.length) return { rows, positions: undefined }
  const last = new Map<unknown, number>()
  for (let i = 0; i < rows.length; i++) last.set(rows[i]!._bk_hash, i)
  const unique: Array<IngestRow> = []
  const positions: Array<number> = []
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i]!
    if (last.get(row._bk_hash) === i) {
      unique.push(row)
      positions.push(i)
    }
  }
  return { rows: unique, positions }
}

/**
 * The column fields of a chunk: the union of its rows' fields (a mapper that omits null fields gives
 * rows of different shapes), found cheaply when rows share the first row's field order.
 */
export const fieldNames = (rows: ReadonlyArray<IngestRow>): ReadonlyArray<string> => {
  const shape = Object.keys(rows[0]!)
  let known: Set<string> | undefined
  for (let i = 1; i < rows.length; i++) {
    const row = rows[i]!
    let k = 0
    for (const key in row) {
      if (key !== shape[k]) {
        known ??= new Set(shape)
        if (!known.has(key)) {
          known.add(key)
          shape.push(key)
        }
      }
      k++
    }
  }
  return shape.filter((name) => !identityFields.has(name))
}

/** The planned columns of `names`, or the first name that is not a writable column. */
export const resolveColumns = (
  plan: TablePlan,
  names: ReadonlyArray<string>
): Result.Result<ReadonlyArray<PlannedColumn>, string> => {
  const columns: Array<PlannedColumn> = []
  for (const name of names) {
    const column = plan.columns.get(name)
    if (column === undefined) return Result.fail(name)
    columns.push(column)
  }
  return Result.succeed(columns)
}

/**
 * One identity value, checked: the hashes must be non-empty strings; the row version may also be
 * absent (`null`) or a number. `undefined` means the value is not acceptable.
 */
export const identityValue = (field: IdentityField, value: unknown): string | null | undefined => {
  if (typeof value === "string" && value.length > 0) return value
  if (field !== "_row_version") return undefined
  if (value === null || value === undefined) return null
  if (typeof value === "number" || typeof value === "bigint") return String(value)
  return undefined
}

/** The failure of an identity value {@link identityValue} refused. */
export const invalidIdentity = (field: IdentityField, row: number): InvalidValue =>
  new InvalidValue({ column: field, row, detail: "expected a non-empty string" })

/** The values of a chunk's identity field, rejecting values that are not (non-empty) strings. */
export const identityArray = (
  rows: ReadonlyArray<IngestRow>,
  field: IdentityField,
  position: (index: number) => number
): Result.Result<Array<string | null>, InvalidValue> => {
  const values: Array<string | null> = new Array(rows.length)
  for (let i = 0; i < rows.length; i++) {
    const value = identityValue(field, rows[i]![field])
    if (value === undefined) return Result.fail(invalidIdentity(field, position(i)))
    values[i] = value
  }
  return Result.succeed(values)
}
