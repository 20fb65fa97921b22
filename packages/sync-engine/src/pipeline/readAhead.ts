/**
 * Reading one element ahead of a stream's consumer: while the consumer handles an element (the
 * engine commits a window), the next one is pulled (the next window fetched, parsed and staged),
 * and no further. `Stream.buffer({ capacity: 1 })` holds one element in its queue and pulls another
 * while it waits to offer it, so three windows lived at once; here at most two do.
 */
import { Effect, Fiber, Stream } from "effect"

/** `self`, its next element pulled while the consumer handles the current one (at most one ahead). */
export const readAhead = <A, E, R>(self: Stream.Stream<A, E, R>): Stream.Stream<A, E, R> =>
  Stream.transformPull(self, (pull, scope) =>
    Effect.sync(() => {
      let ahead: Fiber.Fiber<Effect.Success<typeof pull>, Effect.Error<typeof pull>> | undefined
      return Effect.gen(function* () {
        const current = ahead ?? (yield* Effect.forkIn(pull, scope))
        const chunk = yield* Fiber.join(current)
        ahead = yield* Effect.forkIn(pull, scope)
        return chunk
      })
    })
  )
