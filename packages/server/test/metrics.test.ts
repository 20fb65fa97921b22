/**
 * `/metrics` as Prometheus scrapes it (real HTTP on the test server, real PostgreSQL, the fake ERP):
 * before a sync (every entity's series at 0), during one (a running run, its rows per second, the
 * counts of its committed window), after it (totals equal to the fake's truth, the duration
 * histogram, the last success, the running gauge back to 0 and the rate gone), after a sync by the
 * CLI in another process (the server's scrape counts it), with an unreachable upstream (retries,
 * its circuit breaker open), and after the connectors are deleted (none of their series left). The
 * shipped alerting rules, Grafana dashboard and README metric list are checked against what these
 * scrapes had.
 */
import { assert, layer } from "@effect/vitest"
import { FakeErp } from "@syncflow/apismith/testing"
import { Effect, Option, Redacted, Schema } from "effect"
import { RunView } from "../src/api/Views.ts"
import { cliEnv, ok, spawningTimeout, syncflow } from "./cliProcess.ts"
import { bodyAs, call, eventually, type TestServer, testServerLayer } from "./fixtures.ts"
import { checkMonitoring } from "./monitoring.ts"
import { metricNames, parseScrape, type Scrape, sampleValue } from "./scrape.ts"

const scrape: Effect.Effect<Scrape, never, TestServer> = Effect.map(
  call("GET", "/metrics", { token: null }),
  (reply) => {
    assert.strictEqual(reply.status, 200)
    return parseScrape(String(reply.body))
  }
)

const items = { connector: "erp", entity: "items" }
const rows = (metrics: Scrape, outcome: string) => sampleValue(metrics, "syncflow_rows_total", { ...items, outcome })
const runs = (metrics: Scrape, status: string) => sampleValue(metrics, "syncflow_runs_total", { ...items, status })

layer(testServerLayer, { timeout: 120_000, excludeTestServices: true })("/metrics", (it) => {
  it.effect(
    "before, during and after a sync, after a CLI sync in another process, with an unreachable upstream, after the connectors are deleted; rules, dashboard and README read what scrapes had",
    () =>
      Effect.gen(function* () {
        // Two windows of 10,000 records (the workflows' window).
        const fake = yield* FakeErp.make({ seed: 41, rows: { items: 12_000, customers: 5 } })
        const created = yield* call("POST", "/api/v1/connectors", {
          body: {
            id: "erp",
            adapter: "apismith",
            name: "ERP",
            config: { baseUrl: fake.baseUrl, pageSize: 1000, rateLimit: { limit: 1000, windowSeconds: 1 } },
            credentials: { type: "serviceJwt", secret: Redacted.value(fake.secret) }
          }
        })
        assert.strictEqual(created.status, 201)
        assert.strictEqual((yield* call("POST", "/api/v1/connectors/erp/discover")).status, 200)

        // Before: every discovered entity has its series, at 0; the build and the runtime are there.
        const before = yield* scrape
        for (const outcome of ["fetched", "inserted", "updated", "unchanged", "deleted", "failed", "parked"]) {
          assert.strictEqual(rows(before, outcome), 0, outcome)
        }
        for (const status of ["succeeded", "failed", "cancelled", "abandoned"])
          assert.strictEqual(runs(before, status), 0)
        assert.strictEqual(sampleValue(before, "syncflow_runs_running", items), 0)
        assert.strictEqual(sampleValue(before, "syncflow_failed_records", items), 0)
        assert.strictEqual(sampleValue(before, "syncflow_pending_children", items), 0)
        assert.strictEqual(sampleValue(before, "syncflow_sync_duration_seconds_count", items), 0)
        assert.isUndefined(sampleValue(before, "syncflow_sync_rows_per_second", items))
        assert.isUndefined(sampleValue(before, "syncflow_last_success_timestamp_seconds", items))
        assert.strictEqual(sampleValue(before, "syncflow_build_info", { node_version: process.version }), 1)
        assert.strictEqual(sampleValue(before, "syncflow_database_up", {}), 1)
        assert.strictEqual(sampleValue(before, "syncflow_db_pool_max_connections", {}), 10)
        assert.isAtLeast(sampleValue(before, "syncflow_db_pool_connections_in_use", {}) ?? 0, 1)
        assert.isAbove(sampleValue(before, "process_resident_memory_bytes", {}) ?? 0, 0)
        assert.isAbove(sampleValue(before, "process_cpu_seconds_total", {}) ?? 0, 0)
        assert.isDefined(sampleValue(before, "nodejs_eventloop_lag_seconds", {}))

        // During: the run's 12 pages are held by the fake; the first window's 10 go on one by one, the
        // second window's first page waits until the scrapes have seen the run between its two windows.
        yield* fake.faults.holdNext(12)
        assert.strictEqual((yield* call("POST", "/api/v1/connectors/erp/entities/items/sync")).status, 202)
        const nextPage = Effect.map(fake.faults.nextHeldRequest, (held) => ({
          page: held.request.url.searchParams.get("page"),
          release: held.release
        }))
        for (let page = 1; page <= 10; page++) {
          const held = yield* nextPage
          assert.strictEqual(held.page, String(page))
          yield* held.release
        }
        const secondWindow = yield* nextPage
        assert.strictEqual(secondWindow.page, "11")
        const during = yield* eventually(
          Effect.map(scrape, (metrics) =>
            sampleValue(metrics, "syncflow_runs_running", items) === 1 && (rows(metrics, "fetched") ?? 0) > 0
              ? Option.some(metrics)
              : Option.none()
          )
        )
        assert.strictEqual(rows(during, "fetched"), 10_000)
        assert.strictEqual(rows(during, "inserted"), 10_000)
        assert.strictEqual(runs(during, "succeeded"), 0)
        assert.isAbove(sampleValue(during, "syncflow_sync_rows_per_second", items) ?? 0, 0)
        yield* secondWindow.release
        const lastPage = yield* nextPage
        assert.strictEqual(lastPage.page, "12")
        yield* lastPage.release

        // After: the totals are the fake's truth; the running gauge is back to 0 and the rate gone.
        const after = yield* eventually(
          Effect.map(scrape, (metrics) => (runs(metrics, "succeeded") === 1 ? Option.some(metrics) : Option.none()))
        )
        const truth = fake.groundTruth.count("items")
        assert.strictEqual(rows(after, "fetched"), truth)
        assert.strictEqual(rows(after, "inserted"), truth)
        assert.strictEqual(rows(after, "updated"), 0)
        assert.strictEqual(rows(after, "failed"), 0)
        assert.strictEqual(sampleValue(after, "syncflow_runs_running", items), 0)
        assert.isUndefined(sampleValue(after, "syncflow_sync_rows_per_second", items))
        const [run] = bodyAs(
          yield* call("GET", "/api/v1/runs?connector=erp&entity=items&status=succeeded"),
          Schema.Array(RunView)
        )
        assert.isDefined(run)
        assert.strictEqual(sampleValue(after, "syncflow_sync_duration_seconds_count", items), 1)
        assert.strictEqual(sampleValue(after, "syncflow_sync_duration_seconds_bucket", { ...items, le: "+Inf" }), 1)
        assert.closeTo(
          sampleValue(after, "syncflow_sync_duration_seconds_sum", items) ?? -1,
          (run?.durationMs ?? 0) / 1000,
          0.001
        )
        assert.closeTo(
          sampleValue(after, "syncflow_last_success_timestamp_seconds", items) ?? -1,
          Date.parse(String(run?.finishedAt)) / 1000,
          0.001
        )

        // A sync by the CLI, in another process on the same database, counts in the server's scrape.
        const report = yield* fake.mutate("items", { insert: 3, update: 5 })
        const cli = ok(yield* syncflow(["sync", "erp", "items", "--json"], yield* cliEnv))
        assert.include(cli, '"connectorId":"erp"')
        const second = yield* scrape
        assert.strictEqual(runs(second, "succeeded"), 2)
        assert.strictEqual(rows(second, "inserted"), truth + report.inserted.length)
        assert.strictEqual(rows(second, "updated"), report.updated.length)
        assert.strictEqual(sampleValue(second, "syncflow_sync_duration_seconds_count", items), 2)
        assert.strictEqual(sampleValue(second, "syncflow_runs_running", items), 0)

        // An unreachable upstream: its calls retried, then its circuit breaker open.
        const dead = yield* call("POST", "/api/v1/connectors", {
          body: {
            id: "dead",
            adapter: "apismith",
            name: "Dead ERP",
            config: { baseUrl: "http://127.0.0.1:9" },
            credentials: { type: "serviceJwt", secret: Redacted.value(fake.secret) }
          }
        })
        assert.strictEqual(dead.status, 201)
        const broken = yield* eventually(
          Effect.gen(function* () {
            assert.notStrictEqual((yield* call("POST", "/api/v1/connectors/dead/discover")).status, 200)
            const metrics = yield* scrape
            return sampleValue(metrics, "syncflow_circuit_breaker_state", { host: "127.0.0.1:9" }) === 2
              ? Option.some(metrics)
              : Option.none()
          })
        )
        const retried = broken.samples.filter(
          (sample) => sample.name === "syncflow_upstream_retries_total" && sample.labels.host === "127.0.0.1:9"
        )
        assert.isAtLeast(
          retried.reduce((sum, sample) => sum + sample.value, 0),
          3
        )
        assert.strictEqual(
          sampleValue(broken, "syncflow_circuit_breaker_transitions_total", { host: "127.0.0.1:9", to: "open" }),
          1
        )
        assert.strictEqual(sampleValue(broken, "syncflow_rate_limit_budget_limit", { connector: "erp" }), 1000)
        assert.strictEqual(sampleValue(broken, "syncflow_rate_limit_budget_window_seconds", { connector: "erp" }), 1)
        assert.isDefined(sampleValue(broken, "syncflow_rate_limit_waits_total", { connector: "erp" }))
        assert.strictEqual(sampleValue(broken, "syncflow_entity_sync_interval_seconds", items), 300)

        // The alerting rules, the dashboard and the README read only metrics a scrape has.
        const seen = new Set([before, during, after, second, broken].flatMap((metrics) => [...metricNames(metrics)]))
        checkMonitoring(seen)

        // Deleting the connectors removes every one of their series.
        assert.strictEqual((yield* call("DELETE", "/api/v1/connectors/erp")).status, 204)
        assert.strictEqual((yield* call("DELETE", "/api/v1/connectors/dead")).status, 204)
        const gone = yield* scrape
        const left = gone.samples.filter(
          (sample) => sample.labels.connector === "erp" || sample.labels.connector === "dead"
        )
        assert.deepStrictEqual(left, [])
      }).pipe(Effect.scoped),
    // A real server, a sync of two windows and a CLI process on a loaded machine.
    spawningTimeout
  )
})
