/**
 * `GET /api/v1/health`: 200 `{"status":"ok"}` when ScheduleHub and its database are up.
 */
import { defineEndpoint } from "@syncflow/adapter-core"
import { Schema } from "effect"

/** What the health endpoint says; other fields are ignored. */
export const HealthStatus = Schema.Struct({ status: Schema.String })

/** What the health endpoint says. */
export type HealthStatus = typeof HealthStatus.Type

/** The health endpoint, for "test connection". */
export const GetHealth = defineEndpoint({
  entity: "health",
  module: "health",
  name: "get",
  method: "GET",
  path: "/api/v1/health",
  response: HealthStatus
})
