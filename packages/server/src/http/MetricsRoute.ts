/**
 * `GET /metrics`: every metric in the Prometheus text format (open, like most scrape endpoints;
 * put it behind your network's access rules): the sync metrics read from the database, the build,
 * the Node runtime, the alerts firing, and what this process measured with Effect's metrics
 * (upstream requests, retries, rate-limit waits, circuit breakers, the cluster's gauges).
 */
import { Clock, Effect } from "effect"
import { HttpRouter, HttpServerResponse } from "effect/http"
import { PrometheusMetrics } from "effect/observability"
import { SqlClient } from "effect/sql"
import { ServerInfo } from "../api/ServerInfo.ts"
import { applicationName, maxConnections } from "../database/Database.ts"
import { readAlertFamily } from "../observability/AlertMetrics.ts"
import { type Family, formatFamilies } from "../observability/PrometheusText.ts"
import { startRuntimeMonitor } from "../observability/RuntimeMetrics.ts"
import { readSyncFamilies } from "../observability/SyncMetrics.ts"
import { budgetFamilies } from "../observability/UpstreamMetrics.ts"

/** The metrics route, on the router; the runtime monitors run as long as the route. */
export const MetricsRoute = HttpRouter.use((router) =>
  Effect.gen(function* () {
    const sql = (yield* SqlClient.SqlClient).withoutTransforms()
    const { version } = yield* ServerInfo
    const runtime = yield* startRuntimeMonitor
    const build: Family = {
      name: "syncflow_build_info",
      type: "gauge",
      help: "Always 1: the SyncFlow version and the Node.js version serving these metrics",
      samples: [{ labels: { version, node_version: process.version }, value: 1 }]
    }
    const scrape = Effect.gen(function* () {
      const now = yield* Clock.currentTimeMillis
      const synced = yield* Effect.all([
        readSyncFamilies(sql, { applicationName, maxConnections }),
        readAlertFamily(sql)
      ]).pipe(
        Effect.map(([read, alerts]) => ({
          families: [...read.families, ...budgetFamilies(read.connectors, now), alerts],
          up: 1
        })),
        Effect.catch((error) =>
          Effect.as(Effect.logWarning(`metrics: cannot read the database: ${error.message}`), { families: [], up: 0 })
        )
      )
      const database: Family = {
        name: "syncflow_database_up",
        type: "gauge",
        help: "Whether this scrape could read SyncFlow's database (1) or not (0: the sync metrics are missing)",
        samples: [{ value: synced.up }]
      }
      const text = formatFamilies([build, database, ...synced.families, ...runtime.families()])
      const measured = yield* PrometheusMetrics.format()
      return text + measured
    })
    yield* router.add(
      "GET",
      "/metrics",
      Effect.map(scrape, (body) =>
        HttpServerResponse.text(body, { contentType: "text/plain; version=0.0.4; charset=utf-8" })
      )
    )
  })
)
