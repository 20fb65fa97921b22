/**
 * OpenTelemetry export, configured only by the standard `OTEL_*` environment variables: traces,
 * metrics and logs over OTLP/HTTP through Effect's `Otlp.layerFromConfig`.
 *
 * What Effect reads itself: `OTEL_SDK_DISABLED`, `OTEL_EXPORTER_OTLP_ENDPOINT` (`/v1/traces`,
 * `/v1/metrics` and `/v1/logs` below it) and the per-signal `OTEL_EXPORTER_OTLP_{TRACES,METRICS,LOGS}_ENDPOINT`
 * (used as given), `OTEL_EXPORTER_OTLP_HEADERS` and the per-signal `..._HEADERS`, `..._COMPRESSION`,
 * `..._TIMEOUT`, `OTEL_{TRACES,METRICS,LOGS}_EXPORTER`, `OTEL_RESOURCE_ATTRIBUTES`, `OTEL_SERVICE_NAME`,
 * `OTEL_SERVICE_VERSION`, `OTEL_BSP_*`, `OTEL_BLRP_*`, `OTEL_METRIC_EXPORT_INTERVAL`.
 *
 * What this module adds, as the OpenTelemetry specification says: a signal whose
 * `OTEL_<SIGNAL>_EXPORTER` is unset exports with `otlp` (Effect exports nothing then), the service
 * name defaults to `syncflow` and its version to this build's, and `OTEL_EXPORTER_OTLP_PROTOCOL`
 * picks the encoding: `http/protobuf` (the default) or `http/json`; `grpc` is refused at startup.
 * Nothing is exported while no endpoint is set.
 */
import { Config, ConfigProvider, Effect, Layer, Schema } from "effect"
import { FetchHttpClient } from "effect/http"
import { Otlp, type OtlpExporter, OtlpSerialization } from "effect/observability"

/** The OTLP encodings SyncFlow speaks (`OTEL_EXPORTER_OTLP_PROTOCOL`). */
export const OtlpProtocol = Schema.Literals(["http/protobuf", "http/json"])

/** `OTEL_EXPORTER_OTLP_PROTOCOL`: `http/protobuf` unless set. */
export const protocolConfig: Config.Config<typeof OtlpProtocol.Type> = Config.schema(
  OtlpProtocol,
  "OTEL_EXPORTER_OTLP_PROTOCOL"
).pipe(Config.withDefault("http/protobuf" as const))

/** Whether `OTEL_RESOURCE_ATTRIBUTES` names the service (then it wins over SyncFlow's default name). */
const resourceNamesService = Config.Record(Schema.String, Schema.String, "OTEL_RESOURCE_ATTRIBUTES", {
  trim: true,
  keepEmptyValues: true
}).pipe(
  Config.map((attributes) => attributes["service.name"] !== undefined),
  Config.withDefault(false)
)

/**
 * The defaults the specification gives and Effect leaves unset, consulted only when the
 * environment has no value: every signal exported with `otlp`, the service named `syncflow` (unless
 * `OTEL_RESOURCE_ATTRIBUTES` names it), its version this build's.
 */
export const defaults = (version: string, namedByResource: boolean): ConfigProvider.ConfigProvider =>
  ConfigProvider.fromUnknown({
    OTEL_TRACES_EXPORTER: "otlp",
    OTEL_METRICS_EXPORTER: "otlp",
    OTEL_LOGS_EXPORTER: "otlp",
    ...(namedByResource ? {} : { OTEL_SERVICE_NAME: "syncflow" }),
    OTEL_SERVICE_VERSION: version
  })

/**
 * Traces, metrics and logs exported as the `OTEL_*` variables say (logs also still go to stderr:
 * the OTLP logger joins the loggers already installed). A wrong `OTEL_EXPORTER_OTLP_PROTOCOL` is a
 * `ConfigError` naming it.
 */
export const layer = (version: string): Layer.Layer<OtlpExporter.Flusher, Config.ConfigError> =>
  Layer.unwrap(
    Effect.gen(function* () {
      const protocol = yield* protocolConfig
      const namedByResource = yield* resourceNamesService
      const serialization = protocol === "http/json" ? OtlpSerialization.layerJson : OtlpSerialization.layerProtobuf
      return Otlp.layerFromConfig().pipe(
        Layer.provide([serialization, FetchHttpClient.layer]),
        Layer.provide(ConfigProvider.layerAdd(defaults(version, namedByResource)))
      )
    })
  )
