import { randomUUID } from "node:crypto"
import { NodeHttpClient, NodeRedis } from "@effect/platform-node"
import { assert, describe, it } from "@effect/vitest"
import { Clock, Context, Duration, Effect, Fiber, Layer } from "effect"
import { HttpClient } from "effect/http"
import { RateLimiter } from "effect/persistence"
import { TestClock } from "effect/testing"
import { RateLimitPolicy, UpstreamRateLimiter, withRateLimit } from "../../src/rate-limit/index.ts"
import { RecordingClock, TestServer } from "../../src/testing/index.ts"

const ok: TestServer.TestResponse = { body: { ok: true } }

const policyOf = (options: Partial<RateLimitPolicy.Options> & Pick<RateLimitPolicy.Options, "limit" | "window">) =>
  RateLimitPolicy.make({ adapter: "test", connection: "c1", ...options })

const memoryLimiter = UpstreamRateLimiter.make.pipe(Effect.provide(RateLimiter.layerStoreMemory))

/** A client limited by `limiter` and `policy`, whose requests run on the recording clock. */
const limitedClient = Effect.fnUntraced(function* (
  limiter: UpstreamRateLimiter["Service"],
  policy: RateLimitPolicy.RateLimitPolicy,
  rec: RecordingClock.RecordingClock
) {
  const client = (yield* HttpClient.HttpClient).pipe(withRateLimit({ limiter, policy }))
  return (url: string) =>
    client.get(url).pipe(
      Effect.map((response) => response.status),
      Effect.provideService(Clock.Clock, rec.clock)
    )
})

/** Forks `request`, expects it to sleep exactly `millis` without reaching the server before, then lets it go. */
const expectWait = Effect.fnUntraced(function* (
  rec: RecordingClock.RecordingClock,
  server: TestServer.TestServer,
  request: Effect.Effect<number, unknown>,
  millis: number
) {
  const before = (yield* server.requests).length
  const fiber = yield* Effect.forkChild(request)
  assert.strictEqual(yield* rec.nextSleep, millis)
  yield* TestClock.adjust(millis - 1)
  assert.strictEqual((yield* server.requests).length, before)
  yield* TestClock.adjust(1)
  const status = yield* Fiber.join(fiber)
  assert.strictEqual((yield* server.requests).length, before + 1)
  return status
})

describe("withRateLimit", () => {
  it.effect("fixed window: request K+1 waits until the window resets", () =>
    Effect.gen(function* () {
      const server = yield* TestServer.make(() => Effect.succeed(ok))
      const rec = yield* RecordingClock.make
      const get = yield* limitedClient(
        yield* memoryLimiter,
        policyOf({ limit: 3, window: "10 seconds", algorithm: "fixed-window" }),
        rec
      )
      for (let i = 0; i < 3; i++) yield* get(`${server.baseUrl}/x`)
      assert.strictEqual(yield* expectWait(rec, server, get(`${server.baseUrl}/x`), 10_000), 200)
    }).pipe(Effect.provide(NodeHttpClient.layerUndici))
  )

  it.effect("token bucket: request K+1 waits for one token (window / K)", () =>
    Effect.gen(function* () {
      const server = yield* TestServer.make(() => Effect.succeed(ok))
      const rec = yield* RecordingClock.make
      const get = yield* limitedClient(yield* memoryLimiter, policyOf({ limit: 3, window: "3 seconds" }), rec)
      for (let i = 0; i < 3; i++) yield* get(`${server.baseUrl}/x`)
      yield* expectWait(rec, server, get(`${server.baseUrl}/x`), 1000)
    }).pipe(Effect.provide(NodeHttpClient.layerUndici))
  )

  it.effect("token bucket: burst bounds the requests sent at once", () =>
    Effect.gen(function* () {
      const server = yield* TestServer.make(() => Effect.succeed(ok))
      const rec = yield* RecordingClock.make
      const get = yield* limitedClient(
        yield* memoryLimiter,
        policyOf({ limit: 10, window: "10 seconds", burst: 2 }),
        rec
      )
      for (let i = 0; i < 2; i++) yield* get(`${server.baseUrl}/x`)
      yield* expectWait(rec, server, get(`${server.baseUrl}/x`), 1000)
    }).pipe(Effect.provide(NodeHttpClient.layerUndici))
  )

  it.effect("remaining 0 with a reset header makes the next request wait until the reset", () =>
    Effect.gen(function* () {
      let n = 0
      const server = yield* TestServer.make(() =>
        Effect.sync(() =>
          ++n === 1 ? { ...ok, headers: { "X-RateLimit-Remaining": "0", "X-RateLimit-Reset": "7" } } : ok
        )
      )
      const rec = yield* RecordingClock.make
      const limiter = yield* memoryLimiter
      const policy = policyOf({ limit: 100, window: "1 second" })
      const get = yield* limitedClient(limiter, policy, rec)
      yield* get(`${server.baseUrl}/x`)
      const snapshot = yield* limiter.snapshot(policy)
      assert.strictEqual(snapshot.remaining, 0)
      assert.strictEqual(snapshot.blockedForMillis, 7000)
      yield* expectWait(rec, server, get(`${server.baseUrl}/x`), 7000)
    }).pipe(Effect.provide(NodeHttpClient.layerUndici))
  )

  it.effect("a 429 with Retry-After holds the next request until then", () =>
    Effect.gen(function* () {
      let n = 0
      const server = yield* TestServer.make(() =>
        Effect.sync(() => (++n === 1 ? { status: 429, headers: { "Retry-After": "3" } } : ok))
      )
      const rec = yield* RecordingClock.make
      const get = yield* limitedClient(yield* memoryLimiter, policyOf({ limit: 100, window: "1 second" }), rec)
      assert.strictEqual(yield* get(`${server.baseUrl}/x`), 429)
      assert.strictEqual(yield* expectWait(rec, server, get(`${server.baseUrl}/x`), 3000), 200)
    }).pipe(Effect.provide(NodeHttpClient.layerUndici))
  )

  it.effect("adopts an advertised limit lower than the policy's", () =>
    Effect.gen(function* () {
      const server = yield* TestServer.make(() => Effect.succeed({ ...ok, headers: { "X-RateLimit-Limit": "2" } }))
      const rec = yield* RecordingClock.make
      const limiter = yield* memoryLimiter
      const policy = policyOf({ limit: 100, window: "10 seconds" })
      const get = yield* limitedClient(limiter, policy, rec)
      yield* get(`${server.baseUrl}/x`)
      const snapshot = yield* limiter.snapshot(policy)
      assert.isTrue(snapshot.adopted)
      assert.strictEqual(snapshot.limit, 2)
      assert.strictEqual(Duration.toMillis(snapshot.window), 10_000)
      // The request that brought the news counts: one more goes at once, the next waits for a token.
      yield* get(`${server.baseUrl}/x`)
      yield* expectWait(rec, server, get(`${server.baseUrl}/x`), 5000)
    }).pipe(Effect.provide(NodeHttpClient.layerUndici))
  )

  it.effect("follows Planning Center's headers: a limit dropping mid-run and the rate count", () =>
    Effect.gen(function* () {
      let count = 0
      const server = yield* TestServer.make(() =>
        Effect.sync(() => ({
          ...ok,
          headers: {
            "X-PCO-API-Request-Rate-Limit": "2",
            "X-PCO-API-Request-Rate-Period": "20 seconds",
            "X-PCO-API-Request-Rate-Count": String(++count)
          }
        }))
      )
      const rec = yield* RecordingClock.make
      const limiter = yield* memoryLimiter
      const policy = RateLimitPolicy.make({ adapter: "pco", connection: "org-1", limit: 100, window: "20 seconds" })
      const get = yield* limitedClient(limiter, policy, rec)
      yield* get(`${server.baseUrl}/people/v2/people`)
      yield* get(`${server.baseUrl}/people/v2/people`)
      const snapshot = yield* limiter.snapshot(policy)
      assert.strictEqual(snapshot.limit, 2)
      assert.strictEqual(snapshot.remaining, 0)
      // Two of two counted in a rolling 20 s window: the third waits the window out, in one sleep.
      yield* expectWait(rec, server, get(`${server.baseUrl}/people/v2/people`), 20_000)
    }).pipe(Effect.provide(NodeHttpClient.layerUndici))
  )

  it.effect("returns to the policy's limit when the upstream advertises it again", () =>
    Effect.gen(function* () {
      let limit = "10"
      const server = yield* TestServer.make(() =>
        Effect.sync(() => ({ ...ok, headers: { "X-PCO-API-Request-Rate-Limit": limit } }))
      )
      const rec = yield* RecordingClock.make
      const limiter = yield* memoryLimiter
      const policy = policyOf({ limit: 100, window: "20 seconds" })
      const get = yield* limitedClient(limiter, policy, rec)
      yield* get(`${server.baseUrl}/x`)
      assert.strictEqual((yield* limiter.snapshot(policy)).limit, 10)
      limit = "100"
      yield* get(`${server.baseUrl}/x`)
      const snapshot = yield* limiter.snapshot(policy)
      assert.isFalse(snapshot.adopted)
      assert.strictEqual(snapshot.limit, 100)
    }).pipe(Effect.provide(NodeHttpClient.layerUndici))
  )

  it.effect("separate connections have separate budgets", () =>
    Effect.gen(function* () {
      const server = yield* TestServer.make(() => Effect.succeed(ok))
      const rec = yield* RecordingClock.make
      const limiter = yield* memoryLimiter
      const options = { limit: 1, window: "10 seconds", algorithm: "fixed-window" } as const
      const a = yield* limitedClient(limiter, policyOf({ ...options, connection: "a" }), rec)
      const b = yield* limitedClient(limiter, policyOf({ ...options, connection: "b" }), rec)
      yield* a(`${server.baseUrl}/x`)
      yield* b(`${server.baseUrl}/x`)
      yield* expectWait(rec, server, a(`${server.baseUrl}/x`), 10_000)
    }).pipe(Effect.provide(NodeHttpClient.layerUndici))
  )

  it.effect("two limiter layers over one custom store share the budget and the cooldowns", () =>
    Effect.gen(function* () {
      let n = 0
      const server = yield* TestServer.make(() =>
        Effect.sync(() => (++n === 3 ? { status: 429, headers: { "Retry-After": "4" } } : ok))
      )
      const rec = yield* RecordingClock.make
      const store = yield* Layer.build(RateLimiter.layerStoreMemory)
      const first = yield* Layer.build(UpstreamRateLimiter.layer).pipe(Effect.provide(store))
      const second = yield* Layer.build(UpstreamRateLimiter.layer).pipe(Effect.provide(store))
      const policy = policyOf({ limit: 2, window: "10 seconds", algorithm: "fixed-window" })
      const a = yield* limitedClient(Context.get(first, UpstreamRateLimiter), policy, rec)
      const b = yield* limitedClient(Context.get(second, UpstreamRateLimiter), policy, rec)
      assert.notStrictEqual(Context.get(first, UpstreamRateLimiter), Context.get(second, UpstreamRateLimiter))
      yield* a(`${server.baseUrl}/x`)
      yield* a(`${server.baseUrl}/x`)
      // The budget spent through the first limiter holds back the second.
      yield* expectWait(rec, server, b(`${server.baseUrl}/x`), 10_000)
      // That third request got a 429 through the second limiter: the first one waits its Retry-After.
      assert.strictEqual(n, 3)
      const fiber = yield* Effect.forkChild(a(`${server.baseUrl}/x`))
      assert.strictEqual(yield* rec.nextSleep, 4000)
      yield* TestClock.adjust(4000)
      assert.strictEqual(yield* Fiber.join(fiber), 200)

      // A limiter with its own store is not held back by either.
      const separate = yield* Layer.build(UpstreamRateLimiter.layerMemory)
      const c = yield* limitedClient(Context.get(separate, UpstreamRateLimiter), policy, rec)
      assert.strictEqual(yield* c(`${server.baseUrl}/x`), 200)
    }).pipe(Effect.provide(NodeHttpClient.layerUndici))
  )

  it.effect("two processes' limiters share a budget through Redis", () =>
    Effect.gen(function* () {
      const server = yield* TestServer.make(() => Effect.succeed(ok))
      const rec = yield* RecordingClock.make
      const prefix = `syncflow-test:${randomUUID()}:`
      // Two separate Redis connections and stores, as two processes would have.
      const redisLimiter = Layer.build(
        UpstreamRateLimiter.layer.pipe(
          Layer.provide(RateLimiter.layerStoreRedis({ prefix })),
          Layer.provide(NodeRedis.layer({ url: "redis://127.0.0.1:6379" }))
        )
      )
      const first = yield* redisLimiter
      const second = yield* redisLimiter
      const policy = policyOf({ limit: 2, window: "10 seconds", connection: "shared" })
      const a = yield* limitedClient(Context.get(first, UpstreamRateLimiter), policy, rec)
      const b = yield* limitedClient(Context.get(second, UpstreamRateLimiter), policy, rec)
      yield* a(`${server.baseUrl}/x`)
      yield* a(`${server.baseUrl}/x`)
      yield* expectWait(rec, server, b(`${server.baseUrl}/x`), 5000)
    }).pipe(Effect.provide(NodeHttpClient.layerUndici))
  )
})
