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
    HttpApiEndpoint.get("live", "/health", { success: HealthReport }).annotateMerge(
      OpenApi.annotations({
        summary: "Liveness",
        description:
          "Answers 200 with the version while the process serves HTTP; checks nothing else. Use it as a liveness probe."
      })
    ),
    HttpApiEndpoint.get("database", "/health/db", { success: HealthReport, error: Degraded }).annotateMerge(
      OpenApi.annotations({
        summary: "Database readiness",
        description:
          "Checks PostgreSQL with a query: 200 `ok`, or 503 `degraded` with the failing check and its message. Use it as a readiness probe."
      })
    ),
    HttpApiEndpoint.get("connectors", "/health/connectors", { success: HealthReport, error: Degraded }).annotateMerge(
      OpenApi.annotations({
        summary: "Connectors readiness",
        description:
          "Checks that every connector's runtime is built (credentials decrypted, adapter loaded): 200 `ok`, or 503 `degraded` naming each failing connector."
      })
    )
  )
  .annotateMerge(OpenApi.annotations({ title: "Health", description: "Liveness and readiness (no auth)" })) {}
