/**
 * SyncFlow's log lines on stderr: one JSON object per line (or logfmt for a terminal) with the
 * level, the message, the fiber's annotations (an event's fields: `connector`, `entity`, `runId`...)
 * and, inside a span, the `traceId` and `spanId` of the trace it belongs to, so a log line leads to
 * its trace (and the OTLP logs carry the same ids).
 */
import { Context, type Layer, Logger, Option, Tracer } from "effect"
import * as Formatter from "effect/Formatter"

/** The trace and span a log line was written in, when it was written inside a span. */
export const traceIdsOf = (
  fiberContext: Context.Context<never>
): { readonly traceId: string; readonly spanId: string } | undefined =>
  Option.match(Context.getOption(fiberContext, Tracer.ParentSpan), {
    onNone: () => undefined,
    onSome: (span) => ({ traceId: span.traceId.padStart(32, "0"), spanId: span.spanId })
  })

/** The structured line: Effect's (level, message, annotations, spans, cause) with the trace ids. */
export const structuredWithTrace = Logger.make((options) => {
  const structured = Logger.formatStructured.log(options)
  const ids = traceIdsOf(options.fiber.context)
  return ids === undefined ? structured : { ...structured, ...ids }
})

/** JSON lines with trace ids. */
export const formatJsonWithTrace = Logger.map(structuredWithTrace, Formatter.formatJson)

/** logfmt lines (Effect's) ending with the trace ids. */
export const formatLogFmtWithTrace = Logger.make((options) => {
  const line = Logger.formatLogFmt.log(options)
  const ids = traceIdsOf(options.fiber.context)
  return ids === undefined ? line : `${line} traceId=${ids.traceId} spanId=${ids.spanId}`
})

/** The logger: JSON lines (or logfmt) on stderr, so command output on stdout stays clean. */
export const loggerLayer = (settings: { readonly logFormat: "json" | "pretty" }): Layer.Layer<never> =>
  settings.logFormat === "pretty"
    ? Logger.layer([Logger.withConsoleError(formatLogFmtWithTrace)])
    : Logger.layer([Logger.withConsoleError(formatJsonWithTrace)])
