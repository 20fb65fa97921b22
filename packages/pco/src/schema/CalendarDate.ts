/**
 * A calendar date as Planning Center sends birthdates and anniversaries: `YYYY-MM-DD`, decoded as
 * the `DateTime.Utc` of midnight UTC that day and encoded back as `YYYY-MM-DD`.
 */
import { DateTime, Effect, Option, Schema, SchemaIssue, SchemaTransformation } from "effect"

const pattern = /^(\d{4})-(\d{2})-(\d{2})$/

/** Parses `YYYY-MM-DD` into midnight UTC of that day, or `None` for anything else (such as `2026-02-30`). */
export const parseCalendarDate = (text: string): Option.Option<DateTime.Utc> => {
  const match = pattern.exec(text)
  if (match === null) return Option.none()
  const [, year, month, day] = match
  const millis = Date.UTC(Number(year), Number(month) - 1, Number(day))
  const calendar = new globalThis.Date(millis)
  return calendar.getUTCFullYear() === Number(year) &&
    calendar.getUTCMonth() === Number(month) - 1 &&
    calendar.getUTCDate() === Number(day)
    ? Option.some(DateTime.makeUnsafe(millis))
    : Option.none()
}

/** Formats the UTC day of an instant as `YYYY-MM-DD`. */
export const formatCalendarDate = (value: DateTime.DateTime): string =>
  DateTime.formatIso(DateTime.toUtc(value)).slice(0, 10)

/** A `YYYY-MM-DD` string, decoded as midnight UTC of that day. */
export const CalendarDate = Schema.String.pipe(
  Schema.decodeTo(
    Schema.DateTimeUtc,
    SchemaTransformation.transformEffect<DateTime.Utc, string>({
      decode: (text, options) =>
        Option.match(parseCalendarDate(text), {
          onNone: () =>
            Effect.fail(
              new SchemaIssue.InvalidValue(
                { message: `expected a date such as 1990-05-12, got ${JSON.stringify(text)}` },
                text,
                options
              )
            ),
          onSome: Effect.succeed
        }),
      encode: (value) => Effect.succeed(formatCalendarDate(value))
    })
  )
)
