/**
 * `GET /metrics`: every metric in the Prometheus text format (open, like most scrape endpoints;
 * put it behind your network's access rules).
 */
import { Effect } from "effect"
import { HttpRouter, HttpServerResponse } from "effect/http"
import { SqlClient } from "effect/sql"
import { scrape } from "../observability/SyncMetrics.ts"

/** The metrics route, on the router. */
export const MetricsRoute = HttpRouter.use((router) =>
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    yield* router.add(
      "GET",
      "/metrics",
      scrape.pipe(
        Effect.provideService(SqlClient.SqlClient, sql),
        Effect.map((body) => HttpServerResponse.text(body, { contentType: "text/plain; version=0.0.4; charset=utf-8" }))
      )
    )
  })
)
