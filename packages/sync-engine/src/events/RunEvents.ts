/**
 * Following a run live, from any process: the engine publishes each event with PostgreSQL `NOTIFY`
 * (a window's inside its transaction, so exactly the committed windows are seen), and each process
 * holds one `LISTEN` while someone follows, fanning the events out to its followers through a PubSub.
 */
import { PgClient } from "@effect/sql-pg"
import { Context, DateTime, Duration, Effect, Layer, Option, PubSub, RcRef, Result, Schema, Stream } from "effect"
import type { SqlError } from "effect/sql"
import { RunStore } from "../state/RunStore.ts"
import { RunNotFound, type StateStoreError } from "../state/StateStoreError.ts"
import { publishRunEvent, RunEventJson, runEventsChannel } from "./publishRunEvent.ts"
import type { RunEvent } from "./RunEvent.ts"
import { runFinishedOf, runStartedOf, windowCommittedOf } from "./RunProgress.ts"

const decode = Schema.decodeUnknownEffect(RunEventJson)

/** How often a follower's stream looks whether its run has ended without saying so. */
const endCheckInterval = Duration.seconds(10)

/** Publishes and follows run events. */
export class RunEvents extends Context.Service<
  RunEvents,
  {
    /** Sends an event to every follower of its run (on the current transaction, if any: delivered on commit). */
    readonly publish: (event: RunEvent) => Effect.Effect<void, SqlError.SqlError>
    /**
     * A run's events, in order, ending with its `RunFinished`. A finished run yields its
     * `RunFinished` at once; a running one first yields a snapshot (`RunStarted`, then a
     * `WindowCommitted` with the counts so far once it has fetched anything), then what comes.
     */
    readonly subscribe: (runId: string) => Stream.Stream<RunEvent, RunNotFound | StateStoreError | SqlError.SqlError>
  }
>()("@syncflow/sync-engine/events/RunEvents") {
  /** Run events over the state store's PostgreSQL database. */
  static readonly layer: Layer.Layer<RunEvents, never, PgClient.PgClient | RunStore> = Layer.effect(
    RunEvents,
    Effect.gen(function* () {
      const pg = yield* PgClient.PgClient
      const runStore = yield* RunStore
      // One LISTEN per process while anyone follows a run, released with the last follower.
      const hub = yield* RcRef.make({
        acquire: Effect.gen(function* () {
          const pubsub = yield* PubSub.unbounded<RunEvent>()
          const notifications = yield* pg.listen(runEventsChannel)
          yield* Stream.fromQueue(notifications).pipe(
            Stream.mapEffect((notification) => decode(notification.payload).pipe(Effect.option)),
            Stream.runForEach((event) => (Option.isSome(event) ? PubSub.publish(pubsub, event.value) : Effect.void)),
            Effect.tapCause((cause) => Effect.logWarning("run events listener stopped", cause)),
            Effect.forkScoped
          )
          return pubsub
        })
      })

      const subscribe = (runId: string) =>
        Stream.unwrap(
          Effect.gen(function* () {
            const subscription = yield* PubSub.subscribe(yield* RcRef.get(hub))
            const found = yield* runStore.getRun(runId)
            if (Option.isNone(found)) return yield* new RunNotFound({ runId })
            const run = found.value
            if (run.status !== "running") return Stream.make(runFinishedOf(run))
            const snapshot: Array<RunEvent> = [runStartedOf(run)]
            if (run.fetched > 0) snapshot.push(windowCommittedOf(run, 0, null, yield* DateTime.now))
            // A run that ends without a RunFinished (marked abandoned by the sweep, or a notification
            // lost with a dropped LISTEN connection) still ends its followers' streams: its row says so.
            const ended = Stream.tick(endCheckInterval).pipe(
              Stream.drop(1),
              Stream.mapEffect(() => runStore.getRun(runId)),
              Stream.filterMap((row) =>
                Option.isSome(row) && row.value.status !== "running"
                  ? Result.succeed<RunEvent>(runFinishedOf(row.value))
                  : Result.failVoid
              )
            )
            const live = Stream.fromSubscription(subscription).pipe(
              Stream.filter((event) => event.runId === runId),
              Stream.merge(ended),
              Stream.takeUntil((event) => event._tag === "RunFinished")
            )
            return Stream.concat(Stream.fromIterable(snapshot), live)
          })
        )

      return RunEvents.of({ publish: (event) => publishRunEvent(pg, event), subscribe })
    })
  )
}
