/**
 * The live progress of `syncflow sync`: while the sync runs, this process listens to the run events
 * every sync publishes (PostgreSQL `NOTIFY`, see `RunEvents`), keeps those of the connector's
 * entities being synced, and writes them to stderr as `ProgressView` renders them. Stdout keeps
 * only the command's result (so `--json` stays parseable).
 *
 * On a terminal (stderr a TTY, no `--json`) the bars are redrawn in place, and everything the sync
 * prints through `Console` — its log lines included, which the logger writes through `Console` —
 * is printed above the bars instead of into them. Off a terminal: plain lines; `--json`: JSON lines.
 */
import { format } from "node:util"
import { PgClient } from "@effect/sql-pg"
import { type RunEvent, RunEventJson, runEventsChannel } from "@syncflow/sync-engine"
import { Console, Deferred, Duration, Effect, Fiber, Option, Result, Schema, Stream } from "effect"
import {
  aboveBars,
  applyEvent,
  barLines,
  emptyProgress,
  jsonLine,
  type ProgressState,
  type ProgressStyle,
  plainLine,
  redraw
} from "./ProgressView.ts"

const decode = Schema.decodeUnknownEffect(RunEventJson)

/** How long to wait, once the sync has returned, for the last runs' `RunFinished` to arrive. */
const drainTimeout = Duration.seconds(2)

/** The style for this invocation: JSON lines with `--json`, bars on a terminal, plain lines otherwise. */
export const progressStyle = (json: boolean): ProgressStyle =>
  json ? "json" : process.stderr.isTTY === true ? "tty" : "plain"

/** A writer of progress to stderr that keeps the bars below whatever else is printed. */
const makeDisplay = (style: ProgressStyle) => {
  let state: ProgressState = emptyProgress
  let drawn = 0
  // A terminal that reports no size (0 columns) is taken as 80 wide; one column spare so lines never wrap.
  const width = () => {
    const columns = process.stderr.columns ?? 0
    return Math.max(20, (columns > 0 ? columns : 80) - 1)
  }
  const write = (text: string) => {
    process.stderr.write(text)
  }
  return {
    event: (event: RunEvent) => {
      if (style === "json") return write(`${jsonLine(event)}\n`)
      if (style === "plain") {
        const line = plainLine(event)
        return line === undefined ? undefined : write(`${line}\n`)
      }
      state = applyEvent(state, event)
      const lines = barLines(state, width())
      write(redraw(drawn, lines))
      drawn = lines.length
    },
    /** Prints `text` above the bars (on a terminal) or as it is. */
    print: (text: string) => {
      if (style !== "tty" || drawn === 0) return write(text.endsWith("\n") ? text : `${text}\n`)
      write(aboveBars(drawn, text, barLines(state, width())))
    }
  }
}

/** A `Console` whose output goes through `print` (above the bars); the rest as the default console. */
const routedConsole = (print: (text: string) => void): Console.Console => {
  const line = (...args: ReadonlyArray<unknown>) => print(format(...args))
  return { ...globalThis.console, log: line, info: line, warn: line, error: line, debug: line, trace: line }
}

/**
 * Runs `sync` (which returns the ids of the runs it made) while showing the progress of the runs of
 * `connectorId`'s `entities`, in `style`.
 */
export const withProgress = <A, E, R>(
  connectorId: string,
  entities: ReadonlyArray<string>,
  style: ProgressStyle,
  sync: Effect.Effect<A, E, R>,
  runIds: (result: A) => ReadonlyArray<string>
) =>
  Effect.scoped(
    Effect.gen(function* () {
      const pg = yield* PgClient.PgClient
      const display = makeDisplay(style)
      const followed = new Set(entities)
      const ended = new Set<string>()
      let waitingFor: ReadonlySet<string> | undefined
      const allEnded = yield* Deferred.make<void>()
      const notifications = yield* pg.listen(runEventsChannel)
      const listener = yield* Stream.fromQueue(notifications).pipe(
        Stream.mapEffect((notification) => decode(notification.payload).pipe(Effect.option)),
        Stream.filterMap((event) =>
          Option.isSome(event) && event.value.connectorId === connectorId && followed.has(event.value.entity)
            ? Result.succeed(event.value)
            : Result.failVoid
        ),
        Stream.runForEach((event) =>
          Effect.gen(function* () {
            display.event(event)
            if (event._tag !== "RunFinished") return
            ended.add(event.runId)
            if (waitingFor !== undefined && [...waitingFor].every((id) => ended.has(id))) {
              yield* Deferred.succeed(allEnded, undefined)
            }
          })
        ),
        Effect.ignore,
        Effect.forkScoped
      )
      const routed = style === "tty" ? Effect.provideService(sync, Console.Console, routedConsole(display.print)) : sync
      const result = yield* routed
      // The last events may still be on their way: wait for every run's end, briefly.
      waitingFor = new Set(runIds(result))
      if ([...waitingFor].every((id) => ended.has(id))) yield* Deferred.succeed(allEnded, undefined)
      yield* Deferred.await(allEnded).pipe(Effect.timeoutOption(drainTimeout))
      yield* Fiber.interrupt(listener)
      return result
    })
  )
