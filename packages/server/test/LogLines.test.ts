/**
 * The log lines on stderr, JSON and logfmt: inside a span they end with its trace and span ids,
 * outside none; an event's fields are annotations, its message a string.
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect, Logger } from "effect"
import { formatJsonWithTrace, formatLogFmtWithTrace } from "../src/observability/LogLines.ts"

/** The lines `logger` writes for one event inside a span and one outside, and the span. */
const linesOf = (logger: Logger.Logger<unknown, string>) =>
  Effect.gen(function* () {
    const lines: Array<string> = []
    const span = yield* Effect.gen(function* () {
      yield* Effect.logInfo("sync finished").pipe(Effect.annotateLogs({ runId: "run-1", inserted: 3 }))
      return yield* Effect.currentSpan
    }).pipe(
      Effect.withSpan("sync"),
      Effect.andThen((span) => Effect.as(Effect.logInfo("idle"), span)),
      Effect.provide(Logger.layer([Logger.map(logger, (line) => void lines.push(line))]))
    )
    return { lines, span }
  })

describe("log lines", () => {
  it.effect("JSON: the trace and span ids inside a span, the fields as annotations", () =>
    Effect.gen(function* () {
      const { lines, span } = yield* linesOf(formatJsonWithTrace)
      const [inside, outside] = lines.map((line) => JSON.parse(line) as Record<string, unknown>)
      assert.deepInclude(inside, {
        message: "sync finished",
        level: "INFO",
        annotations: { runId: "run-1", inserted: 3 },
        traceId: span.traceId.padStart(32, "0"),
        spanId: span.spanId
      })
      assert.deepInclude(outside, { message: "idle" })
      assert.notProperty(outside, "traceId")
      assert.notProperty(outside, "spanId")
    })
  )

  it.effect("logfmt: the trace and span ids at the end inside a span", () =>
    Effect.gen(function* () {
      const { lines, span } = yield* linesOf(formatLogFmtWithTrace)
      assert.match(lines[0] ?? "", /message="sync finished".* runId=run-1 inserted=3/)
      assert.isTrue(lines[0]?.endsWith(` traceId=${span.traceId.padStart(32, "0")} spanId=${span.spanId}`))
      assert.notInclude(lines[1] ?? "", "traceId=")
    })
  )
})
