/**
 * SyncFlow's Prometheus metrics. Upstream request latency and rate-limit waits are measured as
 * they happen (by wrapping the adapters' HTTP client and rate limiter); runs, rows per stage,
 * failed records by error type and database connections are read from PostgreSQL at each scrape,
 * so every process reports the same totals, whoever ran the syncs.
 */
import { UpstreamRateLimiter } from "@syncflow/adapter-core"
import { runCountNames } from "@syncflow/sync-engine"
import { Clock, Effect, Layer, Metric } from "effect"
import { HttpClient } from "effect/http"
import { PrometheusMetrics } from "effect/observability"
import { SqlClient } from "effect/sql"

const secondsBoundaries = Metric.exponentialBoundaries({ start: 0.005, factor: 2, count: 14 })

/** Upstream HTTP requests, by host and outcome (`ok`, `http_<status>`, `error`). */
export const upstreamRequests = Metric.counter("syncflow_upstream_requests_total", {
  description: "Requests SyncFlow made to upstream APIs",
  incremental: true
})

/** How long upstream requests took, by host. */
export const upstreamLatency = Metric.histogram("syncflow_upstream_request_duration_seconds", {
  description: "Latency of upstream API requests",
  boundaries: secondsBoundaries
})

/** How long requests waited for their rate-limit budget, by adapter (the budget key's first part). */
export const rateLimitWait = Metric.histogram("syncflow_rate_limit_wait_seconds", {
  description: "Time spent waiting for an upstream rate-limit budget before a request",
  boundaries: secondsBoundaries
})

const runsGauge = Metric.gauge("syncflow_runs", { description: "Sync runs recorded, by connector, entity and status" })
const rowsGauge = Metric.gauge("syncflow_rows", {
  description: "Rows counted by each pipeline stage over all recorded runs, by connector, entity and stage"
})
const failedGauge = Metric.gauge("syncflow_failed_records", {
  description: "Unresolved failed records (the dead-letter queue), by connector, entity, stage and error type"
})
const pendingGauge = Metric.gauge("syncflow_pending_children", {
  description: "Child rows waiting for their parent, by connector and entity"
})
const typeMismatchesGauge = Metric.gauge("syncflow_type_mismatches", {
  description:
    "Columns whose type in the table differs from the source's (schema drift), as each entity's latest sync found them, by connector and entity"
})
const connectionsGauge = Metric.gauge("syncflow_db_connections", {
  description: "Connections to SyncFlow's database, by state (pg_stat_activity)"
})

/** The platform HTTP client, timing every request into {@link upstreamLatency} and {@link upstreamRequests}. */
export const instrumentHttpClient = (client: HttpClient.HttpClient): HttpClient.HttpClient =>
  HttpClient.transform(client, (response, request) =>
    Effect.gen(function* () {
      const host = URL.canParse(request.url) ? new URL(request.url).host : "unknown"
      const start = yield* Clock.currentTimeMillis
      const observe = (outcome: string) =>
        Effect.gen(function* () {
          const elapsed = ((yield* Clock.currentTimeMillis) - start) / 1000
          yield* Metric.update(Metric.withAttributes(upstreamLatency, { host }), elapsed)
          yield* Metric.update(Metric.withAttributes(upstreamRequests, { host, outcome }), 1)
        })
      return yield* response.pipe(
        Effect.tap((res) => observe(res.status < 400 ? "ok" : `http_${res.status}`)),
        Effect.tapError(() => observe("error"))
      )
    })
  )

/** Replaces the ambient `HttpClient` with an instrumented one. */
export const layerInstrumentedHttpClient: Layer.Layer<HttpClient.HttpClient, never, HttpClient.HttpClient> =
  Layer.effect(HttpClient.HttpClient, Effect.map(HttpClient.HttpClient, instrumentHttpClient))

/** Replaces the ambient `UpstreamRateLimiter` with one that times each wait for a budget. */
export const layerInstrumentedRateLimiter: Layer.Layer<UpstreamRateLimiter, never, UpstreamRateLimiter> = Layer.effect(
  UpstreamRateLimiter,
  Effect.map(UpstreamRateLimiter, (limiter) =>
    UpstreamRateLimiter.of({
      ...limiter,
      acquire: (policy) =>
        Effect.gen(function* () {
          const start = yield* Clock.currentTimeMillis
          const permit = yield* limiter.acquire(policy)
          const waited = ((yield* Clock.currentTimeMillis) - start) / 1000
          yield* Metric.update(
            Metric.withAttributes(rateLimitWait, { adapter: policy.key.split("/")[0] ?? policy.key }),
            waited
          )
          return permit
        })
    })
  )
)

interface RunRow {
  readonly connector: string
  readonly entity: string
  readonly status: string
  readonly runs: number
}

/** Reads the database-backed gauges, then formats every metric as Prometheus text. */
export const scrape: Effect.Effect<string, never, SqlClient.SqlClient> = Effect.gen(function* () {
  const sql = (yield* SqlClient.SqlClient).withoutTransforms()
  const sums = runCountNames.map((name) => `sum(${name})::float8 AS ${name}`).join(", ")
  const runs = yield* sql.unsafe<RunRow & Record<string, number>>(
    `SELECT connector_id AS connector, entity, status, count(*)::float8 AS runs, ${sums}
     FROM syncflow.sync_runs GROUP BY connector_id, entity, status`
  )
  const rows = new Map<string, { connector: string; entity: string; counts: Record<string, number> }>()
  for (const row of runs) {
    yield* Metric.update(
      Metric.withAttributes(runsGauge, { connector: row.connector, entity: row.entity, status: row.status }),
      row.runs
    )
    const key = `${row.connector}\u0000${row.entity}`
    const entry = rows.get(key) ?? { connector: row.connector, entity: row.entity, counts: {} }
    for (const name of runCountNames) entry.counts[name] = (entry.counts[name] ?? 0) + Number(row[name] ?? 0)
    rows.set(key, entry)
  }
  for (const entry of rows.values()) {
    for (const stage of runCountNames) {
      yield* Metric.update(
        Metric.withAttributes(rowsGauge, { connector: entry.connector, entity: entry.entity, stage }),
        entry.counts[stage] ?? 0
      )
    }
  }
  const failed = yield* sql.unsafe<{
    readonly connector: string
    readonly entity: string
    readonly stage: string
    readonly type: string
    readonly n: number
  }>(
    `SELECT connector_id AS connector, entity, stage, error_type AS type, count(*) FILTER (WHERE resolved_at IS NULL)::float8 AS n
     FROM syncflow.failed_records GROUP BY connector_id, entity, stage, error_type`
  )
  for (const row of failed) {
    yield* Metric.update(
      Metric.withAttributes(failedGauge, {
        connector: row.connector,
        entity: row.entity,
        stage: row.stage,
        error_type: row.type
      }),
      row.n
    )
  }
  const pending = yield* sql.unsafe<{ readonly connector: string; readonly entity: string; readonly n: number }>(
    `SELECT connector_id AS connector, entity, count(*)::float8 AS n FROM syncflow.pending_children
     GROUP BY connector_id, entity`
  )
  for (const row of pending) {
    yield* Metric.update(Metric.withAttributes(pendingGauge, { connector: row.connector, entity: row.entity }), row.n)
  }
  const mismatches = yield* sql.unsafe<{ readonly connector: string; readonly entity: string; readonly n: number }>(
    `SELECT connector_id AS connector, entity, jsonb_array_length(type_mismatches)::float8 AS n FROM syncflow.entities`
  )
  for (const row of mismatches) {
    yield* Metric.update(
      Metric.withAttributes(typeMismatchesGauge, { connector: row.connector, entity: row.entity }),
      row.n
    )
  }
  const connections = yield* sql.unsafe<{ readonly state: string; readonly n: number }>(
    `SELECT coalesce(state, 'unknown') AS state, count(*)::float8 AS n FROM pg_stat_activity
     WHERE datname = current_database() GROUP BY 1`
  )
  for (const row of connections) {
    yield* Metric.update(Metric.withAttributes(connectionsGauge, { state: row.state }), row.n)
  }
  return yield* PrometheusMetrics.format()
}).pipe(
  Effect.catch((error) =>
    Effect.logWarning(`metrics: cannot read the database: ${error.message}`).pipe(
      Effect.andThen(PrometheusMetrics.format())
    )
  )
)
