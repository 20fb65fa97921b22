/**
 * Planning Center's date-times: UTC, whole seconds, `YYYY-MM-DDTHH:MM:SSZ` (older records may carry
 * an offset such as `-07:00`). Decoded strictly (a value `Date.parse` would guess at, such as `"1"`,
 * is refused) into a `DateTime.Utc`, and encoded back in Planning Center's own format.
 */
import { DateTime, Effect, Option, Schema, SchemaIssue, SchemaTransformation } from "effect"

const pattern = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.\d+)?(Z|[+-]\d{2}:\d{2})$/

/** Parses a Planning Center date-time, or `None` when it is not one (wrong shape or impossible date). */
export const parseTimestamp = (text: string): Option.Option<DateTime.Utc> => {
  const match = pattern.exec(text)
  if (match === null) return Option.none()
  const [, year, month, day, hours, minutes, seconds] = match
  const calendar = new globalThis.Date(Date.UTC(Number(year), Number(month) - 1, Number(day)))
  const validDay =
    calendar.getUTCFullYear() === Number(year) &&
    calendar.getUTCMonth() === Number(month) - 1 &&
    calendar.getUTCDate() === Number(day)
  if (!validDay || Number(hours) > 23 || Number(minutes) > 59 || Number(seconds) > 59) return Option.none()
  return Option.map(DateTime.make(text), DateTime.toUtc)
}

/** Formats an instant as Planning Center does: UTC, whole seconds, `Z`. */
export const formatTimestamp = (value: DateTime.DateTime): string =>
  `${DateTime.formatIso(DateTime.toUtc(value)).slice(0, 19)}Z`

/** A Planning Center date-time string, decoded as a `DateTime.Utc`. */
export const Timestamp = Schema.String.pipe(
  Schema.decodeTo(
    Schema.DateTimeUtc,
    SchemaTransformation.transformEffect<DateTime.Utc, string>({
      decode: (text, options) =>
        Option.match(parseTimestamp(text), {
          onNone: () =>
            Effect.fail(
              new SchemaIssue.InvalidValue(
                { message: `expected a date-time such as 2026-01-31T18:30:00Z, got ${JSON.stringify(text)}` },
                text,
                options
              )
            ),
          onSome: Effect.succeed
        }),
      encode: (value) => Effect.succeed(formatTimestamp(value))
    })
  )
)
