/**
 * Retries of adapter calls by a {@link RetryPolicy.RetryPolicy}: the outermost middleware of an
 * adapter client, and the same policy for any other effect (such as reading a response body).
 */
import { Effect } from "effect"
import { dual } from "effect/Function"
import { HttpClient } from "effect/http"
import { unlessProbing } from "./HealthProbe.ts"
import * as RetryPolicy from "./RetryPolicy.ts"
import { circuitKey } from "./withCircuitBreaker.ts"

/**
 * Middleware: retries a request while it fails with a retryable error (`RetryPolicy.shouldRetry`),
 * waiting the upstream's `Retry-After` exactly when the error carries one and the jittered backoff
 * otherwise. After the last attempt the call fails with the last error, unchanged. Each attempt
 * runs every middleware below again (rate limit, timeout, authentication). A health probe's
 * requests (see `HealthProbe`) are not retried.
 */
export const withRetry: {
  (policy: RetryPolicy.RetryPolicy): <E, R>(self: HttpClient.HttpClient.With<E, R>) => HttpClient.HttpClient.With<E, R>
  <E, R>(self: HttpClient.HttpClient.With<E, R>, policy: RetryPolicy.RetryPolicy): HttpClient.HttpClient.With<E, R>
} = dual(
  2,
  <E, R>(self: HttpClient.HttpClient.With<E, R>, policy: RetryPolicy.RetryPolicy): HttpClient.HttpClient.With<E, R> =>
    HttpClient.transform(self, (effect, request) =>
      unlessProbing(effect, Effect.retry(effect, RetryPolicy.schedule(policy, request.method, circuitKey(request))))
    )
)

/** Retries any effect by `policy` (no HTTP method, so unsafe-method rules do not apply). */
export const retryWithPolicy: {
  (policy: RetryPolicy.RetryPolicy): <A, E, R>(self: Effect.Effect<A, E, R>) => Effect.Effect<A, E, R>
  <A, E, R>(self: Effect.Effect<A, E, R>, policy: RetryPolicy.RetryPolicy): Effect.Effect<A, E, R>
} = dual(
  2,
  <A, E, R>(self: Effect.Effect<A, E, R>, policy: RetryPolicy.RetryPolicy): Effect.Effect<A, E, R> =>
    Effect.retry(self, RetryPolicy.schedule(policy))
)
