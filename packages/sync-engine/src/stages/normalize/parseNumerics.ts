/**
 * Layer 3 of Normalize: numbers of `integer` and `decimal` columns, from JSON numbers or formatted
 * text, to their exact clean form (never through a float when the source sent text).
 *
 * Accepted text (after trimming): an optional sign (`+`/`-`) and an optional currency symbol (any
 * Unicode currency symbol, `$ € £ ¥ ₹ ...`) before the number (in either order) or the symbol after
 * it; digits with an optional decimal separator and fraction (`.5`, `5.` are accepted); thousands
 * grouping in the integer part with the non-decimal separator of `.`/`,`, a space, NBSP, U+202F or
 * an apostrophe, in groups of exactly three digits after a first group of one to three
 * (`10,000`, `1 000 000`, `1'000`); an optional exponent `e`/`E` with sign (`1.5E3`).
 * The decimal separator is the connector's `decimalSeparator` (default `.`), except that with
 * `inferSeparators` (default) a number holding both `.` and `,` uses the last one as decimal
 * separator (`1.000,50` and `1,000.50` both read 1000.5 in either locale), and a single kind of
 * separator appearing more than once is grouping (`1.000.000`). Blank text is null.
 * Anything else (`1,5` with a `.` locale, `12abc`, `NaN`) is `InvalidNumber`.
 *
 * Clean forms:
 * - `decimal`: canonical decimal text (see `Decimal.ts`: `1000.5`, never `1000.50` or `1.0005e3`),
 *   rounded half away from zero to the declared scale, as Oracle and PostgreSQL round;
 * - `integer`: a JavaScript number when |n| <= 2^53 - 1, otherwise canonical integer text
 *   (JSON-safe, exact); a fraction is `NotAnInteger` (no silent rounding of ids and counts).
 * More integer digits than the declared precision allows (p - s) is `NumericOverflow`, as the
 * database would refuse the row; so is a magnitude beyond 10^1000.
 * Text columns are never parsed: `"00123"` in a VARCHAR2 stays `"00123"`.
 */
import { type Invalid, invalid, isInvalid, showValue } from "../Invalid.ts"
import type { Row } from "../Row.ts"
import {
  type DecimalDigits,
  formatDecimal,
  hasFraction,
  integerDigitCount,
  isCanonicalDecimal,
  isSafeIntegerText,
  numberDigits,
  roundDigits,
  trimDigits
} from "./Decimal.ts"
import type { FieldType } from "./FieldType.ts"
import type { ParseNumericsOptions } from "./NormalizeOptions.ts"
import { applyLayer, type LayerResult, type Step } from "./Step.ts"

const MAX_MAGNITUDE = 1000
const PLAIN = /^(-?)(\d+)(?:\.(\d+))?$/
const CURRENCY = /^\p{Sc}$/u
const SPACE_GROUP = /^[ \u00A0\u202F'\u2019]$/
const DIGITS = /^\d*$/
const EXPONENT = /^[+-]?\d{1,9}$/

const isDigit = (c: number) => c >= 48 && c <= 57

/** Reads a formatted number (see the module rules); blank text is null. */
export const parseNumberText = (text: string, options: ParseNumericsOptions = {}): DecimalDigits | Invalid | null => {
  const s = text.trim()
  if (s === "") return null
  const decimalSeparator = options.decimalSeparator ?? "."
  if (decimalSeparator === ".") {
    const plain = PLAIN.exec(s)
    if (plain !== null) {
      const [, sign = "", int = "", frac = ""] = plain
      return { negative: sign === "-", digits: int + frac, point: int.length }
    }
  }
  const fail = () => invalid("InvalidNumber", `${showValue(text)} is not a number`)
  // sign and currency, before and after
  let start = 0
  let end = s.length
  let negative = false
  let signSeen = false
  let currencySeen = false
  while (start < end) {
    const ch = s[start] ?? ""
    if ((ch === "-" || ch === "+") && !signSeen) {
      signSeen = true
      negative = ch === "-"
    } else if (!currencySeen && CURRENCY.test(ch)) {
      currencySeen = true
    } else if (ch !== " " && ch !== "\u00A0") {
      break
    }
    start++
  }
  while (end > start) {
    const ch = s[end - 1] ?? ""
    if (!currencySeen && CURRENCY.test(ch)) currencySeen = true
    else if (ch !== " " && ch !== "\u00A0") break
    end--
  }
  const body = s.slice(start, end)
  if (body === "" || (!isDigit(body.charCodeAt(0)) && body[0] !== "." && body[0] !== ",")) return fail()
  // mantissa and exponent
  const e = body.search(/[eE]/)
  const mantissa = e < 0 ? body : body.slice(0, e)
  const exponentText = e < 0 ? "0" : body.slice(e + 1)
  if (!EXPONENT.test(exponentText)) return fail()
  const lastDot = mantissa.lastIndexOf(".")
  const lastComma = mantissa.lastIndexOf(",")
  const infer = options.inferSeparators ?? true
  let dec: string = decimalSeparator
  let decimalAllowed = true
  if (lastDot >= 0 && lastComma >= 0) {
    if (infer) dec = lastDot > lastComma ? "." : ","
  } else if (infer) {
    const only = lastDot >= 0 ? "." : lastComma >= 0 ? "," : undefined
    if (only !== undefined && mantissa.indexOf(only) !== mantissa.lastIndexOf(only)) {
      dec = only === "." ? "," : "."
      decimalAllowed = false
    }
  }
  const decAt = decimalAllowed ? mantissa.indexOf(dec) : -1
  if (decAt >= 0 && mantissa.indexOf(dec, decAt + 1) >= 0) return fail()
  const intPart = decAt < 0 ? mantissa : mantissa.slice(0, decAt)
  const fracPart = decAt < 0 ? "" : mantissa.slice(decAt + 1)
  if (!DIGITS.test(fracPart)) return fail()
  let intDigits = intPart
  if (!DIGITS.test(intPart)) {
    // grouped: 1-3 digits, then (G ddd)+ with one separator G
    const group = dec === "." ? "," : "."
    let separator: string | undefined
    let i = 0
    while (i < intPart.length && isDigit(intPart.charCodeAt(i))) i++
    if (i < 1 || i > 3) return fail()
    let digits = intPart.slice(0, i)
    while (i < intPart.length) {
      const ch = intPart[i] ?? ""
      if (ch !== group && !SPACE_GROUP.test(ch)) return fail()
      if (separator === undefined) separator = ch
      else if (ch !== separator) return fail()
      const run = intPart.slice(i + 1, i + 4)
      if (run.length !== 3 || !DIGITS.test(run)) return fail()
      digits += run
      i += 4
    }
    intDigits = digits
  }
  if (intDigits === "" && fracPart === "") return fail()
  const digits = trimDigits({ negative, digits: intDigits + fracPart, point: intDigits.length + Number(exponentText) })
  if (Math.abs(digits.point) > MAX_MAGNITUDE) {
    return invalid("NumericOverflow", `${showValue(text)} is out of range`)
  }
  return digits
}

/** The target of layer 3: an integer or decimal column with its precision and scale. */
export interface NumericTarget {
  readonly type: "integer" | "decimal"
  readonly precision?: number | undefined
  readonly scale?: number | undefined
}

// Digits before the point of canonical decimal text (0 for `0.x`).
const integerDigitsOf = (s: string): number => {
  const start = s.charCodeAt(0) === 45 ? 1 : 0
  const dot = s.indexOf(".")
  const end = dot < 0 ? s.length : dot
  return end - start === 1 && s.charCodeAt(start) === 48 ? 0 : end - start
}

// Whether canonical decimal text needs no rounding and fits the precision (the fast path).
const fits = (s: string, target: NumericTarget): boolean => {
  const { scale, precision } = target
  if (scale !== undefined && scale >= 0) {
    const dot = s.indexOf(".")
    if (dot >= 0 && s.length - dot - 1 > scale) return false
  }
  return precision === undefined || integerDigitsOf(s) <= precision - Math.max(scale ?? 0, 0)
}

const SMALL_INTEGER = /^-?[1-9]\d{0,14}$/

/** The clean form of a number in an integer or decimal column (see the module rules). */
export const parseNumericValue = (v: unknown, target: NumericTarget, options: ParseNumericsOptions = {}): unknown => {
  if (v == null) return null
  let digits: DecimalDigits
  if (typeof v === "number") {
    if (!Number.isFinite(v)) return invalid("InvalidNumber", `${showValue(v)} is not a finite number`)
    if (target.type === "integer" && Number.isSafeInteger(v)) {
      if (target.precision !== undefined && Math.abs(v) >= 10 ** (target.precision - (target.scale ?? 0))) {
        return invalid("NumericOverflow", `${v} has more digits than precision ${target.precision} allows`)
      }
      return v === 0 ? 0 : v
    }
    if (target.type === "decimal") {
      // String(n) without an exponent is already canonical (shortest round trip, no trailing zeros)
      const text = String(v)
      if (text.indexOf("e") < 0 && fits(text, target)) return text
    }
    digits = numberDigits(v)
  } else if (typeof v === "string") {
    if (target.type === "decimal") {
      if (isCanonicalDecimal(v) && fits(v, target)) return v
    } else if ((SMALL_INTEGER.test(v) || v === "0") && fits(v, target)) {
      return Number(v)
    }
    const parsed = parseNumberText(v, options)
    if (parsed === null || isInvalid(parsed)) return parsed
    digits = parsed
  } else {
    return invalid("TypeMismatch", `expected a number, got ${showValue(v)}`)
  }
  if (target.type === "integer") {
    if (hasFraction(digits)) return invalid("NotAnInteger", `${showValue(v)} is not an integer`)
  } else if (target.scale !== undefined && target.scale >= 0) {
    digits = roundDigits(digits, target.scale)
  }
  if (target.precision !== undefined) {
    const allowed = target.precision - Math.max(target.scale ?? 0, 0)
    if (integerDigitCount(digits) > allowed) {
      return invalid(
        "NumericOverflow",
        `${showValue(v)} has ${integerDigitCount(digits)} integer digits, precision ${target.precision} scale ${target.scale ?? 0} allows ${allowed}`
      )
    }
  }
  const canonical = formatDecimal(digits)
  return target.type === "integer" && isSafeIntegerText(canonical) ? Number(canonical) : canonical
}

/** Compiles layer 3 for one field; `undefined` unless it is a declared integer or decimal column. */
export const parseNumericsStep = (field: FieldType, options: ParseNumericsOptions = {}): Step | undefined => {
  if (!field.declared || (field.type !== "integer" && field.type !== "decimal")) return undefined
  const target: NumericTarget = { type: field.type, precision: field.precision, scale: field.scale }
  return (v) => parseNumericValue(v, target, options)
}

/** Layer 3 on a record. */
export const parseNumerics = (
  fields: ReadonlyArray<FieldType>,
  options: ParseNumericsOptions = {}
): ((record: Row) => LayerResult) => applyLayer("parseNumerics", fields, (field) => parseNumericsStep(field, options))
