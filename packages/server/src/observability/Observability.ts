/**
 * Logs and traces: structured JSON log lines on stderr (one object per line, with the fiber's
 * annotations such as `connector`, `entity`, `runId` and the span), or logfmt ones for a terminal;
 * OpenTelemetry traces exported over OTLP/HTTP when `OTEL_EXPORTER_OTLP_ENDPOINT` is set.
 */
import { Layer, Logger, Option } from "effect"
import { FetchHttpClient } from "effect/http"
import { OtlpSerialization, OtlpTracer } from "effect/observability"
import type { ServerSettings } from "../config/ServerConfig.ts"

/** The logger: JSON lines (or logfmt) on stderr, so command output on stdout stays clean. */
export const loggerLayer = (settings: Pick<ServerSettings, "logFormat">): Layer.Layer<never> =>
  settings.logFormat === "pretty"
    ? Logger.layer([Logger.withConsoleError(Logger.formatLogFmt)])
    : Logger.layer([Logger.withConsoleError(Logger.formatJson)])

/** The OTLP trace exporter, when an endpoint is configured; nothing otherwise. */
export const tracingLayer = (
  settings: Pick<ServerSettings, "otlpEndpoint" | "serviceName">,
  version: string
): Layer.Layer<never> =>
  Option.match(settings.otlpEndpoint, {
    onNone: () => Layer.empty,
    onSome: (endpoint) =>
      OtlpTracer.layer({
        url: `${endpoint.replace(/\/+$/, "")}/v1/traces`,
        resource: { serviceName: settings.serviceName, serviceVersion: version }
      }).pipe(Layer.provide(OtlpSerialization.layerJson), Layer.provide(FetchHttpClient.layer))
  })

/** Logs and traces. */
export const layer = (settings: ServerSettings, version: string): Layer.Layer<never> =>
  Layer.mergeAll(loggerLayer(settings), tracingLayer(settings, version))
