/**
 * Exact decimal numbers as canonical text, without floating point: the clean form of NUMBER values.
 *
 * Canonical form: optional `-`, the integer digits without leading zeros (`0` when the integer part
 * is zero), then `.` and the fraction digits without trailing zeros when the fraction is not zero.
 * No exponent, no `+`, no grouping, never `-0`. Examples: `1000.5`, `0.05`, `-12`, `0`,
 * `12345678901234567890`.
 */

/** A decimal as digits and the position of the decimal point from their left (may be outside them). */
export interface DecimalDigits {
  readonly negative: boolean
  /** The significant digits, e.g. `12345` for 123.45. */
  readonly digits: string
  /** Where the point goes: 3 for 123.45, 0 for 0.5, -2 for 0.005, 7 for 1234500 with digits `12345`. */
  readonly point: number
}

/** Strips leading and trailing zeros: zero becomes empty digits. */
export const trimDigits = (d: DecimalDigits): DecimalDigits => {
  const { digits } = d
  let start = 0
  while (start < digits.length && digits.charCodeAt(start) === 48) start++
  let end = digits.length
  while (end > start && digits.charCodeAt(end - 1) === 48) end--
  if (start === end) return { negative: false, digits: "", point: 0 }
  if (start === 0 && end === digits.length) return d
  return { negative: d.negative, digits: digits.slice(start, end), point: d.point - start }
}

/** Rounds half away from zero (as Oracle NUMBER and PostgreSQL numeric do) to `scale` fraction digits. */
export const roundDigits = (d: DecimalDigits, scale: number): DecimalDigits => {
  const t = trimDigits(d)
  const keep = t.point + scale
  if (t.digits.length <= keep) return t
  if (keep < 0) return { negative: false, digits: "", point: 0 }
  const kept = t.digits.slice(0, keep)
  if (t.digits.charCodeAt(keep) < 53) return trimDigits({ negative: t.negative, digits: kept, point: t.point })
  // increment `kept` as an integer
  let i = kept.length - 1
  while (i >= 0 && kept.charCodeAt(i) === 57) i--
  if (i < 0) return { negative: t.negative, digits: "1", point: t.point + 1 }
  const bumped = kept.slice(0, i) + String.fromCharCode(kept.charCodeAt(i) + 1)
  return trimDigits({ negative: t.negative, digits: bumped, point: t.point })
}

/** The number of digits before the point (0 for zero and for values below 1). */
export const integerDigitCount = (d: DecimalDigits): number => {
  const t = trimDigits(d)
  return t.digits === "" ? 0 : Math.max(t.point, 0)
}

/** Whether the value has digits after the point. */
export const hasFraction = (d: DecimalDigits): boolean => {
  const t = trimDigits(d)
  return t.digits.length > t.point
}

/** The canonical text of a decimal. */
export const formatDecimal = (d: DecimalDigits): string => {
  const { digits, point, negative } = trimDigits(d)
  if (digits === "") return "0"
  const sign = negative ? "-" : ""
  if (point <= 0) return `${sign}0.${"0".repeat(-point)}${digits}`
  if (point >= digits.length) return sign + digits + "0".repeat(point - digits.length)
  return `${sign + digits.slice(0, point)}.${digits.slice(point)}`
}

// [-]digits[.digits][e[+-]digits], as String(number) writes it
const NUMBER_TEXT = /^(-?)(\d*)(?:\.(\d*))?(?:e([+-]?\d+))?$/

/** The exact digits of a finite JavaScript number's shortest round-trip text (`1.2e+21` -> 12 at 22). */
export const numberDigits = (n: number): DecimalDigits => {
  const match = NUMBER_TEXT.exec(String(n))
  if (match === null) return { negative: false, digits: "", point: 0 }
  const [, sign = "", int = "", frac = "", exp = "0"] = match
  return trimDigits({ negative: sign === "-", digits: int + frac, point: int.length + Number(exp) })
}

/** The canonical decimal text of a finite JavaScript number (no exponent): `1e21` -> `1000000000000000000000`. */
export const formatNumber = (n: number): string =>
  Number.isSafeInteger(n) ? String(n === 0 ? 0 : n) : formatDecimal(numberDigits(n))

const CANONICAL_DECIMAL = /^-?(?:0|[1-9]\d*)(?:\.\d*[1-9])?$/
const CANONICAL_INTEGER = /^-?(?:0|[1-9]\d*)$/

/** Whether a text is a decimal in canonical form. */
export const isCanonicalDecimal = (s: string): boolean => CANONICAL_DECIMAL.test(s) && s !== "-0"

/** Whether a text is an integer in canonical form. */
export const isCanonicalInteger = (s: string): boolean => CANONICAL_INTEGER.test(s) && s !== "-0"

const MAX_SAFE = "9007199254740991"

/** Whether a canonical integer text fits a JavaScript safe integer (|n| <= 2^53 - 1). */
export const isSafeIntegerText = (s: string): boolean => {
  const digits = s.charCodeAt(0) === 45 ? s.slice(1) : s
  return digits.length < MAX_SAFE.length || (digits.length === MAX_SAFE.length && digits <= MAX_SAFE)
}
