/**
 * Health probes go around the resilience of a sync's requests: through the whole stack (rate limit,
 * classification, circuit breaker, retries) a probe sends exactly one request per call, spends no
 * rate-limit budget, is not retried, and neither opens nor is stopped by its host's circuit.
 */
import { NodeHttpClient } from "@effect/platform-node"
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { HttpClient } from "effect/http"
import { CircuitBreaker } from "effect/persistence"
import { CurrentEndpoint } from "../../src/http/CurrentEndpoint.ts"
import { classifyResponse } from "../../src/http/classifyResponse.ts"
import { RateLimitPolicy, UpstreamRateLimiter, withRateLimit } from "../../src/rate-limit/index.ts"
import {
  asHealthProbe,
  CircuitBreakerPolicy,
  circuitState,
  RetryPolicy,
  withCircuitBreaker,
  withRequestTimeout,
  withRetry
} from "../../src/resilience/index.ts"
import { TestServer } from "../../src/testing/index.ts"

describe("health probes", () => {
  it.effect("send one request each, spend no budget, are not retried, and leave the circuit alone", () =>
    Effect.gen(function* () {
      let down = true
      const server = yield* TestServer.make(() =>
        Effect.sync(() => (down ? { status: 503, body: { error: "maintenance" } } : { body: { ok: true } }))
      )
      const limiter = yield* UpstreamRateLimiter
      const breaker = yield* CircuitBreaker.CircuitBreaker
      const policy = RateLimitPolicy.make({ adapter: "test", connection: "c1", limit: 1, window: "1 hour" })
      const client = (yield* HttpClient.HttpClient).pipe(
        withRequestTimeout(30_000),
        withRateLimit({ limiter, policy }),
        classifyResponse,
        withCircuitBreaker({ breaker }),
        withRetry(RetryPolicy.make({ maxAttempts: 5, baseDelay: "1 hour", jitter: "none" }))
      )
      const get = client.get(`${server.baseUrl}/health`).pipe(
        Effect.flatMap((response) => response.json),
        Effect.provideService(CurrentEndpoint, "health")
      )
      const host = new URL(server.baseUrl).host

      // The upstream is down: three probes, three requests, three failures; the circuit stays closed.
      for (let i = 1; i <= 3; i++) {
        const failed = yield* asHealthProbe(get).pipe(Effect.flip)
        assert.strictEqual(failed._tag, "UpstreamUnavailable")
        assert.strictEqual((yield* server.requests).length, i)
      }
      assert.strictEqual(yield* circuitState(breaker, host), "closed")

      // The upstream is back: the sync's first request still has its whole budget (one request per
      // hour, on the test clock: had a probe spent it, this request would wait and the test time out).
      down = false
      assert.deepStrictEqual(yield* get, { ok: true })
      assert.strictEqual((yield* server.requests).length, 4)

      // Down again: the sync's request (without retries) opens the circuit; a probe still reaches the
      // upstream and reports what it answers, and the circuit stays as the sync left it.
      down = true
      const once = (yield* HttpClient.HttpClient).pipe(classifyResponse, withCircuitBreaker({ breaker }))
      yield* once.get(`${server.baseUrl}/health`).pipe(Effect.provideService(CurrentEndpoint, "health"), Effect.flip)
      assert.strictEqual(yield* circuitState(breaker, host), "open")
      down = false
      assert.deepStrictEqual(yield* asHealthProbe(get), { ok: true })
      assert.strictEqual((yield* server.requests).length, 6)
      assert.strictEqual(yield* circuitState(breaker, host), "open")
    }).pipe(
      Effect.provide(NodeHttpClient.layerUndici),
      Effect.provide(UpstreamRateLimiter.layerMemory),
      Effect.provide(CircuitBreakerPolicy.layerMemory(CircuitBreakerPolicy.make({ failureThreshold: 1 })))
    )
  )
})
