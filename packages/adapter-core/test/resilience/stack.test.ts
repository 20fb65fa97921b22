import { NodeHttpClient } from "@effect/platform-node"
import { assert, describe, it } from "@effect/vitest"
import { Clock, Effect, Fiber } from "effect"
import { HttpClient } from "effect/http"
import { CircuitBreaker } from "effect/persistence"
import { TestClock } from "effect/testing"
import { CurrentEndpoint } from "../../src/http/CurrentEndpoint.ts"
import { classifyResponse } from "../../src/http/classifyResponse.ts"
import { RateLimitPolicy, UpstreamRateLimiter, withRateLimit } from "../../src/rate-limit/index.ts"
import {
  CircuitBreakerPolicy,
  circuitState,
  RetryPolicy,
  withCircuitBreaker,
  withRequestTimeout,
  withRetry
} from "../../src/resilience/index.ts"
import { RecordingClock, TestServer } from "../../src/testing/index.ts"

const requestTimeoutMillis = 30_000

/** The next recorded sleep that is not a request-timeout timer. */
const nextWait = Effect.fnUntraced(function* (rec: RecordingClock.RecordingClock) {
  while (true) {
    const millis = yield* rec.nextSleep
    if (millis !== requestTimeoutMillis) return millis
  }
})

describe("the adapter client stack", () => {
  it.effect("a Planning Center 429 waits exactly Retry-After through every layer, then succeeds", () =>
    Effect.gen(function* () {
      let n = 0
      const server = yield* TestServer.make(() =>
        Effect.sync(() => {
          n++
          const headers = {
            "X-PCO-API-Request-Rate-Limit": "100",
            "X-PCO-API-Request-Rate-Period": "20 seconds",
            "X-PCO-API-Request-Rate-Count": String(n === 1 ? 118 : 1)
          }
          return n === 1
            ? {
                status: 429,
                headers: { ...headers, "Retry-After": "2" },
                body: { errors: [{ code: "429", title: "Too Many Requests" }] }
              }
            : { headers, body: { data: [] } }
        })
      )
      const rec = yield* RecordingClock.make
      const limiter = yield* UpstreamRateLimiter
      const breaker = yield* CircuitBreaker.CircuitBreaker
      const client = (yield* HttpClient.HttpClient).pipe(
        withRequestTimeout(requestTimeoutMillis),
        withRateLimit({
          limiter,
          policy: RateLimitPolicy.make({ adapter: "pco", connection: "org-1", limit: 100, window: "20 seconds" })
        }),
        classifyResponse,
        withCircuitBreaker({ breaker }),
        withRetry(RetryPolicy.make({ baseDelay: "100 millis", jitter: "none" }))
      )
      const fiber = yield* client.get(`${server.baseUrl}/people/v2/people`).pipe(
        Effect.flatMap((response) => response.json),
        Effect.provideService(CurrentEndpoint, "people.list"),
        Effect.provideService(Clock.Clock, rec.clock),
        Effect.forkChild
      )
      // Only the retry waits: the limiter's cooldown ends at the same instant, adding nothing.
      assert.strictEqual(yield* nextWait(rec), 2000)
      yield* TestClock.adjust(1999)
      assert.strictEqual((yield* server.requests).length, 1)
      yield* TestClock.adjust(1)
      assert.deepStrictEqual(yield* Fiber.join(fiber), { data: [] })
      assert.strictEqual((yield* server.requests).length, 2)
      // A rate limit says nothing about the host's health.
      assert.strictEqual(yield* circuitState(breaker, new URL(server.baseUrl).host), "closed")
    }).pipe(
      Effect.provide(NodeHttpClient.layerUndici),
      Effect.provide(UpstreamRateLimiter.layerMemory),
      Effect.provide(CircuitBreakerPolicy.layerMemory(CircuitBreakerPolicy.make({ failureThreshold: 1 })))
    )
  )
})
