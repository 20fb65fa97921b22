/**
 * How Oracle values look as text, for the fake ERP: dates in the formats ERP exports use, numbers
 * formatted by people and territories, and the canonical clean forms the ground truth uses. Plain
 * functions on numbers and strings (the page generator's hot path), no `Date` parsing.
 */

const PAD2: ReadonlyArray<string> = Array.from({ length: 100 }, (_, i) => String(i).padStart(2, "0"))
const PAD3: ReadonlyArray<string> = Array.from({ length: 1000 }, (_, i) => String(i).padStart(3, "0"))
const ZEROS: ReadonlyArray<string> = Array.from({ length: 21 }, (_, i) => "0".repeat(i))
const POW10: ReadonlyArray<number> = Array.from({ length: 16 }, (_, i) => 10 ** i)

/** Two digits, `00`-`99`. */
export const pad2 = (n: number): string => PAD2[n] ?? String(n).padStart(2, "0")

/** `n` (a non-negative integer) with leading zeros to `width` digits. */
export const padNumber = (n: number, width: number): string => {
  const s = `${n}`
  return s.length >= width ? s : (ZEROS[width - s.length] ?? "") + s
}

/** `n` (0 <= n < 10^width) in exactly `width` digits, from lookup tables for widths 2 and 3. */
const padFraction = (n: number, width: number): string =>
  width === 2 ? (PAD2[n] ?? "") : width === 3 ? (PAD3[n] ?? "") : width === 1 ? `${n}` : padNumber(n, width)

/** Three-letter month names, as Oracle's `MON` format prints them. */
export const MONTHS: ReadonlyArray<string> = [
  "JAN",
  "FEB",
  "MAR",
  "APR",
  "MAY",
  "JUN",
  "JUL",
  "AUG",
  "SEP",
  "OCT",
  "NOV",
  "DEC"
]

/** A calendar date. */
export interface CivilDate {
  readonly year: number
  readonly month: number
  readonly day: number
}

/** The date of a day count since 1970-01-01 (proleptic Gregorian; H. Hinnant's algorithm). */
export const civilFromDays = (days: number): CivilDate => {
  const z = days + 719_468
  const era = Math.floor(z / 146_097)
  const doe = z - era * 146_097
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365)
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100))
  const mp = Math.floor((5 * doy + 2) / 153)
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1
  const month = mp < 10 ? mp + 3 : mp - 9
  return { year: yoe + era * 400 + (month <= 2 ? 1 : 0), month, day }
}

/** Days since 1970-01-01 of a date. */
export const daysFromCivil = (year: number, month: number, day: number): number => {
  const y = month <= 2 ? year - 1 : year
  const era = Math.floor(y / 400)
  const yoe = y - era * 400
  const mp = (month + 9) % 12
  const doy = Math.floor((153 * mp + 2) / 5) + day - 1
  return era * 146_097 + yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy - 719_468
}

/** `YYYY-MM-DD`. */
export const isoDate = (d: CivilDate): string => `${padNumber(d.year, 4)}-${pad2(d.month)}-${pad2(d.day)}`

/** `DD-MON-RR` (Oracle's default `NLS_DATE_FORMAT`): `17-DEC-80`. */
export const ddMonRr = (d: CivilDate): string => `${pad2(d.day)}-${MONTHS[d.month - 1]}-${pad2(d.year % 100)}`

/** `MM/DD/YYYY`. */
export const mmDdYyyy = (d: CivilDate): string => `${pad2(d.month)}/${pad2(d.day)}/${padNumber(d.year, 4)}`

/** A wall-clock time of day from seconds since midnight: `HH:MM:SS`. */
export const clockTime = (secondOfDay: number): string => {
  const h = Math.floor(secondOfDay / 3600)
  const m = Math.floor((secondOfDay % 3600) / 60)
  return `${pad2(h)}:${pad2(m)}:${pad2(secondOfDay % 60)}`
}

/** The wall clock of an instant (epoch seconds) shifted by `offsetMinutes`: date and time of day. */
export const wallClock = (
  epochSeconds: number,
  offsetMinutes = 0
): { readonly date: CivilDate; readonly time: string; readonly compact: string } => {
  const local = epochSeconds + offsetMinutes * 60
  const days = Math.floor(local / 86_400)
  const secondOfDay = local - days * 86_400
  const date = civilFromDays(days)
  const time = clockTime(secondOfDay)
  return {
    date,
    time,
    compact: `${padNumber(date.year, 4)}${pad2(date.month)}${pad2(date.day)}${time.replaceAll(":", "")}`
  }
}

/** An offset as ISO 8601 writes it: `+02:00`, `-05:00`, `+05:30`, `+00:00`. */
export const isoOffset = (offsetMinutes: number): string => {
  const sign = offsetMinutes < 0 ? "-" : "+"
  const abs = Math.abs(offsetMinutes)
  return `${sign}${pad2(Math.floor(abs / 60))}:${pad2(abs % 60)}`
}

/** The clean form of an instant: `YYYY-MM-DDTHH:MM:SS.sssZ` (UTC, always milliseconds). */
export const cleanInstant = (epochMillis: number): string => new Date(epochMillis).toISOString()

/** Milliseconds as the three fraction digits of a time: `.123`. */
export const millisFraction = (millis: number): string => `.${String(millis + 1000).slice(1)}`

/**
 * The canonical decimal text of `units / 10^scale`, for a non-negative integer `units`: no
 * exponent, no grouping, no leading zeros before the point (`0.5`), no trailing zeros after it
 * (`1000.5`), no point for whole numbers (`42`), `0` for zero.
 */
export const canonicalDecimal = (units: number, scale: number): string => {
  if (scale === 0) return `${units}`
  const pow = POW10[scale] ?? 10 ** scale
  const whole = Math.floor(units / pow)
  let frac = units - whole * pow
  if (frac === 0) return `${whole}`
  let digits = scale
  while (frac % 10 === 0) {
    frac /= 10
    digits--
  }
  return `${whole}.${padFraction(frac, digits)}`
}

/** `units / 10^scale` with exactly `scale` fraction digits: `1000.50`. */
export const fixedDecimal = (units: number, scale: number): string => {
  if (scale === 0) return `${units}`
  const pow = POW10[scale] ?? 10 ** scale
  const whole = Math.floor(units / pow)
  return `${whole}.${padFraction(units - whole * pow, scale)}`
}

/** Digits grouped by three with `separator`: `1,234,567`. */
export const groupThousands = (intDigits: string, separator: string): string => {
  const head = intDigits.length % 3 || 3
  let out = intDigits.slice(0, head)
  for (let i = head; i < intDigits.length; i += 3) out += separator + intDigits.slice(i, i + 3)
  return out
}

/**
 * `units / 10^scale` (a non-negative integer `units`) in exponent form, mantissa with one integer
 * digit: `1000.5` -> `1.0005E3`, `0.05` -> `5E-2`, `42` -> `4.2E1` (with `e` when `lower`).
 */
export const exponentForm = (units: number, scale: number, lower = false): string => {
  const e = lower ? "e" : "E"
  if (units === 0) return `0${e}0`
  let significant = units
  let zeros = 0
  while (significant % 10 === 0) {
    significant /= 10
    zeros++
  }
  const digits = `${significant}`
  const exponent = digits.length + zeros - 1 - scale
  return digits.length === 1 ? `${digits}${e}${exponent}` : `${digits[0]}.${digits.slice(1)}${e}${exponent}`
}
