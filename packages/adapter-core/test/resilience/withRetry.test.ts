import { NodeHttpClient } from "@effect/platform-node"
import { assert, describe, it } from "@effect/vitest"
import { Clock, Deferred, Duration, Effect, Fiber, Metric, Random } from "effect"
import { HttpClient } from "effect/http"
import { TestClock } from "effect/testing"
import {
  NotFound,
  RateLimited,
  RequestTimeout,
  Unauthorized,
  UpstreamUnavailable
} from "../../src/errors/AdapterError.ts"
import { CurrentEndpoint } from "../../src/http/CurrentEndpoint.ts"
import { classifyResponse } from "../../src/http/classifyResponse.ts"
import {
  RetryPolicy,
  retryWithPolicy,
  upstreamRetries,
  withRequestTimeout,
  withRetry
} from "../../src/resilience/index.ts"
import { RecordingClock, TestServer } from "../../src/testing/index.ts"

const policy = RetryPolicy.make({ maxAttempts: 4, baseDelay: "100 millis", jitter: "none" })

/** A server answering the scripted responses in order, then `{ ok: true }`. */
const scripted = (responses: ReadonlyArray<TestServer.TestResponse>) => {
  let n = 0
  return TestServer.make(() => Effect.sync(() => responses[n++] ?? { body: { ok: true } }))
}

const retryingClient = (retryPolicy: RetryPolicy.RetryPolicy = policy) =>
  Effect.map(HttpClient.HttpClient, (client) => client.pipe(classifyResponse, withRetry(retryPolicy)))

/** Waits for each expected sleep, checks the server has seen one more request each time, and lets it pass. */
const expectSleeps = Effect.fnUntraced(function* (
  rec: RecordingClock.RecordingClock,
  server: TestServer.TestServer,
  sleeps: ReadonlyArray<number>
) {
  for (const [index, expected] of sleeps.entries()) {
    assert.strictEqual(yield* rec.nextSleep, expected)
    assert.strictEqual((yield* server.requests).length, index + 1)
    yield* TestClock.adjust(expected)
  }
})

describe("withRetry", () => {
  it.effect("waits exactly Retry-After on a 429, then succeeds", () =>
    Effect.gen(function* () {
      const server = yield* scripted([{ status: 429, headers: { "retry-after": "2" } }])
      const rec = yield* RecordingClock.make
      const client = yield* retryingClient()
      const fiber = yield* client.get(`${server.baseUrl}/x`).pipe(
        Effect.flatMap((response) => response.json),
        Effect.provideService(Clock.Clock, rec.clock),
        Effect.forkChild
      )
      assert.strictEqual(yield* rec.nextSleep, 2000)
      yield* TestClock.adjust(1999)
      assert.strictEqual((yield* server.requests).length, 1)
      yield* TestClock.adjust(1)
      assert.deepStrictEqual(yield* Fiber.join(fiber), { ok: true })
      assert.strictEqual((yield* server.requests).length, 2)
    }).pipe(Effect.provide(NodeHttpClient.layerUndici))
  )

  it.effect("retries a burst of 503s with exponential backoff, then succeeds", () =>
    Effect.gen(function* () {
      const server = yield* scripted([{ status: 503 }, { status: 503 }, { status: 503 }])
      const rec = yield* RecordingClock.make
      const client = yield* retryingClient()
      const fiber = yield* client.get(`${server.baseUrl}/x`).pipe(
        Effect.flatMap((response) => response.json),
        Effect.provideService(Clock.Clock, rec.clock),
        Effect.forkChild
      )
      yield* expectSleeps(rec, server, [100, 200, 400])
      assert.deepStrictEqual(yield* Fiber.join(fiber), { ok: true })
      assert.strictEqual((yield* server.requests).length, 4)
      // Each retry is counted by host and error.
      const host = new URL(server.baseUrl).host
      const retried = yield* Metric.value(
        Metric.withAttributes(upstreamRetries, { host, error: "UpstreamUnavailable" })
      )
      assert.strictEqual(retried.count, 3)
    }).pipe(Effect.provide(NodeHttpClient.layerUndici), Effect.provideService(Metric.MetricRegistry, new Map()))
  )

  it.effect("gives up after maxAttempts with the last UpstreamUnavailable", () =>
    Effect.gen(function* () {
      const server = yield* TestServer.make(() => Effect.succeed({ status: 503, body: "down" }))
      const rec = yield* RecordingClock.make
      const client = yield* retryingClient()
      const fiber = yield* client
        .get(`${server.baseUrl}/x`)
        .pipe(
          Effect.flip,
          Effect.provideService(CurrentEndpoint, "items.list"),
          Effect.provideService(Clock.Clock, rec.clock),
          Effect.forkChild
        )
      yield* expectSleeps(rec, server, [100, 200, 400])
      const error = yield* Fiber.join(fiber)
      assert.instanceOf(error, UpstreamUnavailable)
      assert.strictEqual(error.reason, "status")
      assert.strictEqual(error.status, 503)
      assert.strictEqual(error.endpoint, "items.list")
      assert.strictEqual((yield* server.requests).length, 4)
    }).pipe(Effect.provide(NodeHttpClient.layerUndici))
  )

  it.effect("caps the backoff at maxDelay", () =>
    Effect.gen(function* () {
      const server = yield* TestServer.make(() => Effect.succeed({ status: 502 }))
      const rec = yield* RecordingClock.make
      const client = yield* retryingClient(
        RetryPolicy.make({ maxAttempts: 4, baseDelay: "1 second", factor: 10, maxDelay: "5 seconds", jitter: "none" })
      )
      const fiber = yield* client
        .get(`${server.baseUrl}/x`)
        .pipe(Effect.flip, Effect.provideService(Clock.Clock, rec.clock), Effect.forkChild)
      yield* expectSleeps(rec, server, [1000, 5000, 5000])
      assert.instanceOf(yield* Fiber.join(fiber), UpstreamUnavailable)
    }).pipe(Effect.provide(NodeHttpClient.layerUndici))
  )

  it.effect("does not retry 404 or 401", () =>
    Effect.gen(function* () {
      const server = yield* scripted([{ status: 404 }, { status: 401 }])
      const client = yield* retryingClient()
      // Under the TestClock a retry would sleep forever: these calls must fail without sleeping.
      assert.instanceOf(yield* Effect.flip(client.get(`${server.baseUrl}/a`)), NotFound)
      assert.instanceOf(yield* Effect.flip(client.get(`${server.baseUrl}/b`)), Unauthorized)
      assert.strictEqual((yield* server.requests).length, 2)
    }).pipe(Effect.provide(NodeHttpClient.layerUndici))
  )

  it.effect("retries a network error", () =>
    Effect.gen(function* () {
      const server = yield* scripted([{ destroy: true }])
      const rec = yield* RecordingClock.make
      const client = yield* retryingClient()
      const fiber = yield* client.get(`${server.baseUrl}/x`).pipe(
        Effect.flatMap((response) => response.json),
        Effect.provideService(Clock.Clock, rec.clock),
        Effect.forkChild
      )
      yield* expectSleeps(rec, server, [100])
      assert.deepStrictEqual(yield* Fiber.join(fiber), { ok: true })
      assert.strictEqual((yield* server.requests).length, 2)
    }).pipe(Effect.provide(NodeHttpClient.layerUndici))
  )

  it.effect("retries a request timeout", () =>
    Effect.gen(function* () {
      const received = yield* Deferred.make<void>()
      let n = 0
      const server = yield* TestServer.make(() =>
        ++n === 1
          ? Effect.andThen(Deferred.succeed(received, undefined), Effect.never)
          : Effect.succeed<TestServer.TestResponse>({ body: { ok: true } })
      )
      const rec = yield* RecordingClock.make
      const client = (yield* HttpClient.HttpClient).pipe(
        withRequestTimeout("5 seconds"),
        classifyResponse,
        withRetry(policy)
      )
      const fiber = yield* client.get(`${server.baseUrl}/x`).pipe(
        Effect.flatMap((response) => response.json),
        Effect.provideService(Clock.Clock, rec.clock),
        Effect.forkChild
      )
      assert.strictEqual(yield* rec.nextSleep, 5000)
      yield* Deferred.await(received)
      yield* TestClock.adjust(5000)
      assert.strictEqual(yield* rec.nextSleep, 100)
      yield* TestClock.adjust(100)
      assert.deepStrictEqual(yield* Fiber.join(fiber), { ok: true })
      assert.strictEqual((yield* server.requests).length, 2)
    }).pipe(Effect.provide(NodeHttpClient.layerUndici))
  )

  it.effect("fails at once when Retry-After exceeds maxRetryAfter", () =>
    Effect.gen(function* () {
      const server = yield* scripted([{ status: 429, headers: { "retry-after": "600" } }])
      const client = yield* retryingClient(RetryPolicy.make({ ...policy, maxRetryAfter: "1 minute" }))
      const error = yield* Effect.flip(client.get(`${server.baseUrl}/x`))
      assert.instanceOf(error, RateLimited)
      assert.strictEqual(error.retryAfterMillis, 600_000)
      assert.strictEqual((yield* server.requests).length, 1)
    }).pipe(Effect.provide(NodeHttpClient.layerUndici))
  )

  it.effect("retries POST after a 429 but not after a 503, unless unsafe retries are on", () =>
    Effect.gen(function* () {
      const server = yield* scripted([
        { status: 429, headers: { "retry-after": "1" } },
        { status: 201, body: { created: 1 } },
        { status: 503 },
        { status: 503 },
        { status: 201, body: { created: 2 } }
      ])
      const rec = yield* RecordingClock.make
      const client = yield* retryingClient()
      const first = yield* client.post(`${server.baseUrl}/items`).pipe(
        Effect.flatMap((response) => response.json),
        Effect.provideService(Clock.Clock, rec.clock),
        Effect.forkChild
      )
      assert.strictEqual(yield* rec.nextSleep, 1000)
      yield* TestClock.adjust(1000)
      assert.deepStrictEqual(yield* Fiber.join(first), { created: 1 })

      assert.instanceOf(yield* Effect.flip(client.post(`${server.baseUrl}/items`)), UpstreamUnavailable)
      assert.strictEqual((yield* server.requests).length, 3)

      const unsafe = yield* retryingClient(RetryPolicy.make({ ...policy, retryUnsafeMethods: true }))
      const second = yield* unsafe.post(`${server.baseUrl}/items`).pipe(
        Effect.flatMap((response) => response.json),
        Effect.provideService(Clock.Clock, rec.clock),
        Effect.forkChild
      )
      assert.strictEqual(yield* rec.nextSleep, 100)
      yield* TestClock.adjust(100)
      assert.deepStrictEqual(yield* Fiber.join(second), { created: 2 })
      assert.strictEqual((yield* server.requests).length, 5)
    }).pipe(Effect.provide(NodeHttpClient.layerUndici))
  )

  it.effect("jitter comes from the Random service", () =>
    Effect.gen(function* () {
      const server = yield* TestServer.make(() => Effect.succeed({ status: 503 }))
      const rec = yield* RecordingClock.make
      const quarter: Random.Random = { nextDoubleUnsafe: () => 0.25, nextIntUnsafe: () => 0 }
      const run = (jitter: RetryPolicy.Jitter) =>
        Effect.flatMap(retryingClient(RetryPolicy.make({ ...policy, maxAttempts: 3, jitter })), (client) =>
          client
            .get(`${server.baseUrl}/x`)
            .pipe(
              Effect.flip,
              Effect.provideService(Random.Random, quarter),
              Effect.provideService(Clock.Clock, rec.clock),
              Effect.forkChild
            )
        )
      const full = yield* run("full")
      // full jitter: floor(d * r) with d = 100, 200
      for (const expected of [25, 50]) {
        assert.strictEqual(yield* rec.nextSleep, expected)
        yield* TestClock.adjust(expected)
      }
      yield* Fiber.join(full)
      const equal = yield* run("equal")
      // equal jitter: floor(d / 2 + d / 2 * r)
      for (const expected of [62, 125]) {
        assert.strictEqual(yield* rec.nextSleep, expected)
        yield* TestClock.adjust(expected)
      }
      yield* Fiber.join(equal)
    }).pipe(Effect.provide(NodeHttpClient.layerUndici))
  )

  it.effect("a seeded Random gives reproducible jitter within the bounds", () =>
    Effect.gen(function* () {
      const jittered = RetryPolicy.make({ baseDelay: "1 second", jitter: "full" })
      const error = new UpstreamUnavailable({ endpoint: "e", reason: "network", message: "reset" })
      const delays = Effect.forEach([1, 2, 3], (n) => RetryPolicy.delayFor(jittered, error, n))
      const first = yield* delays.pipe(Random.withSeed("syncflow"))
      const again = yield* delays.pipe(Random.withSeed("syncflow"))
      assert.deepStrictEqual(first.map(Duration.toMillis), again.map(Duration.toMillis))
      first.forEach((delay, index) => {
        assert.isAtLeast(Duration.toMillis(delay), 0)
        assert.isBelow(Duration.toMillis(delay), 1000 * 2 ** index)
      })
    })
  )
})

describe("RetryPolicy", () => {
  it("retries transient adapter errors only", () => {
    const endpoint = "e"
    assert.isTrue(RetryPolicy.isRetryable(new RateLimited({ endpoint, message: "" })))
    assert.isTrue(RetryPolicy.isRetryable(new RequestTimeout({ endpoint, timeoutMillis: 1, message: "" })))
    assert.isTrue(RetryPolicy.isRetryable(new UpstreamUnavailable({ endpoint, reason: "status", message: "" })))
    assert.isTrue(RetryPolicy.isRetryable(new UpstreamUnavailable({ endpoint, reason: "network", message: "" })))
    assert.isFalse(RetryPolicy.isRetryable(new UpstreamUnavailable({ endpoint, reason: "circuit-open", message: "" })))
    assert.isFalse(RetryPolicy.isRetryable(new NotFound({ endpoint, message: "" })))
    assert.isFalse(RetryPolicy.isRetryable(new Unauthorized({ endpoint, message: "" })))
    assert.isFalse(RetryPolicy.isRetryable(new Error("boom")))
  })

  it("rejects nonsensical policies", () => {
    assert.throws(() => RetryPolicy.make({ maxAttempts: 0 }), RangeError)
    assert.throws(() => RetryPolicy.make({ factor: 0.5 }), RangeError)
    assert.throws(() => RetryPolicy.make({ maxDelay: Duration.infinity }), RangeError)
  })

  it.effect("retryWithPolicy applies the policy to any effect", () =>
    Effect.gen(function* () {
      let attempts = 0
      const rec = yield* RecordingClock.make
      const flaky = Effect.suspend(() =>
        ++attempts < 3
          ? Effect.fail(new UpstreamUnavailable({ endpoint: "e", reason: "network", message: "reset" }))
          : Effect.succeed(attempts)
      )
      const fiber = yield* flaky.pipe(
        retryWithPolicy(policy),
        Effect.provideService(Clock.Clock, rec.clock),
        Effect.forkChild
      )
      for (const expected of [100, 200]) {
        assert.strictEqual(yield* rec.nextSleep, expected)
        yield* TestClock.adjust(expected)
      }
      assert.strictEqual(yield* Fiber.join(fiber), 3)
    })
  )
})

describe("withRequestTimeout", () => {
  it.effect("fails with RequestTimeout naming the endpoint and the timeout", () =>
    Effect.gen(function* () {
      const received = yield* Deferred.make<void>()
      const server = yield* TestServer.make(() => Effect.andThen(Deferred.succeed(received, undefined), Effect.never))
      const rec = yield* RecordingClock.make
      const client = (yield* HttpClient.HttpClient).pipe(withRequestTimeout("5 seconds"), classifyResponse)
      const fiber = yield* client
        .get(`${server.baseUrl}/people`)
        .pipe(
          Effect.flip,
          Effect.provideService(CurrentEndpoint, "people.list"),
          Effect.provideService(Clock.Clock, rec.clock),
          Effect.forkChild
        )
      assert.strictEqual(yield* rec.nextSleep, 5000)
      yield* Deferred.await(received)
      yield* TestClock.adjust(4999)
      assert.isUndefined(fiber.pollUnsafe())
      yield* TestClock.adjust(1)
      const error = yield* Fiber.join(fiber)
      assert.instanceOf(error, RequestTimeout)
      assert.strictEqual(error.endpoint, "people.list")
      assert.strictEqual(error.timeoutMillis, 5000)
      assert.include(error.message, "GET /people")
    }).pipe(Effect.provide(NodeHttpClient.layerUndici))
  )
})
