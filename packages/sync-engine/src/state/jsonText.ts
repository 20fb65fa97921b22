/**
 * JSON text for the `jsonb` columns of the state stores (rows kept for failed records and pending
 * children): bigints become decimal strings and bytes hex strings (forms the destination accepts
 * back), `undefined` is SQL `NULL`. NUL characters, which `jsonb` cannot hold, are dropped from
 * strings (the normalizer removes them anyway, so a retried record normalizes the same): a record
 * whose raw text carries one is kept rather than failing its window.
 */
import * as Hex from "effect/encoding/Hex"

const replacer = (_key: string, value: unknown): unknown => {
  if (typeof value === "string") return value.includes("\u0000") ? value.replaceAll("\u0000", "") : value
  if (typeof value === "bigint") return value.toString()
  if (value instanceof Uint8Array) return Hex.encode(value)
  return value
}

/** The JSON text of `value`, or `null` for `null`/`undefined` (and values JSON cannot express). */
export const jsonText = (value: unknown): string | null => {
  if (value === null || value === undefined) return null
  const text = JSON.stringify(value, replacer)
  return text === undefined ? null : text
}
