/**
 * Logs and telemetry of `syncflow serve`: structured log lines on stderr (see `LogLines`) and the
 * OpenTelemetry export of traces, metrics and logs the `OTEL_*` environment variables configure
 * (see `Otel`).
 */
import { type Config, Layer } from "effect"
import type { OtlpExporter } from "effect/observability"
import type { ServerSettings } from "../config/ServerConfig.ts"
import { loggerLayer } from "./LogLines.ts"
import * as Otel from "./Otel.ts"

export { loggerLayer } from "./LogLines.ts"

/**
 * Logs and telemetry: the OTLP exporters are built over the stderr logger, so the OTLP logger joins
 * it rather than replacing it.
 */
export const layer = (
  settings: Pick<ServerSettings, "logFormat">,
  version: string
): Layer.Layer<OtlpExporter.Flusher, Config.ConfigError> =>
  Layer.provideMerge(Otel.layer(version), loggerLayer(settings))
