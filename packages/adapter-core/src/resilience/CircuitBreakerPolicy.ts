/**
 * The circuit-breaker policy of an upstream: how many consecutive failures open a host's circuit
 * and how long it stays open before one trial request may go through. Breakers are Effect's
 * `CircuitBreaker` (effect/persistence), so their state can live in memory or be shared through
 * Redis with `CircuitBreaker.layerStoreRedis`.
 */
import { Duration, type Effect, Layer, type Scope } from "effect"
import { CircuitBreaker } from "effect/persistence"

/** A resolved policy. Build one with {@link make}. */
export interface CircuitBreakerPolicy {
  /** Consecutive failures (5xx, network errors, timeouts) that open a circuit. */
  readonly failureThreshold: number
  /** How long an open circuit rejects calls before it lets one trial request through. */
  readonly resetTimeout: Duration.Duration
}

/** The options of {@link make}; each defaults to {@link defaults}. */
export interface Options {
  readonly failureThreshold?: number | undefined
  readonly resetTimeout?: Duration.Input | undefined
}

/** Opens after 5 consecutive failures, tries again after 30 seconds. */
export const defaults: CircuitBreakerPolicy = {
  failureThreshold: 5,
  resetTimeout: Duration.seconds(30)
}

/** Resolves a policy. Throws a `RangeError` for nonsensical values (a programming error). */
export const make = (options: Options = {}): CircuitBreakerPolicy => {
  const failureThreshold = options.failureThreshold ?? defaults.failureThreshold
  if (!Number.isInteger(failureThreshold) || failureThreshold < 1) {
    throw new RangeError(`CircuitBreakerPolicy: failureThreshold must be an integer >= 1, got ${failureThreshold}`)
  }
  const resetTimeout = Duration.fromInputUnsafe(options.resetTimeout ?? defaults.resetTimeout)
  if (!Duration.isFinite(resetTimeout) || Duration.toMillis(resetTimeout) <= 0) {
    throw new RangeError(`CircuitBreakerPolicy: resetTimeout must be a positive finite duration`)
  }
  return { failureThreshold, resetTimeout }
}

const breakerOptions = (policy: CircuitBreakerPolicy) => ({
  tripPolicy: CircuitBreaker.consecutive(policy.failureThreshold),
  openDuration: policy.resetTimeout
})

/** Builds a breaker for `policy` over the current `CircuitBreakerStore`, for the life of the scope. */
export const makeBreaker = (
  policy: CircuitBreakerPolicy
): Effect.Effect<CircuitBreaker.CircuitBreaker, never, CircuitBreaker.CircuitBreakerStore | Scope.Scope> =>
  CircuitBreaker.make(breakerOptions(policy))

/** Provides Effect's `CircuitBreaker` service for `policy` over whatever `CircuitBreakerStore` is provided. */
export const layer = (
  policy: CircuitBreakerPolicy
): Layer.Layer<CircuitBreaker.CircuitBreaker, never, CircuitBreaker.CircuitBreakerStore> =>
  CircuitBreaker.layer(breakerOptions(policy))

/** Provides Effect's `CircuitBreaker` service for `policy` with its own in-memory store. */
export const layerMemory = (policy: CircuitBreakerPolicy): Layer.Layer<CircuitBreaker.CircuitBreaker> =>
  layer(policy).pipe(Layer.provide(CircuitBreaker.layerStoreMemory()))
