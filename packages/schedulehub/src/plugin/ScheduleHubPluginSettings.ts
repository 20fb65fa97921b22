/**
 * What a user gives to create a ScheduleHub connector: its settings (the instance, its request
 * budget, the per-request timeout) and its credentials (a service JWT secret or a static bearer
 * token).
 */
import { HttpUrlInput, JwtCredentialsInput } from "@syncflow/adapter-core"
import { Schema } from "effect"

/** The settings of a ScheduleHub connector. */
export const ScheduleHubSettings = Schema.Struct({
  /** The ScheduleHub instance, e.g. `http://schedulehub:8010`. */
  baseUrl: HttpUrlInput.annotate({ description: "The ScheduleHub instance, e.g. http://schedulehub:8010" }),
  /** Requests per second to this instance (ScheduleHub's budget); 50 by default. */
  requestsPerSecond: Schema.optionalKey(
    Schema.Int.check(Schema.isGreaterThan(0)).annotate({ description: "Requests per second (default 50)" })
  ),
  /** Seconds before a request without an answer is retried; 30 by default. */
  timeoutSeconds: Schema.optionalKey(
    Schema.Number.check(Schema.isGreaterThan(0)).annotate({
      description: "Per-request timeout in seconds (default 30)"
    })
  )
})

/** The credentials of a ScheduleHub connector, as the API and CLI take them: a service JWT secret or a bearer token. */
export const ScheduleHubCredentialsInput = JwtCredentialsInput
