/**
 * The `health` endpoint group: liveness and readiness, open to everyone.
 */
import { Schema } from "effect"
import { HttpApiEndpoint, HttpApiGroup, OpenApi } from "effect/http-api"

/** A component's health. */
export const ComponentHealth = Schema.Struct({
  name: Schema.String,
  status: Schema.Literals(["ok", "down"]),
  message: Schema.optionalKey(Schema.String),
  latencyMs: Schema.optionalKey(Schema.Number)
})

/** A health report: `ok` (200) or `degraded` (503). */
export const HealthReport = Schema.Struct({
  status: Schema.Literals(["ok", "degraded"]),
  version: Schema.String,
  checks: Schema.Array(ComponentHealth)
})

/** A degraded health report, served with 503. */
export class Degraded extends Schema.TaggedError<Degraded>()(
  "Degraded",
  { status: Schema.Literal("degraded"), version: Schema.String, checks: Schema.Array(ComponentHealth) },
  { httpApiStatus: 503 }
) {}

/** Liveness and readiness: open to everyone. */
export class HealthGroup extends HttpApiGroup.make("health")
  .add(
    HttpApiEndpoint.get("live", "/health", { success: HealthReport }),
    HttpApiEndpoint.get("database", "/health/db", { success: HealthReport, error: Degraded }),
    HttpApiEndpoint.get("connectors", "/health/connectors", { success: HealthReport, error: Degraded })
  )
  .annotateMerge(OpenApi.annotations({ title: "Health", description: "Liveness and readiness (no auth)" })) {}
