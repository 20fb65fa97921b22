/**
 * `GET /schedules/next-runs`: a schedule's next fire times, computed by the scheduler's own rule
 * (`SyncScheduler.nextFireTimes`).
 */
import { SyncScheduler } from "@syncflow/sync-engine"
import { Clock, DateTime, Effect } from "effect"
import { HttpApiBuilder } from "effect/http-api"
import { Api } from "../Api.ts"
import { InvalidField } from "../ApiErrors.ts"

/** The schedules handler. */
export const SchedulesHandlers = HttpApiBuilder.group(Api, "schedules", (handlers) =>
  Effect.succeed(
    handlers.handle("nextRuns", ({ query }) =>
      Effect.gen(function* () {
        if (query.cron === undefined && query.intervalSeconds === undefined) {
          return yield* new InvalidField({ field: "cron", detail: "cron: give a cron expression or intervalSeconds" })
        }
        const now = yield* Clock.currentTimeMillis
        const times = SyncScheduler.nextFireTimes(
          { cron: query.cron ?? null, intervalSeconds: query.intervalSeconds ?? null },
          now,
          query.count ?? 5
        )
        return {
          kind: query.cron === undefined ? ("interval" as const) : ("cron" as const),
          nextRuns: times.map((time) => DateTime.formatIso(DateTime.makeUnsafe(time)))
        }
      })
    )
  )
)
