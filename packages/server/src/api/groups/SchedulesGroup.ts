/**
 * The `schedules` endpoint group: when a schedule (an interval or a five-field UTC cron expression)
 * fires next, as the scheduler reads it, so a schedule editor shows the times before saving.
 */
import { Schema } from "effect"
import { HttpApiEndpoint, HttpApiGroup, OpenApi } from "effect/http-api"
import { AdminAuth } from "../AdminAuth.ts"
import { InvalidField } from "../ApiErrors.ts"
import { CronExpression } from "./EntitiesGroup.ts"

/** An interval in seconds as a query parameter: 1 second to 366 days. */
const IntervalSecondsParam = Schema.NumberFromString.check(
  Schema.isInt(),
  Schema.isBetween({ minimum: 1, maximum: 366 * 24 * 3600 })
)

/** How many fire times to answer: 1 to 50. */
const CountParam = Schema.NumberFromString.check(Schema.isInt(), Schema.isBetween({ minimum: 1, maximum: 50 }))

/** The next fire times of a schedule. */
export const NextRuns = Schema.Struct({
  /** The schedule the times are of: `cron` when given, else `interval`. */
  kind: Schema.Literals(["cron", "interval"]),
  /** The next fire times, ISO-8601 UTC, earliest first. */
  nextRuns: Schema.Array(Schema.String)
})

/** Schedules: their next fire times. */
export class SchedulesGroup extends HttpApiGroup.make("schedules")
  .add(
    HttpApiEndpoint.get("nextRuns", "/schedules/next-runs", {
      query: {
        cron: Schema.optionalKey(
          CronExpression.annotate({ description: "A cron expression (five fields, UTC)", examples: ["*/15 * * * *"] })
        ),
        intervalSeconds: Schema.optionalKey(IntervalSecondsParam),
        count: Schema.optionalKey(CountParam)
      },
      success: NextRuns,
      error: InvalidField
    }).annotateMerge(
      OpenApi.annotations({
        summary: "Next fire times of a schedule",
        description:
          "The next `count` (default 5) times a schedule fires, as the scheduler reads it: a `cron` expression's next occurrences (UTC; it takes precedence), or the starts of the next `intervalSeconds` periods since the epoch. A bad cron or interval, or neither, is a 400 naming the field."
      })
    )
  )
  .middleware(AdminAuth)
  .annotateMerge(OpenApi.annotations({ title: "Schedules" })) {}
