/**
 * Layer 4 of Normalize: dates and date-times of `date` and `timestamp` columns to ISO 8601.
 *
 * Accepted text (after trimming; case-insensitive):
 * - ISO 8601: `YYYY-MM-DD`, and `YYYY-MM-DDTHH:MM[:SS[.fraction]]` (a space may replace `T`, `,` may
 *   replace `.`, 1-9 fraction digits) with an optional zone `Z`, `±HH:MM`, `±HHMM` or `±HH`;
 * - Oracle `DD-MON-RR` / `DD-MON-YYYY` (`17-DEC-80`, English month abbreviations), optionally followed
 *   by ` HH24:MI[:SS]`; a two-digit year below `pivotYear` (default 50) is 20yy, otherwise 19yy;
 * - `YYYYMMDDHH24MISS` (14 digits, the IFS OBJVERSION form) and `YYYYMMDD`;
 * - `MM/DD/YYYY` (or `DD/MM/YYYY` with `slashOrder: "DMY"`), optionally followed by ` HH:MI[:SS]`;
 * - a JavaScript `Date` (an instant).
 * Impossible dates (`2023-02-29`, `24:00`, second 60) are `InvalidDateTime`; blank text is null.
 *
 * Clean forms:
 * - `timestamp`: the UTC instant as `YYYY-MM-DDTHH:MM:SS.sssZ` — always three fraction digits, or six
 *   when the source has sub-millisecond digits (microseconds; further digits are truncated, as the
 *   PostgreSQL destination keeps microseconds). A value with a zone designator is that instant; a value
 *   without one is a wall-clock time in the connector's `timeZone` (default UTC). With
 *   `zoneOnDateSource: "ignore"`, a zone designator on a value of an Oracle `DATE` column is ignored
 *   (the wall clock is read in `timeZone`). Years outside 0001-9999 are `DateTimeOutOfRange`.
 * - `date`: `YYYY-MM-DD`, the calendar date as written (a zone designator is not applied: a date has
 *   no zone); a time of day other than 00:00:00 is `DateHasTime` (or dropped with `timeOnDate: "truncate"`).
 */
import { invalid, showValue } from "../Invalid.ts"
import type { Row } from "../Row.ts"
import { daysFromCivil, daysInMonth, formatDate, formatTimestamp, type ZoneOffset, zoneOffset } from "./CivilTime.ts"
import type { FieldType } from "./FieldType.ts"
import type { DateTimeOptions } from "./NormalizeOptions.ts"
import { applyLayer, type LayerResult, type Step } from "./Step.ts"

/** A date-time as written: wall-clock fields and, when written, the zone offset in minutes. */
export interface WrittenDateTime {
  readonly year: number
  readonly month: number
  readonly day: number
  readonly hour: number
  readonly minute: number
  readonly second: number
  /** Fraction of the second as 9 digits (nanoseconds). */
  readonly nanos: number
  /** Whether a time of day was written. */
  readonly hasTime: boolean
  /** Minutes east of UTC when a zone was written (`Z` is 0). */
  readonly offsetMinutes: number | undefined
}

const ISO =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?)?$/i
const COMPACT = /^(\d{4})(\d{2})(\d{2})(?:(\d{2})(\d{2})(\d{2}))?$/
const ORACLE = /^(\d{1,2})-([A-Z]{3})-(\d{2}|\d{4})(?:\s+(\d{1,2}):(\d{2})(?::(\d{2}))?)?$/i
const SLASH = /^(\d{1,2})\/(\d{1,2})\/(\d{4})(?:\s+(\d{1,2}):(\d{2})(?::(\d{2}))?)?$/
const MONTHS: Record<string, number> = {
  JAN: 1,
  FEB: 2,
  MAR: 3,
  APR: 4,
  MAY: 5,
  JUN: 6,
  JUL: 7,
  AUG: 8,
  SEP: 9,
  OCT: 10,
  NOV: 11,
  DEC: 12
}

const num = (s: string | undefined): number => (s === undefined ? 0 : Number(s))

const parseOffset = (z: string | undefined): number | undefined => {
  if (z === undefined) return undefined
  if (z === "Z" || z === "z") return 0
  const sign = z[0] === "-" ? -1 : 1
  const digits = z.slice(1).replace(":", "")
  const minutes = Number(digits.slice(0, 2)) * 60 + (digits.length > 2 ? Number(digits.slice(2)) : 0)
  return sign * minutes
}

const digit = (s: string, i: number): number => {
  const c = s.charCodeAt(i) - 48
  return c >= 0 && c <= 9 ? c : Number.NaN
}
const two = (s: string, i: number): number => digit(s, i) * 10 + digit(s, i + 1)

/** The common ISO 8601 spellings without a regular expression; `undefined` sends the text to the full parser. */
const readIsoFast = (s: string): WrittenDateTime | undefined => {
  const n = s.length
  if (n < 10 || s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45) return undefined
  const year = two(s, 0) * 100 + two(s, 2)
  const month = two(s, 5)
  const day = two(s, 8)
  if (Number.isNaN(year + month + day)) return undefined
  if (n === 10) {
    return { year, month, day, hour: 0, minute: 0, second: 0, nanos: 0, hasTime: false, offsetMinutes: undefined }
  }
  const sep = s.charCodeAt(10)
  if ((sep !== 84 && sep !== 116 && sep !== 32) || n < 16 || s.charCodeAt(13) !== 58) return undefined
  const hour = two(s, 11)
  const minute = two(s, 14)
  let second = 0
  let nanos = 0
  let i = 16
  if (s.charCodeAt(i) === 58) {
    second = two(s, i + 1)
    i += 3
    const c = s.charCodeAt(i)
    if (c === 46 || c === 44) {
      i++
      let scale = 100_000_000
      const start = i
      while (i < n && i - start < 9) {
        const d = digit(s, i)
        if (Number.isNaN(d)) break
        nanos += d * scale
        scale /= 10
        i++
      }
      if (i === start) return undefined
    }
  }
  if (Number.isNaN(hour + minute + second)) return undefined
  let offsetMinutes: number | undefined
  if (i < n) {
    const z = s.charCodeAt(i)
    if ((z === 90 || z === 122) && i + 1 === n) offsetMinutes = 0
    else if (z === 43 || z === 45) {
      const rest = n - i - 1
      const hh = two(s, i + 1)
      const mm =
        rest === 2
          ? 0
          : rest === 5 && s.charCodeAt(i + 3) === 58
            ? two(s, i + 4)
            : rest === 4
              ? two(s, i + 3)
              : Number.NaN
      if (Number.isNaN(hh + mm)) return undefined
      offsetMinutes = (z === 45 ? -1 : 1) * (hh * 60 + mm)
    } else return undefined
  }
  return { year, month, day, hour, minute, second, nanos, hasTime: true, offsetMinutes }
}

/** Reads a written date-time in one of the accepted formats (fields unchecked); `undefined` if none matches. */
export const readDateTime = (s: string, options: DateTimeOptions = {}): WrittenDateTime | undefined => {
  const fast = readIsoFast(s)
  if (fast !== undefined) return fast
  let m = ISO.exec(s)
  if (m !== null) {
    const fraction = m[7] ?? ""
    return {
      year: num(m[1]),
      month: num(m[2]),
      day: num(m[3]),
      hour: num(m[4]),
      minute: num(m[5]),
      second: num(m[6]),
      nanos: fraction === "" ? 0 : Number(fraction.padEnd(9, "0")),
      hasTime: m[4] !== undefined,
      offsetMinutes: parseOffset(m[8])
    }
  }
  m = COMPACT.exec(s)
  if (m !== null) {
    return {
      year: num(m[1]),
      month: num(m[2]),
      day: num(m[3]),
      hour: num(m[4]),
      minute: num(m[5]),
      second: num(m[6]),
      nanos: 0,
      hasTime: m[4] !== undefined,
      offsetMinutes: undefined
    }
  }
  m = ORACLE.exec(s)
  if (m !== null) {
    const month = MONTHS[(m[2] ?? "").toUpperCase()]
    if (month === undefined) return undefined
    const y = m[3] ?? ""
    const pivot = options.pivotYear ?? 50
    const year = y.length === 4 ? Number(y) : Number(y) < pivot ? 2000 + Number(y) : 1900 + Number(y)
    return {
      year,
      month,
      day: num(m[1]),
      hour: num(m[4]),
      minute: num(m[5]),
      second: num(m[6]),
      nanos: 0,
      hasTime: m[4] !== undefined,
      offsetMinutes: undefined
    }
  }
  m = SLASH.exec(s)
  if (m !== null) {
    const dmy = options.slashOrder === "DMY"
    return {
      year: num(m[3]),
      month: num(dmy ? m[2] : m[1]),
      day: num(dmy ? m[1] : m[2]),
      hour: num(m[4]),
      minute: num(m[5]),
      second: num(m[6]),
      nanos: 0,
      hasTime: m[4] !== undefined,
      offsetMinutes: undefined
    }
  }
  return undefined
}

const isValid = (w: WrittenDateTime): boolean =>
  w.year >= 1 &&
  w.month >= 1 &&
  w.month <= 12 &&
  w.day >= 1 &&
  w.day <= daysInMonth(w.year, w.month) &&
  w.hour <= 23 &&
  w.minute <= 59 &&
  w.second <= 59 &&
  (w.offsetMinutes === undefined || Math.abs(w.offsetMinutes) <= 18 * 60)

/** Compiled settings of layer 4 for one column. */
interface DateTimeTarget {
  readonly type: "date" | "timestamp"
  readonly zone: ZoneOffset
  readonly ignoreZone: boolean
  readonly truncate: boolean
  readonly options: DateTimeOptions
}

const toClean = (v: unknown, t: DateTimeTarget): unknown => {
  if (v == null) return null
  if (v instanceof Date) {
    const ms = v.getTime()
    if (Number.isNaN(ms)) return invalid("InvalidDateTime", "an invalid Date")
    if (t.type === "timestamp") {
      return formatTimestamp(ms, 0) ?? invalid("DateTimeOutOfRange", `${showValue(v)} is outside years 0001-9999`)
    }
    const iso = formatTimestamp(ms, 0)
    if (iso === undefined) return invalid("DateTimeOutOfRange", `${showValue(v)} is outside years 0001-9999`)
    if (!iso.endsWith("T00:00:00.000Z") && !t.truncate) {
      return invalid("DateHasTime", `${showValue(v)} has a time of day; the column is a date`)
    }
    return iso.slice(0, 10)
  }
  if (typeof v !== "string") return invalid("TypeMismatch", `expected a date-time, got ${showValue(v)}`)
  const s = v.trim()
  if (s === "") return null
  const w = readDateTime(s, t.options)
  if (w === undefined) return invalid("InvalidDateTime", `${showValue(v)} is not a date-time in an accepted format`)
  if (!isValid(w)) return invalid("InvalidDateTime", `${showValue(v)} is not a possible date-time`)
  if (w.year > 9999) return invalid("DateTimeOutOfRange", `${showValue(v)} is outside years 0001-9999`)
  if (t.type === "date") {
    if (!t.truncate && (w.hour !== 0 || w.minute !== 0 || w.second !== 0 || w.nanos !== 0)) {
      return invalid("DateHasTime", `${showValue(v)} has a time of day; the column is a date`)
    }
    return formatDate(w.year, w.month, w.day)
  }
  const localMs =
    daysFromCivil(w.year, w.month, w.day) * 86_400_000 +
    w.hour * 3_600_000 +
    w.minute * 60_000 +
    w.second * 1000 +
    Math.floor(w.nanos / 1_000_000)
  const offsetMs = w.offsetMinutes !== undefined && !t.ignoreZone ? w.offsetMinutes * 60_000 : t.zone(localMs)
  return (
    formatTimestamp(localMs - offsetMs, Math.floor(w.nanos / 1000) % 1000) ??
    invalid("DateTimeOutOfRange", `${showValue(v)} is outside years 0001-9999 in UTC`)
  )
}

/**
 * Compiles layer 4 for one field; `undefined` unless it is a declared date or timestamp column.
 * Fails (`undefined` offset) only on an unknown `timeZone`, which the normalizer reports when it is built.
 */
export const normalizeDateTimesStep = (field: FieldType, options: DateTimeOptions = {}): Step | undefined => {
  if (!field.declared || (field.type !== "date" && field.type !== "timestamp")) return undefined
  const zone = zoneOffset(options.timeZone ?? "UTC")
  if (zone === undefined) throw new RangeError(`unknown time zone ${JSON.stringify(options.timeZone)}`)
  const target: DateTimeTarget = {
    type: field.type,
    zone,
    ignoreZone: options.zoneOnDateSource === "ignore" && field.source.family === "date",
    truncate: options.timeOnDate === "truncate",
    options
  }
  return (v) => toClean(v, target)
}

/** Layer 4 on a record. Throws a `RangeError` on an unknown `timeZone` (check it with `zoneOffset` first). */
export const normalizeDateTimes = (
  fields: ReadonlyArray<FieldType>,
  options: DateTimeOptions = {}
): ((record: Row) => LayerResult) =>
  applyLayer("normalizeDateTimes", fields, (field) => normalizeDateTimesStep(field, options))
