/**
 * `GET /api/v1/health`: 200 `{"status":"ok"}` when ScheduleHub and its database are up.
 */
import { defineEndpoint } from "@syncflow/adapter-core"
import { Schema } from "effect"

/** What the health endpoint says; other fields are ignored. */
export const HubHealthStatus = Schema.Struct({ status: Schema.String })

/** What the health endpoint says. */
export type HubHealthStatus = typeof HubHealthStatus.Type

/** The health endpoint, for "test connection". */
export const GetHubHealth = defineEndpoint({
  entity: "health",
  module: "health",
  name: "get",
  method: "GET",
  path: "/api/v1/health",
  response: HubHealthStatus
})
