/**
 * Calendar arithmetic for Layer 4 without `Date` objects: proleptic Gregorian days since the Unix
 * epoch, ISO formatting, and the offset of a wall-clock time in a time zone.
 */
import { DateTime, Option } from "effect"

const MS_PER_DAY = 86_400_000

/** Days since 1970-01-01 of a proleptic Gregorian date (month 1-12), for any year. */
export const daysFromCivil = (year: number, month: number, day: number): number => {
  const y = month <= 2 ? year - 1 : year
  const era = Math.floor(y / 400)
  const yoe = y - era * 400
  const mp = (month + 9) % 12
  const doy = Math.floor((153 * mp + 2) / 5) + day - 1
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy
  return era * 146_097 + doe - 719_468
}

/** The date of a day count since 1970-01-01. */
export const civilFromDays = (
  days: number
): { readonly year: number; readonly month: number; readonly day: number } => {
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

/** Days in a month of a year (proleptic Gregorian). */
export const daysInMonth = (year: number, month: number): number =>
  month === 2
    ? (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0
      ? 29
      : 28
    : month === 4 || month === 6 || month === 9 || month === 11
      ? 30
      : 31

const pad2 = (n: number) => (n < 10 ? `0${n}` : `${n}`)
const pad4 = (n: number) => (n < 10 ? `000${n}` : n < 100 ? `00${n}` : n < 1000 ? `0${n}` : `${n}`)

/** `YYYY-MM-DD` of a date. */
export const formatDate = (year: number, month: number, day: number): string =>
  `${pad4(year)}-${pad2(month)}-${pad2(day)}`

/**
 * `YYYY-MM-DDTHH:MM:SS.sssZ` of epoch milliseconds, or `.ssssssZ` when `micros` (the 4th-6th fraction
 * digits, 0-999) is not zero; `undefined` outside years 0001-9999.
 */
export const formatTimestamp = (epochMs: number, micros: number): string | undefined => {
  const days = Math.floor(epochMs / MS_PER_DAY)
  let rest = epochMs - days * MS_PER_DAY
  // civilFromDays, inlined (no object per value)
  const z = days + 719_468
  const era = Math.floor(z / 146_097)
  const doe = z - era * 146_097
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365)
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100))
  const mp = Math.floor((5 * doy + 2) / 153)
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1
  const month = mp < 10 ? mp + 3 : mp - 9
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0)
  if (year < 1 || year > 9999) return undefined
  const h = Math.floor(rest / 3_600_000)
  rest -= h * 3_600_000
  const m = Math.floor(rest / 60_000)
  rest -= m * 60_000
  const s = Math.floor(rest / 1000)
  const ms = rest - s * 1000
  const fraction = micros === 0 ? String(ms + 1000).slice(1) : String(ms * 1000 + micros + 1_000_000).slice(1)
  return `${formatDate(year, month, day)}T${pad2(h)}:${pad2(m)}:${pad2(s)}.${fraction}Z`
}

/** The offset (ms, local minus UTC) of a wall-clock time given as "local epoch milliseconds". */
export type ZoneOffset = (localMs: number) => number

const BUCKET_MS = 15 * 60_000
const CACHE_LIMIT = 100_000

/**
 * The offset function of a time zone: `UTC`, an offset (`+02:00`, `-0530`) or an IANA name;
 * `undefined` when unknown. For a named zone, wall-clock times in a DST gap take the offset before
 * the gap and repeated times the earlier instant (JavaScript Temporal's "compatible"); offsets are
 * computed once per 15-minute wall-clock slot (every real transition falls on such a boundary).
 */
export const zoneOffset = (timeZone: string): ZoneOffset | undefined => {
  const zone = Option.getOrUndefined(DateTime.zoneFromString(timeZone))
  if (zone === undefined) return undefined
  if (DateTime.isTimeZoneOffset(zone)) {
    const offset = zone.offset
    return () => offset
  }
  if (zone.id === "UTC" || zone.id === "Etc/UTC" || zone.id === "Etc/GMT") return () => 0
  const cache = new Map<number, number>()
  return (localMs) => {
    const slot = Math.floor(localMs / BUCKET_MS)
    const cached = cache.get(slot)
    if (cached !== undefined) return cached
    const start = slot * BUCKET_MS
    const zoned = DateTime.makeZoned(start, { timeZone: zone, adjustForTimeZone: true })
    const offset = Option.isSome(zoned) ? start - DateTime.toEpochMillis(zoned.value) : 0
    if (cache.size >= CACHE_LIMIT) cache.clear()
    cache.set(slot, offset)
    return offset
  }
}
