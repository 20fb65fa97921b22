/**
 * OpenTelemetry end to end: the whole server, configured only by `OTEL_*` variables, exports to an
 * OTLP receiver on loopback (JSON encoding). A sync's trace has the sync, its windows, its upstream
 * requests and its database statements, each with the run id; its log records carry the trace and
 * span ids and their fields as attributes; the JSON log lines carry the same ids; health probes
 * and scrapes leave no INFO line and no trace.
 */
import { assert, layer } from "@effect/vitest"
import { FakeErp } from "@syncflow/apismith/testing"
import { PgTest } from "@syncflow/testing-pg"
import { ConfigProvider, Context, Effect, Layer, Logger, Option, Redacted } from "effect"
import { EntitySyncTriggered } from "../src/api/groups/EntitiesGroup.ts"
import { serverAppLayer } from "../src/app/ServerApp.ts"
import { structuredWithTrace } from "../src/observability/LogLines.ts"
import * as Otel from "../src/observability/Otel.ts"
import { finishedRun } from "./finishedRun.ts"
import { bodyAs, call, eventually, testServerOf, testSettings } from "./fixtures.ts"
import { type OtlpReceiver, otlpReceiver } from "./OtlpReceiver.ts"

/** The test's OTLP receiver. */
class Receiver extends Context.Service<Receiver, OtlpReceiver>()("test/Receiver") {}

/** The structured log lines the server wrote (as the JSON logger formats them, before encoding). */
class LogLines extends Context.Service<LogLines, Array<Record<string, unknown>>>()("test/LogLines") {}

const serverWithTelemetry = Layer.unwrap(
  Effect.gen(function* () {
    const url = yield* PgTest.databaseUrl
    const receiver = yield* Receiver
    const lines = yield* LogLines
    const env = ConfigProvider.fromUnknown({
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
      OTEL_EXPORTER_OTLP_PROTOCOL: "http/json",
      OTEL_EXPORTER_OTLP_HEADERS: "x-collector-token=otel%20secret",
      OTEL_RESOURCE_ATTRIBUTES: "deployment.environment=test",
      OTEL_BSP_SCHEDULE_DELAY: "100",
      OTEL_BLRP_SCHEDULE_DELAY: "100"
    })
    const captured = Logger.map(structuredWithTrace, (line) => {
      lines.push(line)
    })
    const telemetry = Layer.provideMerge(Otel.layer("9.9.9-test"), Logger.layer([captured])).pipe(
      Layer.provide(ConfigProvider.layer(env))
    )
    return testServerOf(serverAppLayer(testSettings(url))).pipe(Layer.provide(telemetry))
  })
).pipe(
  Layer.provideMerge(Layer.effect(Receiver, otlpReceiver)),
  Layer.provideMerge(Layer.succeed(LogLines, [])),
  Layer.provideMerge(PgTest.layer)
)

layer(serverWithTelemetry, { timeout: 120_000, excludeTestServices: true })("OpenTelemetry export", (it) => {
  it.effect(
    "a sync's trace, logs with trace ids, quiet probes",
    () =>
      Effect.gen(function* () {
        const receiver = yield* Receiver
        const lines = yield* LogLines
        const fake = yield* FakeErp.make({ seed: 11, rows: { items: 2200, customers: 5, orders: 5 } })
        const created = yield* call("POST", "/api/v1/connectors", {
          body: {
            id: "erp",
            adapter: "apismith",
            name: "ERP",
            config: { baseUrl: fake.baseUrl },
            credentials: { type: "serviceJwt", secret: Redacted.value(fake.secret) }
          }
        })
        assert.strictEqual(created.status, 201)
        assert.strictEqual((yield* call("POST", "/api/v1/connectors/erp/discover")).status, 200)
        const triggered = bodyAs(yield* call("POST", "/api/v1/connectors/erp/entities/items/sync"), EntitySyncTriggered)
        const run = yield* finishedRun("erp", "items")
        assert.strictEqual(run.status, "succeeded")
        assert.strictEqual(run.id, triggered.runId)

        // The trace: the sync, its window, its upstream requests and its statements, all naming the run.
        const ofRun = yield* eventually(
          Effect.sync(() => {
            const spans = receiver.spans.filter((span) => span.attributes.runId === run.id)
            return spans.some((span) => span.name === "sync") &&
              spans.some((span) => span.name === "close") &&
              spans.some((span) => span.attributes["db.query.text"] !== undefined)
              ? Option.some(spans)
              : Option.none()
          })
        )
        const sync = ofRun.find((span) => span.name === "sync")
        assert.isDefined(sync)
        assert.deepInclude(sync?.attributes, { connectorId: "erp", entity: "items", mode: "incremental" })
        assert.deepInclude(sync?.resource, {
          "service.name": "syncflow",
          "service.version": "9.9.9-test",
          "deployment.environment": "test"
        })
        const window = ofRun.find((span) => span.name === "SyncEngine.syncWindow")
        assert.deepInclude(window?.attributes, { connectorId: "erp", entity: "items" })
        assert.isDefined(ofRun.find((span) => span.name === "window/0"))
        const upstream = ofRun.filter((span) => String(span.attributes["url.full"]).startsWith(fake.baseUrl))
        // 2,200 items in pages of 1,000: three data requests, each its own span.
        assert.isAtLeast(upstream.filter((span) => String(span.attributes["url.full"]).includes("/data/")).length, 3)
        assert.isTrue(ofRun.some((span) => String(span.attributes["db.query.text"]).includes("INSERT INTO")))
        // One trace, from the HTTP trigger down to each statement.
        assert.isTrue(ofRun.every((span) => span.traceId === sync?.traceId))
        const byId = new Map(receiver.spans.map((span) => [span.spanId, span]))
        const ancestors = (span: (typeof ofRun)[number]) => {
          const names: Array<string> = []
          for (let at = byId.get(span.parentSpanId ?? ""); at !== undefined; at = byId.get(at.parentSpanId ?? "")) {
            names.push(at.name)
          }
          return names
        }
        for (const request of upstream) assert.include(ancestors(request), "sync")
        // The exporter sent the configured headers.
        assert.isTrue(
          receiver.exports.some((e) => e.path === "/v1/traces" && e.headers["x-collector-token"] === "otel secret")
        )

        // Logs: the sync's records carry its trace and span, their fields as attributes (not in the body).
        const finished = yield* eventually(
          Effect.sync(() =>
            Option.fromUndefinedOr(
              receiver.logs.find((log) => log.body === "sync finished" && log.attributes.runId === run.id)
            )
          )
        )
        assert.strictEqual(finished.traceId, sync?.traceId)
        assert.isDefined(finished.spanId)
        assert.deepInclude(finished.attributes, { connector: "erp", entity: "items", inserted: 2200 })
        const line = lines.find((entry) => entry.message === "sync finished")
        assert.strictEqual(line?.traceId, sync?.traceId)
        assert.isString(line?.spanId)
        assert.deepInclude(line?.annotations, { runId: run.id, inserted: 2200 })
        for (const entry of lines) assert.isString(entry.message, JSON.stringify(entry))

        // Probes and scrapes: no INFO line, no trace; other requests keep theirs.
        for (const path of ["/api/v1/health/live", "/api/v1/health/ready", "/api/v1/health", "/metrics"]) {
          assert.strictEqual((yield* call("GET", path, { token: null })).status, 200)
        }
        assert.strictEqual((yield* call("GET", "/api/v1/health/connectors")).status, 200)
        assert.strictEqual((yield* call("GET", "/api/v1/adapters")).status, 200)
        yield* eventually(
          Effect.sync(() =>
            receiver.spans.some((span) => span.attributes["url.path"] === "/api/v1/adapters") &&
            receiver.logs.some((log) => log.attributes["http.url"] === "/api/v1/adapters")
              ? Option.some(true)
              : Option.none()
          )
        )
        const probe = (url: unknown) => url === "/metrics" || String(url).startsWith("/api/v1/health")
        assert.isFalse(receiver.logs.some((log) => probe(log.attributes["http.url"])))
        assert.isFalse(lines.some((entry) => probe((entry.annotations as Record<string, unknown>)["http.url"])))
        // (The connectors' probe itself is traced: its request to the ERP's own /api/v1/health.)
        const served = receiver.spans.filter((span) => !String(span.attributes["url.full"]).startsWith(fake.baseUrl))
        assert.isFalse(served.some((span) => probe(span.attributes["url.path"])))
      }).pipe(Effect.scoped),
    120_000
  )
})
