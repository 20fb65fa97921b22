/**
 * Whether a row's values fit the columns its table HAS (not the ones the manifest asks for): after
 * the source changes a column's type (a `NUMBER` that became `VARCHAR2`), rows carry values of the
 * new type into a column that keeps the old one, and a value it cannot hold (`"N/A"` in a `numeric`
 * column) would fail the statement of its whole chunk. Checked before the rows are written, such a
 * row goes to the failed records instead, with its column and the reason.
 *
 * The check uses the column's encoding (the same conversion the upsert runs) and, for
 * `numeric(p,s)`, the digits left of the point (PostgreSQL rounds extra fraction digits but refuses
 * a value of more than `p - s` integer digits).
 */

import { Rejected } from "./ColumnEncoding.ts"
import type { IngestRow } from "./TableDestination.ts"
import type { PlannedColumn, TablePlan } from "./TablePlan.ts"

/** A value a column cannot store: which column, and why. */
export interface UnstorableValue {
  readonly column: string
  /** The column's type in the table, e.g. `numeric(10,2)`. */
  readonly columnType: string
  readonly detail: string
}

/** The first value of a row its table cannot store, or `undefined` when all fit. */
export type RowCheck = (row: IngestRow) => UnstorableValue | undefined

const numericPrecision = /^numeric\((\d+),(\d+)\)$/

/** The largest number of integer digits a `numeric(p,s)` column holds; `undefined` when unbounded. */
const integerDigitsOf = (type: string): number | undefined => {
  const match = numericPrecision.exec(type)
  return match === null ? undefined : Number(match[1]) - Number(match[2])
}

/** How many digits a decimal has left of its point (0 for `0.5`). */
const integerDigits = (converted: unknown): number => {
  const text = String(converted)
  if (/[eE]/.test(text)) {
    const magnitude = Math.abs(Number(text))
    return magnitude < 1 ? 0 : Math.floor(Math.log10(magnitude)) + 1
  }
  const whole = text.replace(/^[+-]/, "").split(".")[0] ?? ""
  return whole.replace(/^0+/, "").length
}

/** Why one value does not fit its column, or `undefined` when it does. */
const unfit = (column: PlannedColumn, maxDigits: number | undefined, value: unknown): string | undefined => {
  const converted = column.encoding.convert(value)
  if (converted instanceof Rejected) return converted.detail
  if (maxDigits !== undefined && integerDigits(converted) > maxDigits) {
    return `${JSON.stringify(String(value))} has more than ${maxDigits} digits before the decimal point`
  }
  return undefined
}

/**
 * The check of rows against `plan`'s columns named in `names` (all of the table's when absent).
 * Names the table does not have are skipped (the upsert reports them).
 */
export const rowCheckFor = (plan: TablePlan, names: ReadonlyArray<string> | undefined): RowCheck => {
  const columns = (names === undefined ? [...plan.columns.values()] : names.map((name) => plan.columns.get(name)))
    .filter((column): column is PlannedColumn => column !== undefined)
    .map((column) => ({
      column,
      maxDigits: column.encoding.kind === "numeric" ? integerDigitsOf(column.type) : undefined
    }))
  return (row) => {
    for (const { column, maxDigits } of columns) {
      const value = row[column.name]
      if (value === null || value === undefined) continue
      const detail = unfit(column, maxDigits, value)
      if (detail !== undefined) return { column: column.name, columnType: column.type, detail }
    }
    return undefined
  }
}
