/**
 * Rows in PostgreSQL's COPY text format (`COPY ... FROM STDIN`, the default format): one line per
 * row, fields separated by tabs, `\N` for NULL, and backslash, tab, newline and carriage return
 * escaped with a backslash, so an empty string and NULL stay distinct and a value can hold any of
 * them. Values are converted by the same {@link ColumnEncoding} as the unnest path (so they are
 * checked the same way) and then written as PostgreSQL's input syntax of the column's type:
 * numbers and decimals as their digits, booleans as `t`/`f`, `Date`s as ISO 8601 UTC, ISO strings
 * as given (microseconds kept), JSON as its text, bytes as `\x` hex.
 *
 * The rows of a chunk are encoded in batches of about `batchBytes`, one at a time as COPY asks for
 * them, so a chunk is never held as one big string.
 */

import { identityValue, invalidIdentity } from "./ChunkRows.ts"
import { Rejected } from "./ColumnEncoding.ts"
import { InvalidValue } from "./DestinationError.ts"
import type { IngestRow } from "./TableDestination.ts"
import type { PlannedColumn } from "./TablePlan.ts"

/** What COPY reads as NULL. */
const nullField = "\\N"

const needsEscape = /[\\\t\n\r]/
const escapable = /[\\\t\n\r]/g

const escapeChar = (char: string): string => {
  switch (char) {
    case "\\":
      return "\\\\"
    case "\t":
      return "\\t"
    case "\n":
      return "\\n"
    default:
      return "\\r"
  }
}

/** A string as a COPY text field: backslash, tab, newline and carriage return escaped. */
export const escapeField = (value: string): string =>
  needsEscape.test(value) ? value.replace(escapable, escapeChar) : value

/**
 * A converted value (what a column encoding's `convert` returned) as a COPY text field. Strings
 * are escaped unless the encoding only produces digits, signs and dashes (decimals, dates).
 */
export const fieldText = (converted: unknown, escaped: boolean): string | Rejected => {
  if (typeof converted === "string") return escaped ? escapeField(converted) : converted
  if (typeof converted === "number" || typeof converted === "bigint") return String(converted)
  if (typeof converted === "boolean") return converted ? "t" : "f"
  if (converted instanceof Date) return converted.toISOString()
  if (converted instanceof Uint8Array) {
    // `\x` hex input, its backslash escaped for COPY.
    return `\\\\x${Buffer.from(converted.buffer, converted.byteOffset, converted.byteLength).toString("hex")}`
  }
  return new Rejected("cannot be written with COPY")
}

/** Whether a column's converted strings may hold characters COPY needs escaped. */
const escapes = (column: PlannedColumn): boolean =>
  column.encoding.kind !== "numeric" && column.encoding.kind !== "date"

/** Batches of COPY text for a chunk of rows; `next` gives the next batch, an invalid value, or `undefined` at the end. */
export interface CopyBatches {
  readonly next: () => Uint8Array | InvalidValue | undefined
  /** Rows encoded so far. */
  readonly encoded: () => number
}

/**
 * Encodes `rows` for `COPY <staging> (<columns>, _bk_hash, _data_hash, _row_version) FROM STDIN`.
 * `position` maps a row's index in `rows` to its position in the caller's chunk (for errors).
 */
export const copyBatches = (
  rows: ReadonlyArray<IngestRow>,
  columns: ReadonlyArray<PlannedColumn>,
  position: (index: number) => number,
  batchBytes = 256 * 1024
): CopyBatches => {
  const names = columns.map((column) => column.name)
  const converts = columns.map((column) => column.encoding.convert)
  const escaped = columns.map(escapes)
  const texts = columns.map((column) => column.encoding.kind === "text")
  const width = columns.length
  let index = 0

  /** One row's line, or why it cannot be written. */
  const line = (row: IngestRow, at: number): string | InvalidValue => {
    let text = ""
    for (let c = 0; c < width; c++) {
      const value = row[names[c]!]
      if (value === null || value === undefined) {
        text += `${nullField}\t`
        continue
      }
      // Text as text, the common case: nothing to escape and no NUL (which text cannot hold).
      if (texts[c] && typeof value === "string" && !needsEscape.test(value) && !value.includes("\u0000")) {
        text += `${value}\t`
        continue
      }
      const converted = converts[c]!(value)
      const field = converted instanceof Rejected ? converted : fieldText(converted, escaped[c]!)
      if (field instanceof Rejected)
        return new InvalidValue({ column: names[c]!, row: position(at), detail: field.detail })
      text += `${field}\t`
    }
    const bk = identityValue("_bk_hash", row._bk_hash)
    if (bk === undefined || bk === null) return invalidIdentity("_bk_hash", position(at))
    const data = identityValue("_data_hash", row._data_hash)
    if (data === undefined || data === null) return invalidIdentity("_data_hash", position(at))
    const version = identityValue("_row_version", row._row_version)
    if (version === undefined) return invalidIdentity("_row_version", position(at))
    return `${text}${escapeField(bk)}\t${escapeField(data)}\t${version === null ? nullField : escapeField(version)}\n`
  }

  const next = (): Uint8Array | InvalidValue | undefined => {
    if (index >= rows.length) return undefined
    // Characters, not bytes: non-ASCII text makes a batch somewhat larger, which is harmless.
    let batch = ""
    while (index < rows.length && batch.length < batchBytes) {
      const text = line(rows[index]!, index)
      if (typeof text !== "string") return text
      batch += text
      index++
    }
    return Buffer.from(batch, "utf8")
  }

  return { next, encoded: () => index }
}
