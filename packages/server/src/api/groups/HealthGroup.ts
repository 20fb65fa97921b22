/**
 * The `health` endpoint group: liveness and readiness for load balancers and orchestrators (open to
 * everyone, answering from this process and its database only), and the connectors' upstream
 * health behind the admin token. An unhealthy answer is a 503 problem document (RFC 9457) listing
 * every check.
 */
import { Schema } from "effect"
import { HttpApiEndpoint, HttpApiError, HttpApiGroup, OpenApi } from "effect/http-api"
import { AdminAuth } from "../AdminAuth.ts"
import { problemType } from "../Problem.ts"

/** One check: `ok` or `down` (with why), how long it took, and when it ran when it is cached. */
export const ComponentHealth = Schema.Struct({
  name: Schema.String,
  status: Schema.Literals(["ok", "down"]),
  message: Schema.optionalKey(Schema.String),
  latencyMs: Schema.optionalKey(Schema.Number),
  checkedAt: Schema.optionalKey(Schema.String)
})

/** A healthy answer (200): the version and every check, all `ok`. */
export const HealthReport = Schema.Struct({
  status: Schema.Literal("ok"),
  version: Schema.String,
  checks: Schema.Array(ComponentHealth)
})

/** An unhealthy answer (503, `application/problem+json`): `detail` names what is down; `checks` has each check. */
export class Unhealthy extends HttpApiError.Problem<Unhealthy>()(
  "Unhealthy",
  { type: problemType("unhealthy"), status: 503, title: "Unhealthy" },
  { detail: Schema.String, version: Schema.String, checks: Schema.Array(ComponentHealth) }
) {}

/** Liveness and readiness (no auth); the connectors' health (admin token). */
export class HealthGroup extends HttpApiGroup.make("health")
  .add(
    HttpApiEndpoint.get("live", "/health/live", { success: HealthReport }).annotateMerge(
      OpenApi.annotations({
        summary: "Liveness",
        description:
          "200 with the version while the process serves HTTP; checks nothing else (a database outage must not restart the process). Use it as the liveness probe."
      })
    ),
    HttpApiEndpoint.get("ready", "/health/ready", { success: HealthReport, error: Unhealthy }).annotateMerge(
      OpenApi.annotations({
        summary: "Readiness",
        description:
          "200 when PostgreSQL answers a query and every migration this build knows is applied (`syncflow.schema_migrations`); otherwise a 503 problem document naming the failing checks. Calls no upstream. Use it as the readiness probe."
      })
    ),
    HttpApiEndpoint.get("connectors", "/health/connectors", { success: HealthReport, error: Unhealthy })
      .middleware(AdminAuth)
      .annotateMerge(
        OpenApi.annotations({
          summary: "Connectors' upstream health",
          description:
            "Each connector's test connection, run as a health probe: it spends none of the syncs' rate-limit budget, is not retried, and neither consults nor trips their circuit breaker. Each result is cached for `SYNCFLOW_HEALTH_TTL_SECONDS` (30 s by default; `checkedAt` says when it ran), so probing this often costs each upstream at most one probe per period. 200 when every connector is `ok`, otherwise a 503 problem document naming the connectors that are down. Requires the admin token."
        })
      ),
    HttpApiEndpoint.get("liveLegacy", "/health", { success: HealthReport }).annotateMerge(
      OpenApi.annotations({
        summary: "Liveness (former path)",
        description:
          "The same answer as `GET /api/v1/health/live`, kept for existing probes and container health checks."
      })
    ),
    HttpApiEndpoint.get("database", "/health/db", { success: HealthReport, error: Unhealthy }).annotateMerge(
      OpenApi.annotations({
        summary: "Readiness (former path)",
        description: "The same answer as `GET /api/v1/health/ready`, kept for existing probes."
      })
    )
  )
  .annotateMerge(
    OpenApi.annotations({
      title: "Health",
      description: "Liveness and readiness (no auth); the connectors' upstream health (admin token)"
    })
  ) {}
