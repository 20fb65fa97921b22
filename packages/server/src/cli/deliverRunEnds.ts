/**
 * A CLI sync's run ends reach their subscribed workflows without a server: one delivery pass of the
 * run-notification outbox when the command's runs have ended. What cannot be delivered stays in the
 * outbox, with its next attempt, for a server (`syncflow serve` delivers in the background).
 */
import { RunNotifier } from "@syncflow/n8n"
import { Effect, Exit } from "effect"

/** Delivers the due run notifications once; a failing pass is logged, never the command's failure. */
export const deliverRunEnds = Effect.gen(function* () {
  const notifier = yield* RunNotifier
  yield* notifier.deliverDue.pipe(
    Effect.catchCause((cause) => Effect.logWarning("run notifications: the delivery pass failed", cause))
  )
})

/** Runs a command's syncs, then delivers their run ends (failed runs' too), unless it was interrupted. */
export const deliveringRunEnds = <A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<A, E, R | RunNotifier> =>
  effect.pipe(Effect.onExit((exit) => (Exit.hasInterrupts(exit) ? Effect.void : deliverRunEnds)))
