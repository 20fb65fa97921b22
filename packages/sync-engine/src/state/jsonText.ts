/**
 * JSON text for the `jsonb` columns of the StateStore (rows kept for failed records and pending
 * children): bigints become decimal strings and bytes hex strings (forms the destination accepts
 * back), `undefined` is SQL `NULL`.
 */
import * as Hex from "effect/encoding/Hex"

const replacer = (_key: string, value: unknown): unknown => {
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
