/**
 * The OpenTelemetry export as the `OTEL_*` variables configure it, against a receiver on loopback
 * (each export flushed explicitly, no waiting): the specification's defaults where Effect has none
 * (exporters `otlp`, protocol `http/protobuf`, service `syncflow`), per-signal endpoints,
 * `OTEL_RESOURCE_ATTRIBUTES` naming the service, `OTEL_SDK_DISABLED`, and `grpc` refused.
 */
import { assert, describe, it } from "@effect/vitest"
import { ConfigProvider, Effect, Layer } from "effect"
import { OtlpExporter } from "effect/observability"
import * as Otel from "../src/observability/Otel.ts"
import { otlpReceiver } from "./OtlpReceiver.ts"

/** Builds the export for `env`, traces one span, flushes. */
const exportOneSpan = (env: Record<string, string>) =>
  Effect.gen(function* () {
    const flusher = yield* OtlpExporter.Flusher
    yield* Effect.void.pipe(Effect.withSpan("probe-span"))
    yield* flusher.flush
  }).pipe(
    Effect.provide(Otel.layer("1.2.3").pipe(Layer.provide(ConfigProvider.layer(ConfigProvider.fromUnknown(env))))),
    Effect.scoped
  )

describe("Otel", () => {
  it.live("exports traces over OTLP/HTTP protobuf to <endpoint>/v1/traces by default, as syncflow", () =>
    Effect.gen(function* () {
      const receiver = yield* otlpReceiver
      yield* exportOneSpan({ OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url })
      const traces = receiver.exports.filter((e) => e.path === "/v1/traces")
      assert.strictEqual(traces.length, 1)
      assert.strictEqual(traces[0]?.headers["content-type"], "application/x-protobuf")
    }).pipe(Effect.scoped)
  )

  it.live("per-signal endpoints, headers, and the service named by OTEL_RESOURCE_ATTRIBUTES", () =>
    Effect.gen(function* () {
      const receiver = yield* otlpReceiver
      yield* exportOneSpan({
        OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: `${receiver.url}/collector/traces`,
        OTEL_EXPORTER_OTLP_PROTOCOL: "http/json",
        OTEL_EXPORTER_OTLP_HEADERS: "authorization=Bearer%20abc",
        OTEL_RESOURCE_ATTRIBUTES: "service.name=syncflow-eu,deployment.environment=prod"
      })
      assert.deepStrictEqual(
        receiver.exports.map((e) => [e.path, e.headers.authorization]),
        [["/collector/traces", "Bearer abc"]]
      )
      const [span] = receiver.spans
      assert.strictEqual(span?.name, "probe-span")
      assert.deepInclude(span?.resource, {
        "service.name": "syncflow-eu",
        "service.version": "1.2.3",
        "deployment.environment": "prod"
      })
    }).pipe(Effect.scoped)
  )

  it.live("OTEL_SERVICE_NAME names the service; the defaults name it syncflow", () =>
    Effect.gen(function* () {
      const receiver = yield* otlpReceiver
      const json = { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_EXPORTER_OTLP_PROTOCOL: "http/json" }
      yield* exportOneSpan(json)
      yield* exportOneSpan({ ...json, OTEL_SERVICE_NAME: "sync-west", OTEL_TRACES_EXPORTER: "otlp" })
      assert.deepStrictEqual(
        receiver.spans.map((span) => span.resource["service.name"]),
        ["syncflow", "sync-west"]
      )
    }).pipe(Effect.scoped)
  )

  it.live("exports nothing when OTEL_SDK_DISABLED is true, or a signal's exporter is none", () =>
    Effect.gen(function* () {
      const receiver = yield* otlpReceiver
      yield* exportOneSpan({ OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_SDK_DISABLED: "true" })
      yield* exportOneSpan({})
      assert.deepStrictEqual(receiver.exports, [])
      yield* exportOneSpan({ OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_TRACES_EXPORTER: "none" })
      const paths = receiver.exports.map((e) => e.path)
      assert.notInclude(paths, "/v1/traces")
      assert.include(paths, "/v1/metrics")
    }).pipe(Effect.scoped)
  )

  it.effect("refuses a protocol it does not speak (grpc), naming the variable", () =>
    Effect.gen(function* () {
      const error = yield* exportOneSpan({
        OTEL_EXPORTER_OTLP_ENDPOINT: "http://127.0.0.1:9",
        OTEL_EXPORTER_OTLP_PROTOCOL: "grpc"
      }).pipe(Effect.flip)
      assert.strictEqual(error._tag, "ConfigError")
      assert.include(String(error), "OTEL_EXPORTER_OTLP_PROTOCOL")
    })
  )
})
