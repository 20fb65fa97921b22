/**
 * The Validate stage for one entity: required fields and value types against the manifest, compiled
 * once per column.
 *
 * Rules, per declared column (fields the manifest does not declare are not checked):
 * - null or missing: an issue when the column is a business-key field (`MissingBusinessKey`), is not
 *   nullable, or is listed in `required` (`Required`);
 * - otherwise the value must be the column type's clean form (the Normalize output), or a value Map
 *   turns into it:
 *   `string` text of at most `length` characters (Unicode code points, as PostgreSQL counts) — `TooLong`;
 *   `integer` a safe-integer number or canonical integer text, at most `precision` digits;
 *   `decimal` canonical decimal text or a finite number, at most `precision - scale` integer digits
 *   and `scale` fraction digits; `boolean` a boolean; `date` `YYYY-MM-DD` or a `Date` at UTC
 *   midnight; `timestamp` `YYYY-MM-DDTHH:MM:SS.sss[sss]Z` or a valid `Date`; `json` any JSON value;
 *   `binary` canonical base64 text. A wrong shape is `TypeMismatch`, too many digits `NumericOverflow`.
 */
import type { ColumnManifest } from "@syncflow/adapter-core"
import { isInheritedName } from "../Fields.ts"
import { type Invalid, invalid, showValue } from "../Invalid.ts"
import { isCanonicalDecimal, isCanonicalInteger } from "../normalize/Decimal.ts"
import { type FieldType, fieldType } from "../normalize/FieldType.ts"

/** A compiled check of one column: `undefined` when the value is fine. */
export type ColumnCheck = (value: unknown) => Invalid | undefined

/** One column's checks. */
export interface ColumnRule {
  readonly name: string
  /** Whether the name is also a property of every object (read with care). */
  readonly inherited: boolean
  /** Null is an issue (`MissingBusinessKey` or `Required`). */
  readonly nullIssue: Invalid | undefined
  readonly check: ColumnCheck
}

/** A compiled validator: use it with `validateChunk`. */
export interface Validator {
  readonly rules: ReadonlyArray<ColumnRule>
}

const DATE = /^\d{4}-\d{2}-\d{2}$/
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.(?:\d{3}|\d{6})Z$/
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/

const codePoints = (s: string): number => {
  let n = 0
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i)
    if (c < 0xd800 || c > 0xdbff || i + 1 >= s.length) n++
    else {
      const d = s.charCodeAt(i + 1)
      n++
      if (d >= 0xdc00 && d <= 0xdfff) i++
    }
  }
  return n
}

const digitsBefore = (s: string): number => {
  const dot = s.indexOf(".")
  const end = dot < 0 ? s.length : dot
  const start = s.charCodeAt(0) === 45 ? 1 : 0
  return end - start === 1 && s.charCodeAt(start) === 48 ? 0 : end - start
}

const mismatch = (expected: string, v: unknown) => invalid("TypeMismatch", `expected ${expected}, got ${showValue(v)}`)

/** Compiles the type check of a column (see the module rules). */
export const columnCheck = (field: FieldType): ColumnCheck => {
  switch (field.type) {
    case "string": {
      const max = field.length
      return (v) => {
        if (typeof v !== "string") return mismatch("text", v)
        if (max !== undefined && v.length > max && codePoints(v) > max) {
          return invalid("TooLong", `${codePoints(v)} characters, the column allows ${max}`)
        }
        return undefined
      }
    }
    case "integer": {
      const p = field.precision
      return (v) => {
        let digits: number
        if (typeof v === "number") {
          if (!Number.isSafeInteger(v)) return mismatch("an integer", v)
          digits = v === 0 ? 0 : String(Math.abs(v)).length
        } else if (typeof v === "string" && isCanonicalInteger(v)) {
          digits = digitsBefore(v)
        } else {
          return mismatch("an integer", v)
        }
        return p !== undefined && digits > p
          ? invalid("NumericOverflow", `${showValue(v)} has more than ${p} digits`)
          : undefined
      }
    }
    case "decimal": {
      const p = field.precision
      const s = field.scale !== undefined && field.scale > 0 ? field.scale : 0
      return (v) => {
        if (typeof v === "number") return Number.isFinite(v) ? undefined : mismatch("a decimal", v)
        if (typeof v !== "string" || !isCanonicalDecimal(v)) return mismatch("a canonical decimal", v)
        if (p !== undefined && digitsBefore(v) > p - s) {
          return invalid("NumericOverflow", `${showValue(v)} has more than ${p - s} integer digits`)
        }
        const dot = v.indexOf(".")
        if (field.scale !== undefined && field.scale >= 0 && dot >= 0 && v.length - dot - 1 > field.scale) {
          return invalid("NumericOverflow", `${showValue(v)} has more than ${field.scale} fraction digits`)
        }
        return undefined
      }
    }
    case "boolean":
      return (v) => (typeof v === "boolean" ? undefined : mismatch("a boolean", v))
    case "date":
      return (v) =>
        (typeof v === "string" && DATE.test(v)) || (v instanceof Date && v.getTime() % 86_400_000 === 0)
          ? undefined
          : mismatch("a date YYYY-MM-DD", v)
    case "timestamp":
      return (v) =>
        (typeof v === "string" && TIMESTAMP.test(v)) || (v instanceof Date && !Number.isNaN(v.getTime()))
          ? undefined
          : mismatch("an ISO 8601 UTC timestamp", v)
    case "json":
      return (v) =>
        v === undefined || typeof v === "bigint" || typeof v === "function" || typeof v === "symbol"
          ? mismatch("JSON", v)
          : undefined
    case "binary":
      return (v) => (typeof v === "string" && BASE64.test(v) ? undefined : mismatch("base64", v))
  }
}

/**
 * Compiles the validator of an entity from its columns and business key (logical names, as the
 * normalizer gives them: `normalizer.columns`, `normalizer.businessKey`) and extra required fields.
 */
export const makeValidator = (spec: {
  readonly columns: ReadonlyArray<ColumnManifest>
  readonly businessKey: ReadonlyArray<string>
  readonly required?: ReadonlyArray<string>
}): Validator => {
  const key = new Set(spec.businessKey)
  const required = new Set(spec.required ?? [])
  const rules: Array<ColumnRule> = spec.columns.map((column) => ({
    name: column.name,
    inherited: isInheritedName(column.name),
    nullIssue:
      key.has(column.name) || column.businessKey
        ? invalid("MissingBusinessKey", "is part of the business key but null or missing")
        : !column.nullable || required.has(column.name)
          ? invalid("Required", "is required but null or missing")
          : undefined,
    check: columnCheck(fieldType(column))
  }))
  const declared = new Set(spec.columns.map((c) => c.name))
  for (const name of [...key, ...required]) {
    if (declared.has(name)) continue
    declared.add(name)
    rules.push({
      name,
      inherited: isInheritedName(name),
      nullIssue: key.has(name)
        ? invalid("MissingBusinessKey", "is part of the business key but null or missing")
        : invalid("Required", "is required but null or missing"),
      check: () => undefined
    })
  }
  return { rules }
}
