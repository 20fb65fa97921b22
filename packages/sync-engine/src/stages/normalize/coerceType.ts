/**
 * Layer 1 of Normalize: coerce each raw value to the JavaScript representation of its column's type,
 * guided by the declared source type (Oracle semantics).
 *
 * Rules (value in -> value out; anything else is an issue, never an exception):
 * - every type: `null`, `undefined` (missing) -> `null`; `""` -> `null` (Oracle stores '' as NULL;
 *   for `string` columns only when `emptyStringIsNull`, default true).
 * - `string`: text as is; CHAR/NCHAR loses its trailing blank padding (`"PART-1   "` -> `"PART-1"`,
 *   `"   "` -> null, or `""` in a NOT NULL column or when `""` is a value: see layer 2's blank
 *   text); a finite number -> its canonical decimal text; bigint -> digits;
 *   boolean -> `"true"`/`"false"`; objects -> `TypeMismatch`.
 * - `integer`/`decimal`: numbers and text pass to layer 3; bigint -> digits; NaN/Infinity -> `InvalidNumber`.
 * - `boolean`: `true`/`false`; `1`/`0` (number or bigint); text, trimmed and case-insensitive:
 *   `Y`/`YES`/`T`/`TRUE`/`1` -> true, `N`/`NO`/`F`/`FALSE`/`0` -> false, blank -> null.
 * - `date`/`timestamp`: text and `Date` pass to layer 4; numbers -> `TypeMismatch` (an epoch is ambiguous).
 * - `json`: objects, arrays, numbers, booleans as is; text is parsed as JSON (`InvalidJson` if it is not).
 * - `binary` (RAW, BLOB): base64 text (standard or URL-safe, padding optional, white space ignored) or a
 *   `Uint8Array` -> canonical standard base64 with padding; more bytes than RAW(n) -> `InvalidBinary`.
 * - fields the manifest does not declare: only `""` -> null (when `emptyStringIsNull`; layer 2 then makes
 *   blank text null too) and missing -> null.
 */
import { Buffer } from "node:buffer"
import { invalid, showValue } from "../Invalid.ts"
import type { Row } from "../Row.ts"
import { blankIsNull } from "./cleanStrings.ts"
import { formatNumber } from "./Decimal.ts"
import type { FieldType } from "./FieldType.ts"
import type { CoerceOptions } from "./NormalizeOptions.ts"
import { applyLayer, type LayerResult, type Step } from "./Step.ts"

const TRUE = new Set(["Y", "YES", "T", "TRUE", "1"])
const FALSE = new Set(["N", "NO", "F", "FALSE", "0"])

/** Removes Oracle CHAR blank padding (trailing U+0020 only). */
export const stripCharPadding = (s: string): string => {
  let end = s.length
  while (end > 0 && s.charCodeAt(end - 1) === 32) end--
  return end === s.length ? s : s.slice(0, end)
}

/** Parses a boolean spelling (see the module rules); blank text is null. */
export const coerceBoolean = (v: unknown): unknown => {
  if (v == null) return null
  if (typeof v === "boolean") return v
  if (typeof v === "number" || typeof v === "bigint") {
    if (v === 1 || v === 1n) return true
    if (v === 0 || v === 0n) return false
    return invalid("InvalidBoolean", `${showValue(v)} is not a boolean (1 or 0)`)
  }
  if (typeof v === "string") {
    const t = v.trim().toUpperCase()
    if (t === "") return null
    if (TRUE.has(t)) return true
    if (FALSE.has(t)) return false
    return invalid("InvalidBoolean", `${showValue(v)} is not a boolean (Y/N, 1/0, TRUE/FALSE, T/F, YES/NO)`)
  }
  return invalid("TypeMismatch", `expected a boolean, got ${showValue(v)}`)
}

const BASE64 = /^[A-Za-z0-9+/_-]*={0,2}$/
const WHITE = /\s+/g

/** Canonical standard base64 (with padding) of base64 text or bytes; at most `maxBytes` bytes. */
export const coerceBinary = (v: unknown, maxBytes: number | undefined): unknown => {
  let bytes: Uint8Array
  if (typeof v === "string") {
    const text = v.replace(WHITE, "")
    if (!BASE64.test(text) || text.length % 4 === 1 || (text.includes("=") && text.length % 4 !== 0)) {
      return invalid("InvalidBinary", `${showValue(v)} is not base64`)
    }
    bytes = Buffer.from(text, "base64")
  } else if (v instanceof Uint8Array) {
    bytes = v
  } else {
    return invalid("TypeMismatch", `expected base64 text or bytes, got ${showValue(v)}`)
  }
  if (maxBytes !== undefined && bytes.length > maxBytes) {
    return invalid("InvalidBinary", `${bytes.length} bytes, the column allows ${maxBytes}`)
  }
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("base64")
}

const coerceJson = (v: unknown): unknown => {
  if (typeof v !== "string") {
    return typeof v === "bigint" || typeof v === "function" || typeof v === "symbol"
      ? invalid("TypeMismatch", `expected JSON, got ${showValue(v)}`)
      : v
  }
  try {
    return JSON.parse(v)
  } catch {
    return invalid("InvalidJson", `${showValue(v)} is not JSON`)
  }
}

/** Compiles layer 1 for one field: its value coercion (see the module rules). */
export const coerceTypeStep = (field: FieldType, options: CoerceOptions = {}): Step => {
  const emptyIsNull = options.emptyStringIsNull ?? true
  if (!field.declared) return (v) => (v === undefined || (v === "" && emptyIsNull) ? null : v)
  switch (field.type) {
    case "string": {
      const padded = field.source.family === "char"
      const blankNull = blankIsNull(field, options)
      return (v) => {
        if (typeof v === "string") {
          if (v === "") return emptyIsNull ? null : ""
          if (!padded) return v
          const s = stripCharPadding(v)
          return s.length === 0 && blankNull ? null : s
        }
        if (v == null) return null
        if (typeof v === "number") {
          return Number.isFinite(v) ? formatNumber(v) : invalid("TypeMismatch", `expected text, got ${showValue(v)}`)
        }
        if (typeof v === "bigint") return v.toString()
        if (typeof v === "boolean") return v ? "true" : "false"
        return invalid("TypeMismatch", `expected text, got ${showValue(v)}`)
      }
    }
    case "integer":
    case "decimal":
      return (v) => {
        if (typeof v === "string") return v === "" ? null : v
        if (typeof v === "number") {
          return Number.isFinite(v) ? v : invalid("InvalidNumber", `${showValue(v)} is not a finite number`)
        }
        if (v == null) return null
        if (typeof v === "bigint") return v.toString()
        return invalid("TypeMismatch", `expected a number, got ${showValue(v)}`)
      }
    case "boolean":
      return coerceBoolean
    case "date":
    case "timestamp":
      return (v) => {
        if (typeof v === "string") return v === "" ? null : v
        if (v == null) return null
        if (v instanceof Date) return v
        return invalid("TypeMismatch", `expected a date-time, got ${showValue(v)}`)
      }
    case "json":
      return (v) => (v == null || v === "" ? null : coerceJson(v))
    case "binary": {
      const max = field.length
      return (v) => (v == null || v === "" ? null : coerceBinary(v, max))
    }
  }
}

/** Layer 1 on a record: every declared field (missing ones become null) then the undeclared ones. */
export const coerceType = (
  fields: ReadonlyArray<FieldType>,
  options: CoerceOptions = {}
): ((record: Row) => LayerResult) =>
  applyLayer("coerceType", fields, (field) => coerceTypeStep(field, options), { fillMissing: true })
