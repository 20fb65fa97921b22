/**
 * The HTTP stack every adapter request goes through, assembled in the one order that is right:
 * body buffering, per-request timeout, rate limit, status classification, authentication, circuit
 * breaker, and retries outermost. Its only failures are `AdapterError`s.
 */
import { Duration, Effect, Layer } from "effect"
import { HttpClient } from "effect/http"
import { CircuitBreaker, type RateLimiter } from "effect/persistence"
import type { Authenticator } from "../auth/Authenticator.ts"
import { withAuthentication } from "../auth/withAuthentication.ts"
import type { AdapterError } from "../errors/AdapterError.ts"
import { bufferBody } from "../http/bufferBody.ts"
import { classifyResponse } from "../http/classifyResponse.ts"
import type { RateLimitPolicy } from "../rate-limit/RateLimitPolicy.ts"
import { UpstreamRateLimiter } from "../rate-limit/UpstreamRateLimiter.ts"
import { withRateLimit } from "../rate-limit/withRateLimit.ts"
import * as CircuitBreakerPolicy from "../resilience/CircuitBreakerPolicy.ts"
import * as RetryPolicy from "../resilience/RetryPolicy.ts"
import { withCircuitBreaker } from "../resilience/withCircuitBreaker.ts"
import { withRequestTimeout } from "../resilience/withRequestTimeout.ts"
import { withRetry } from "../resilience/withRetry.ts"

/** How one connection's requests are authenticated, limited, timed out and retried. */
export interface AdapterHttpOptions {
  /** Sets credentials on each request and renews them once on a 401 (see `TokenManager`). */
  readonly authenticator?: Authenticator
  /** The upstream's request budget for this connection; none means unlimited. */
  readonly rateLimit?: RateLimitPolicy
  /** Retries of transient failures; defaults to `RetryPolicy.make()`. */
  readonly retry?: RetryPolicy.RetryPolicy
  /** Per-request timeout, including reading the body; 30 seconds by default. */
  readonly timeout?: Duration.Input
}

/** The services the stack shares across connections: the rate limiter and the circuit breaker. */
export type AdapterHttpServices = HttpClient.HttpClient | UpstreamRateLimiter | CircuitBreaker.CircuitBreaker

/** Builds the HTTP client of one connection from the platform `HttpClient`. */
export const make = Effect.fnUntraced(function* (
  options: AdapterHttpOptions = {}
): Effect.fn.Return<HttpClient.HttpClient.With<AdapterError>, never, AdapterHttpServices> {
  const platform = yield* HttpClient.HttpClient
  const limiter = yield* UpstreamRateLimiter
  const breaker = yield* CircuitBreaker.CircuitBreaker
  const timed = withRequestTimeout(bufferBody(platform), options.timeout ?? Duration.seconds(30))
  const limited = options.rateLimit === undefined ? timed : withRateLimit(timed, { limiter, policy: options.rateLimit })
  const classified = classifyResponse(limited)
  const authenticated =
    options.authenticator === undefined ? classified : withAuthentication(options.authenticator)(classified)
  return authenticated.pipe(withCircuitBreaker({ breaker }), withRetry(options.retry ?? RetryPolicy.make()))
})

/**
 * In-memory rate-limit budgets and circuit breakers for one process. A cluster provides a shared
 * `RateLimiterStore` to `UpstreamRateLimiter.layer` instead.
 */
export const layerMemory = (
  circuitBreaker: CircuitBreakerPolicy.CircuitBreakerPolicy = CircuitBreakerPolicy.defaults
): Layer.Layer<UpstreamRateLimiter | CircuitBreaker.CircuitBreaker> =>
  Layer.merge(UpstreamRateLimiter.layerMemory, CircuitBreakerPolicy.layerMemory(circuitBreaker))

/**
 * Rate-limit budgets in the given `RateLimiterStore` (shared by every process that uses the same
 * store: PostgreSQL or Redis) and circuit breakers in this process.
 */
export const layerShared = (
  circuitBreaker: CircuitBreakerPolicy.CircuitBreakerPolicy = CircuitBreakerPolicy.defaults
): Layer.Layer<UpstreamRateLimiter | CircuitBreaker.CircuitBreaker, never, RateLimiter.RateLimiterStore> =>
  Layer.merge(UpstreamRateLimiter.layer, CircuitBreakerPolicy.layerMemory(circuitBreaker))
