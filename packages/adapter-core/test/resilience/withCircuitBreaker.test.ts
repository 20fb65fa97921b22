import { NodeHttpClient } from "@effect/platform-node"
import { assert, describe, it } from "@effect/vitest"
import { Clock, Deferred, Effect, Exit, Fiber } from "effect"
import { HttpClient } from "effect/http"
import { CircuitBreaker } from "effect/persistence"
import { TestClock } from "effect/testing"
import { NotFound, RateLimited, RequestTimeout, UpstreamUnavailable } from "../../src/errors/AdapterError.ts"
import { classifyResponse } from "../../src/http/classifyResponse.ts"
import {
  CircuitBreakerPolicy,
  circuitState,
  classifyCircuitOutcome,
  RetryPolicy,
  withCircuitBreaker,
  withRetry
} from "../../src/resilience/index.ts"
import { RecordingClock, TestServer } from "../../src/testing/index.ts"

const policy = CircuitBreakerPolicy.make({ failureThreshold: 3, resetTimeout: "30 seconds" })

const makeBreaker = (breakerPolicy: CircuitBreakerPolicy.CircuitBreakerPolicy = policy) =>
  CircuitBreakerPolicy.makeBreaker(breakerPolicy).pipe(Effect.provide(CircuitBreaker.layerStoreMemory()))

/** A server whose answer the test switches between healthy and failing. */
const switchable = Effect.fnUntraced(function* () {
  let failing: TestServer.TestResponse | undefined = { status: 503, body: "down" }
  const server = yield* TestServer.make(() => Effect.sync(() => failing ?? { body: { ok: true } }))
  return {
    server,
    host: new URL(server.baseUrl).host,
    fail: (response: TestServer.TestResponse) => Effect.sync(() => (failing = response)),
    heal: Effect.sync(() => (failing = undefined))
  }
})

const isCircuitOpen = (error: unknown) => error instanceof UpstreamUnavailable && error.reason === "circuit-open"

describe("withCircuitBreaker", () => {
  it.effect("opens after N failures, fails fast, half-opens after the reset timeout and closes on success", () =>
    Effect.gen(function* () {
      const { server, host, heal } = yield* switchable()
      const breaker = yield* makeBreaker()
      const client = (yield* HttpClient.HttpClient).pipe(classifyResponse, withCircuitBreaker({ breaker }))
      const url = `${server.baseUrl}/x`

      for (let i = 0; i < 3; i++) {
        const error = yield* Effect.flip(client.get(url))
        assert.instanceOf(error, UpstreamUnavailable)
        assert.strictEqual(error.reason, "status")
      }
      assert.strictEqual(yield* circuitState(breaker, host), "open")

      const rejected = yield* Effect.flip(client.get(url))
      assert.isTrue(isCircuitOpen(rejected))
      assert.include(rejected.message, host)
      assert.strictEqual((yield* server.requests).length, 3)

      yield* TestClock.adjust("29999 millis")
      assert.isTrue(isCircuitOpen(yield* Effect.flip(client.get(url))))
      assert.strictEqual((yield* server.requests).length, 3)

      yield* TestClock.adjust("1 millis")
      yield* heal
      const response = yield* client.get(url)
      assert.strictEqual(response.status, 200)
      assert.strictEqual(yield* circuitState(breaker, host), "closed")
      assert.strictEqual((yield* server.requests).length, 4)
    }).pipe(Effect.provide(NodeHttpClient.layerUndici))
  )

  it.effect("lets one trial request through while half-open", () =>
    Effect.gen(function* () {
      const received = yield* Deferred.make<void>()
      const release = yield* Deferred.make<void>()
      let healthy = false
      const server = yield* TestServer.make(() =>
        healthy
          ? Deferred.succeed(received, undefined).pipe(
              Effect.andThen(Deferred.await(release)),
              Effect.as<TestServer.TestResponse>({ body: { ok: true } })
            )
          : Effect.succeed<TestServer.TestResponse>({ status: 500 })
      )
      const host = new URL(server.baseUrl).host
      const breaker = yield* makeBreaker(CircuitBreakerPolicy.make({ failureThreshold: 1, resetTimeout: "10 seconds" }))
      const client = (yield* HttpClient.HttpClient).pipe(classifyResponse, withCircuitBreaker({ breaker }))
      const url = `${server.baseUrl}/x`

      yield* Effect.flip(client.get(url))
      assert.strictEqual(yield* circuitState(breaker, host), "open")
      yield* TestClock.adjust("10 seconds")
      healthy = true

      const trial = yield* Effect.forkChild(client.get(url))
      yield* Deferred.await(received)
      assert.strictEqual(yield* circuitState(breaker, host), "half-open")
      assert.isTrue(isCircuitOpen(yield* Effect.flip(client.get(url))))
      assert.strictEqual((yield* server.requests).length, 2)

      yield* Deferred.succeed(release, undefined)
      assert.strictEqual((yield* Fiber.join(trial)).status, 200)
      assert.strictEqual(yield* circuitState(breaker, host), "closed")
    }).pipe(Effect.provide(NodeHttpClient.layerUndici))
  )

  it.effect("re-opens when the trial request fails", () =>
    Effect.gen(function* () {
      const { server, host } = yield* switchable()
      const breaker = yield* makeBreaker()
      const client = (yield* HttpClient.HttpClient).pipe(classifyResponse, withCircuitBreaker({ breaker }))
      const url = `${server.baseUrl}/x`
      for (let i = 0; i < 3; i++) yield* Effect.flip(client.get(url))
      yield* TestClock.adjust("30 seconds")

      const trial = yield* Effect.flip(client.get(url))
      assert.instanceOf(trial, UpstreamUnavailable)
      assert.strictEqual(trial.reason, "status")
      assert.strictEqual(yield* circuitState(breaker, host), "open")
      assert.isTrue(isCircuitOpen(yield* Effect.flip(client.get(url))))
      assert.strictEqual((yield* server.requests).length, 4)
    }).pipe(Effect.provide(NodeHttpClient.layerUndici))
  )

  it.effect("does not count 4xx answers or rate limits as failures", () =>
    Effect.gen(function* () {
      const { server, host, fail } = yield* switchable()
      const breaker = yield* makeBreaker()
      const client = (yield* HttpClient.HttpClient).pipe(classifyResponse, withCircuitBreaker({ breaker }))
      yield* fail({ status: 404 })
      for (let i = 0; i < 5; i++) assert.instanceOf(yield* Effect.flip(client.get(`${server.baseUrl}/x`)), NotFound)
      yield* fail({ status: 429 })
      for (let i = 0; i < 5; i++) assert.instanceOf(yield* Effect.flip(client.get(`${server.baseUrl}/x`)), RateLimited)
      assert.strictEqual(yield* circuitState(breaker, host), "closed")
      assert.strictEqual((yield* server.requests).length, 10)
    }).pipe(Effect.provide(NodeHttpClient.layerUndici))
  )

  it.effect("keeps one circuit per host", () =>
    Effect.gen(function* () {
      const down = yield* switchable()
      const up = yield* switchable()
      yield* up.heal
      const breaker = yield* makeBreaker()
      const client = (yield* HttpClient.HttpClient).pipe(classifyResponse, withCircuitBreaker({ breaker }))
      for (let i = 0; i < 3; i++) yield* Effect.flip(client.get(`${down.server.baseUrl}/x`))
      assert.strictEqual(yield* circuitState(breaker, down.host), "open")
      assert.strictEqual((yield* client.get(`${up.server.baseUrl}/x`)).status, 200)
      assert.strictEqual(yield* circuitState(breaker, up.host), "closed")
    }).pipe(Effect.provide(NodeHttpClient.layerUndici))
  )

  it.effect("an open circuit is not retried by withRetry", () =>
    Effect.gen(function* () {
      const { server } = yield* switchable()
      const breaker = yield* makeBreaker(CircuitBreakerPolicy.make({ failureThreshold: 1, resetTimeout: "1 minute" }))
      const rec = yield* RecordingClock.make
      const client = (yield* HttpClient.HttpClient).pipe(
        classifyResponse,
        withCircuitBreaker({ breaker }),
        withRetry(RetryPolicy.make({ maxAttempts: 5, baseDelay: "100 millis", jitter: "none" }))
      )
      const fiber = yield* client
        .get(`${server.baseUrl}/x`)
        .pipe(Effect.flip, Effect.provideService(Clock.Clock, rec.clock), Effect.forkChild)
      // The 503 opens the circuit; the one retry is rejected by it and ends the call.
      assert.strictEqual(yield* rec.nextSleep, 100)
      yield* TestClock.adjust(100)
      assert.isTrue(isCircuitOpen(yield* Fiber.join(fiber)))
      assert.strictEqual((yield* server.requests).length, 1)
    }).pipe(Effect.provide(NodeHttpClient.layerUndici))
  )
})

describe("classifyCircuitOutcome", () => {
  const endpoint = "e"
  it("counts unavailability and timeouts, not answers, rate limits or open circuits", () => {
    const tag = (error: unknown) => classifyCircuitOutcome(Exit.fail(error))._tag
    assert.strictEqual(classifyCircuitOutcome(Exit.succeed(1))._tag, "Success")
    assert.strictEqual(
      tag(new UpstreamUnavailable({ endpoint, reason: "status", status: 502, message: "" })),
      "Failure"
    )
    assert.strictEqual(tag(new UpstreamUnavailable({ endpoint, reason: "network", message: "" })), "Failure")
    assert.strictEqual(tag(new RequestTimeout({ endpoint, timeoutMillis: 1, message: "" })), "Failure")
    assert.strictEqual(tag(new NotFound({ endpoint, message: "" })), "Success")
    assert.strictEqual(tag(new RateLimited({ endpoint, message: "" })), "Ignored")
    assert.strictEqual(tag(new UpstreamUnavailable({ endpoint, reason: "circuit-open", message: "" })), "Ignored")
    assert.strictEqual(tag(new Error("foreign")), "Ignored")
  })
})
