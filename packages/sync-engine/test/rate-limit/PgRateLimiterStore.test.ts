/**
 * The PostgreSQL `RateLimiterStore` under Effect's `RateLimiter`: concurrent consumers of one
 * budget (two stores, as two processes would have) get exactly the limit, and budgets are per key.
 */
import { assert, layer } from "@effect/vitest"
import { PgTest } from "@syncflow/testing-pg"
import { Duration, Effect } from "effect"
import { RateLimiter } from "effect/persistence"
import * as PgRateLimiterStore from "../../src/rate-limit/PgRateLimiterStore.ts"

layer(PgTest.layer, { timeout: 60_000, excludeTestServices: true })("PgRateLimiterStore", (it) => {
  it.effect("admits exactly the limit among concurrent consumers of two stores, per key", () =>
    Effect.gen(function* () {
      const limiterOf = Effect.provide(RateLimiter.make, PgRateLimiterStore.layer({ prefix: "test:" }))
      const [one, two] = yield* Effect.all([limiterOf, limiterOf])
      const attempt = (limiter: RateLimiter.RateLimiter, key: string) =>
        limiter.consume({ key, limit: 10, window: "1 hour", onExceeded: "fail" }).pipe(
          Effect.as(true),
          Effect.catch(() => Effect.succeed(false))
        )
      const results = yield* Effect.all(
        Array.from({ length: 30 }, (_, i) => attempt(i % 2 === 0 ? one : two, "budget")),
        { concurrency: 10 }
      )
      assert.strictEqual(results.filter(Boolean).length, 10)
      // Another key has its own budget.
      assert.isTrue(yield* attempt(one, "other"))
      // A token bucket delays instead of refusing once it is empty.
      const bucket = {
        key: "bucket",
        limit: 2,
        window: "1 hour",
        algorithm: "token-bucket",
        onExceeded: "delay"
      } as const
      const first = yield* two.consume(bucket)
      yield* one.consume(bucket)
      const third = yield* one.consume(bucket)
      assert.strictEqual(Duration.toMillis(first.delay), 0)
      assert.isAbove(Duration.toMillis(third.delay), 0)
    })
  )

  it.effect("adaptive limits: inactive until the upstream says 429, then a cooldown every store sees", () =>
    Effect.gen(function* () {
      const storeOf = Effect.provide(
        Effect.gen(function* () {
          return yield* RateLimiter.RateLimiterStore
        }),
        PgRateLimiterStore.layer({ prefix: "ad:" })
      )
      const [one, two] = yield* Effect.all([storeOf, storeOf])
      const consume = { key: "upstream", tokens: 1, fallbackLimit: 10, fallbackWindow: Duration.seconds(10) }
      // Nothing is known yet: no delay, and nothing fails (the state is stored as "none").
      const fresh = yield* one.adaptiveConsume(consume)
      assert.strictEqual(fresh.phase, "inactive")
      assert.strictEqual(Duration.toMillis(fresh.delay), 0)
      assert.strictEqual((yield* two.adaptiveConsume(consume)).phase, "inactive")
      // The upstream answers 429 with Retry-After: the other store (another process) waits too.
      yield* one.adaptiveFeedback({
        key: "upstream",
        epoch: fresh.epoch,
        tokens: 1,
        status: 429,
        retryAfter: Duration.seconds(30)
      })
      const after = yield* two.adaptiveConsume(consume)
      assert.strictEqual(after.phase, "cooldown")
      assert.isAbove(Duration.toMillis(after.delay), 20_000)
    })
  )
})
