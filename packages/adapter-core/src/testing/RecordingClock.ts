/**
 * A clock for tests that reports every sleep it is asked for, so a test can wait until the code
 * under test is sleeping, check how long, and then move the TestClock exactly that far.
 */
import { Clock, Duration, Effect, Queue } from "effect"

/** A clock that records the duration of every sleep, wrapped around the current clock. */
export interface RecordingClock {
  readonly clock: Clock.Clock
  /** The next sleep that starts, in milliseconds (waits for one if none is pending). */
  readonly nextSleep: Effect.Effect<number>
}

/** Wraps the current clock (the TestClock under `it.effect`). */
export const make: Effect.Effect<RecordingClock> = Effect.gen(function* () {
  const inner = yield* Clock.Clock
  const sleeps = yield* Queue.unbounded<number>()
  const clock: Clock.Clock = {
    currentTimeMillisUnsafe: () => inner.currentTimeMillisUnsafe(),
    currentTimeMillis: inner.currentTimeMillis,
    currentTimeNanosUnsafe: () => inner.currentTimeNanosUnsafe(),
    currentTimeNanos: inner.currentTimeNanos,
    monotonicTimeNanosUnsafe: () => inner.monotonicTimeNanosUnsafe(),
    monotonicTimeNanos: inner.monotonicTimeNanos,
    sleep: (duration: Duration.Duration) =>
      Queue.offer(sleeps, Math.round(Duration.toMillis(duration))).pipe(Effect.andThen(inner.sleep(duration)))
  }
  return { clock, nextSleep: Queue.take(sleeps) }
})
