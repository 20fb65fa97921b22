/**
 * An adapter whose listings wait at a gate: each listing signals `started`, then waits until `gate`
 * is opened before its first page. A test holds a sync mid-listing this way, with no sleep.
 */
import type { Adapter } from "@syncflow/adapter-core"
import { Deferred, Effect, Stream } from "effect"

/** The gate a gated adapter's listings wait at. */
export interface Gate {
  /** Completed when a listing has reached the gate. */
  readonly started: Deferred.Deferred<void>
  /** Opened by the test: listings go on. */
  readonly gate: Deferred.Deferred<void>
}

/** A new closed gate. */
export const makeGate: Effect.Effect<Gate> = Effect.gen(function* () {
  return { started: yield* Deferred.make<void>(), gate: yield* Deferred.make<void>() }
})

/** `adapter`, its listings waiting at `gate` (once it is open, they no longer wait). */
export const gated = (adapter: Adapter, gate: Gate): Adapter => ({
  ...adapter,
  streamPages: (entity, options) =>
    Stream.unwrap(
      Deferred.succeed(gate.started, undefined).pipe(
        Effect.andThen(Deferred.await(gate.gate)),
        Effect.as(adapter.streamPages(entity, options))
      )
    )
})
