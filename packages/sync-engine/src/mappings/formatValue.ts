/**
 * The `format` transformations, compiled once per entry: dates in a pattern and zone (Luxon), numbers
 * to a precision (exact decimal rounding, no floating point), phone numbers to E.164
 * (libphonenumber-js), case, trim and padding. A value one cannot format is a failure message.
 */

import { Result } from "effect"
import { type CountryCode, isSupportedCountry, parsePhoneNumberFromString } from "libphonenumber-js"
import { DateTime, IANAZone } from "luxon"
import { isInvalid } from "../stages/Invalid.ts"
import { formatDecimal, numberDigits, roundDigits } from "../stages/normalize/Decimal.ts"
import { parseNumberText } from "../stages/normalize/parseNumerics.ts"
import type { FormatTransform } from "./FieldMapping.ts"

/** A compiled format: the formatted value (null stays null), or why the value cannot be formatted. */
export type Formatter = (value: unknown) => Result.Result<unknown, string>

const text = (value: unknown): string => (typeof value === "string" ? value : JSON.stringify(value))

const dateTimeOf = (value: unknown): DateTime | undefined => {
  if (value instanceof Date) return DateTime.fromJSDate(value, { zone: "utc" })
  if (typeof value === "number") return DateTime.fromMillis(value, { zone: "utc" })
  if (typeof value !== "string") return undefined
  const parsed = DateTime.fromISO(value, { zone: "utc" })
  return parsed.isValid ? parsed : undefined
}

const titleCase = (s: string): string =>
  s.toLowerCase().replace(/(^|[\s\-'])(\p{L})/gu, (_, p, l: string) => p + l.toUpperCase())

/** Compiles a format, or says why its settings cannot work (an unknown zone or country). */
export const makeFormatter = (format: FormatTransform): Result.Result<Formatter, string> => {
  switch (format.format) {
    case "date": {
      const zone = format.zone ?? "UTC"
      if (!IANAZone.isValidZone(zone)) return Result.fail(`unknown time zone ${JSON.stringify(zone)}`)
      const pattern = format.pattern
      return Result.succeed((value) => {
        if (value == null) return Result.succeed(null)
        const date = dateTimeOf(value)
        return date === undefined
          ? Result.fail(`${text(value)} is not a date`)
          : Result.succeed(date.setZone(zone).toFormat(pattern))
      })
    }
    case "number": {
      const precision = format.precision
      return Result.succeed((value) => {
        if (value == null) return Result.succeed(null)
        const digits =
          typeof value === "number" && Number.isFinite(value)
            ? numberDigits(value)
            : typeof value === "string"
              ? parseNumberText(value)
              : undefined
        if (digits == null || isInvalid(digits)) return Result.fail(`${text(value)} is not a number`)
        const rounded = formatDecimal(roundDigits(digits, precision))
        if (precision === 0) return Result.succeed(rounded)
        const [whole, fraction = ""] = rounded.split(".")
        return Result.succeed(`${whole}.${fraction.padEnd(precision, "0")}`)
      })
    }
    case "phone": {
      const country = format.country
      if (country !== undefined && !isSupportedCountry(country)) {
        return Result.fail(`unknown country ${JSON.stringify(country)}`)
      }
      return Result.succeed((value) => {
        if (value == null) return Result.succeed(null)
        const phone = parsePhoneNumberFromString(text(value), country as CountryCode | undefined)
        return phone?.isPossible() === true
          ? Result.succeed(phone.number)
          : Result.fail(`${text(value)} is not a valid phone number${country === undefined ? "" : ` in ${country}`}`)
      })
    }
    case "upper":
      return Result.succeed((value) => Result.succeed(value == null ? null : text(value).toUpperCase()))
    case "lower":
      return Result.succeed((value) => Result.succeed(value == null ? null : text(value).toLowerCase()))
    case "title":
      return Result.succeed((value) => Result.succeed(value == null ? null : titleCase(text(value))))
    case "trim":
      return Result.succeed((value) => Result.succeed(value == null ? null : text(value).trim()))
    case "pad": {
      const { length } = format
      const fill = format.fill ?? " "
      const start = (format.side ?? "start") === "start"
      return Result.succeed((value) => {
        if (value == null) return Result.succeed(null)
        const s = typeof value === "number" ? String(value) : text(value)
        return Result.succeed(start ? s.padStart(length, fill) : s.padEnd(length, fill))
      })
    }
  }
}
