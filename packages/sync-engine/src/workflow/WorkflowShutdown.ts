/**
 * Prompt shutdown of a runner in the middle of a sync (SIGTERM).
 *
 * effect/cluster runs workflow activities uninterruptibly (`ClusterWorkflowEngine` wraps every
 * activity request with `Rpc.wrap({ uninterruptible: true })`), and when a runner shuts down it
 * skips interrupting uninterruptible requests: it waits for each entity's requests to end, up to
 * `entityTerminationTimeout` (15 s by default) per entity. A window activity fetching a slow
 * upstream thus held a `syncflow serve` that received SIGTERM for as long as its window took.
 *
 * The workflows therefore carry their own signal: `SyncWorkflows`' layer completes it when it is
 * released, which happens before the cluster's entities are drained (the workflows' layers are
 * built after the cluster, so they are released before it). A window activity races its work
 * against the signal: on shutdown it interrupts the window (an uncommitted window's transaction
 * rolls back: nothing half-written, the committed windows stay) and waits, unanswered, until the
 * runner gives up on it after `entityTerminationTimeout` (2 s in `SyncCluster.defaultTuning`).
 * Unanswered, the activity is replayed by the next runner to start, which continues the listing
 * from its committed checkpoint.
 */
import { Context, Deferred, Effect, Layer, Option } from "effect"

/** Completed when the runner's workflows are being shut down. */
export class WorkflowShutdown extends Context.Service<WorkflowShutdown, { readonly signal: Deferred.Deferred<void> }>()(
  "@syncflow/sync-engine/workflow/WorkflowShutdown"
) {
  /** A signal not yet given; `signalOnRelease` gives it. */
  static readonly layer: Layer.Layer<WorkflowShutdown> = Layer.effect(
    WorkflowShutdown,
    Effect.map(Deferred.make<void>(), (signal) => WorkflowShutdown.of({ signal }))
  )
}

/** Gives the shutdown signal when the current scope closes (call it in the outermost workflow layer). */
export const signalOnRelease = Effect.gen(function* () {
  const { signal } = yield* WorkflowShutdown
  yield* Effect.addFinalizer(() => Deferred.succeed(signal, undefined))
})

/**
 * Runs an activity's work until the runner shuts down. On shutdown the work is interrupted and the
 * activity never answers: it is replayed by the next runner (see the module comment).
 */
export const untilShutdown = <A, E, R>(work: Effect.Effect<A, E, R>) =>
  Effect.gen(function* () {
    const shutdown = yield* Effect.serviceOption(WorkflowShutdown)
    if (Option.isNone(shutdown)) return yield* work
    const outcome = yield* Effect.raceFirst(
      Effect.interruptible(Effect.map(work, Option.some)),
      Effect.as(Deferred.await(shutdown.value.signal), Option.none<A>())
    )
    if (Option.isSome(outcome)) return outcome.value
    yield* Effect.logInfo("runner shutting down: the window stops uncommitted and resumes on the next start")
    return yield* Effect.interruptible(Effect.never)
  })
