/**
 * A circuit breaker per upstream host in front of an adapter client. Failures that say the host is
 * unwell (`UpstreamUnavailable` from a status or the network, `RequestTimeout`) count towards
 * opening its circuit; answers that say it is up (2xx-3xx, 4xx) count as successes; rate limits
 * and foreign errors are ignored. While the circuit is open, calls fail at once with
 * `UpstreamUnavailable { reason: "circuit-open" }` and no request is sent; after the reset timeout
 * one trial request goes through (others are rejected while it runs): success closes the circuit,
 * failure opens it again.
 */
import { Cause, Duration, Effect, Exit, Option } from "effect"
import { dual } from "effect/Function"
import { HttpClient, HttpClientRequest, type HttpClientResponse } from "effect/http"
import { CircuitBreaker } from "effect/persistence"
import {
  Forbidden,
  InvalidResponse,
  NotFound,
  RequestRejected,
  RequestTimeout,
  Unauthorized,
  UpstreamUnavailable
} from "../errors/AdapterError.ts"
import { CurrentEndpoint } from "../http/CurrentEndpoint.ts"
import { unlessProbing } from "./HealthProbe.ts"

/** The options of {@link withCircuitBreaker}. */
export interface WithCircuitBreakerOptions {
  /** The breaker holding the circuits (see `CircuitBreakerPolicy`). */
  readonly breaker: CircuitBreaker.CircuitBreaker
  /** The circuit of a request; defaults to {@link circuitKey} (the URL host). */
  readonly key?: ((request: HttpClientRequest.HttpClientRequest) => string) | undefined
}

/** The circuit of a request: its URL host (`api.example.com`, with the port when one is given). */
export const circuitKey = (request: HttpClientRequest.HttpClientRequest): string =>
  Option.match(HttpClientRequest.toUrl(request), { onNone: () => request.url, onSome: (url) => url.host })

const countsAgainst = (error: unknown): boolean =>
  (error instanceof UpstreamUnavailable && error.reason !== "circuit-open") || error instanceof RequestTimeout

const showsAnswer = (error: unknown): boolean =>
  error instanceof Unauthorized ||
  error instanceof Forbidden ||
  error instanceof NotFound ||
  error instanceof RequestRejected ||
  error instanceof InvalidResponse

/**
 * How a call's outcome counts for its circuit: a failure when it says the host is unwell, a
 * success when the host answered (including 4xx), ignored otherwise (429, foreign errors, defects).
 */
export const classifyCircuitOutcome = <A, E>(exit: Exit.Exit<A, E>): CircuitBreaker.Outcome => {
  if (Exit.isSuccess(exit)) return CircuitBreaker.success
  let answered = false
  for (const reason of exit.cause.reasons) {
    if (!Cause.isFailReason(reason)) continue
    if (countsAgainst(reason.error)) return CircuitBreaker.failure()
    if (showsAnswer(reason.error)) answered = true
  }
  return answered ? CircuitBreaker.success : CircuitBreaker.ignored
}

const rejected = Effect.fnUntraced(function* (error: CircuitBreaker.CircuitBreakerError) {
  const endpoint = yield* CurrentEndpoint
  const reason = error.reason
  const message =
    reason._tag === "CircuitOpen"
      ? `circuit for ${reason.key} is open: not sending the request (next trial in ${Duration.toMillis(reason.retryAfter)} ms)`
      : reason._tag === "CircuitHalfOpen"
        ? `circuit for ${reason.key} is half-open and its trial request is running: not sending the request`
        : `circuit breaker store failed: ${reason.message}`
  return yield* new UpstreamUnavailable({ endpoint, reason: "circuit-open", message })
})

const isCircuitBreakerError = (error: unknown): error is CircuitBreaker.CircuitBreakerError =>
  error instanceof CircuitBreaker.CircuitBreakerError

/**
 * Middleware: runs each request through the circuit of its host (see the module comment); a
 * rejected request fails with `UpstreamUnavailable { reason: "circuit-open" }` without being sent.
 * Sits below `withRetry`, which never retries an open circuit, so one call is one outcome per
 * attempt. A health probe's requests (see `HealthProbe`) go around the breaker.
 */
export const withCircuitBreaker: {
  (
    options: WithCircuitBreakerOptions
  ): <E, R>(self: HttpClient.HttpClient.With<E, R>) => HttpClient.HttpClient.With<E | UpstreamUnavailable, R>
  <E, R>(
    self: HttpClient.HttpClient.With<E, R>,
    options: WithCircuitBreakerOptions
  ): HttpClient.HttpClient.With<E | UpstreamUnavailable, R>
} = dual(
  2,
  <E, R>(
    self: HttpClient.HttpClient.With<E, R>,
    options: WithCircuitBreakerOptions
  ): HttpClient.HttpClient.With<E | UpstreamUnavailable, R> => {
    const keyOf = options.key ?? circuitKey
    return HttpClient.transform(
      self,
      (effect, request): Effect.Effect<HttpClientResponse.HttpClientResponse, E | UpstreamUnavailable, R> =>
        unlessProbing(
          effect,
          options.breaker
            .execute(effect, { key: keyOf(request), classify: classifyCircuitOutcome })
            .pipe(Effect.catchIf(isCircuitBreakerError, rejected))
        )
    )
  }
)

/** The state of a circuit, for tests and metrics. */
export type CircuitState = "closed" | "open" | "half-open"

/**
 * The state of the circuit for `host` (as {@link circuitKey} names it). An open circuit whose reset
 * timeout has passed reads `open` until the next call makes it `half-open`.
 */
export const circuitState = (
  breaker: CircuitBreaker.CircuitBreaker,
  host: string
): Effect.Effect<CircuitState, CircuitBreaker.CircuitBreakerError> =>
  Effect.map(breaker.state(host), (state) =>
    state._tag === "Closed" ? "closed" : state._tag === "Open" ? "open" : "half-open"
  )
