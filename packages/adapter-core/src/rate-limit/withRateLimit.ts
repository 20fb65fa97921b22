/**
 * Middleware that spends a rate-limit budget before each request and learns from every response.
 * It sits below `classifyResponse`, so it sees raw responses (429s included) and their headers.
 */
import { Effect } from "effect"
import { dual } from "effect/Function"
import { HttpClient, HttpClientError, type HttpClientResponse } from "effect/http"
import { unlessProbing } from "../resilience/HealthProbe.ts"
import type { RateLimitPolicy } from "./RateLimitPolicy.ts"
import type { RateLimitPermit, UpstreamRateLimiter } from "./UpstreamRateLimiter.ts"

/** The options of {@link withRateLimit}. */
export interface WithRateLimitOptions {
  /** The limiter holding the budget (from the `UpstreamRateLimiter` service). */
  readonly limiter: UpstreamRateLimiter["Service"]
  readonly policy: RateLimitPolicy
}

const limited = Effect.fnUntraced(function* <E, R>(
  options: WithRateLimitOptions,
  request: Effect.Effect<HttpClientResponse.HttpClientResponse, E, R>
): Effect.fn.Return<HttpClientResponse.HttpClientResponse, E, R> {
  const permit: RateLimitPermit = yield* options.limiter.acquire(options.policy)
  return yield* request.pipe(
    Effect.tap((response) => options.limiter.observe(permit, response)),
    Effect.tapError((error) =>
      // A client below may already have turned a status into an error: learn from its response too.
      HttpClientError.isHttpClientError(error) && error.reason._tag === "StatusCodeError"
        ? options.limiter.observe(permit, error.reason.response)
        : Effect.void
    )
  )
})

/**
 * Middleware: waits for the policy's budget before each request (the wait is not part of the
 * request timeout below it) and feeds every response back to the limiter. Adds no error: a failing
 * limiter store lets requests through. A health probe's requests (see `HealthProbe`) spend nothing.
 */
export const withRateLimit: {
  (options: WithRateLimitOptions): <E, R>(self: HttpClient.HttpClient.With<E, R>) => HttpClient.HttpClient.With<E, R>
  <E, R>(self: HttpClient.HttpClient.With<E, R>, options: WithRateLimitOptions): HttpClient.HttpClient.With<E, R>
} = dual(
  2,
  <E, R>(self: HttpClient.HttpClient.With<E, R>, options: WithRateLimitOptions): HttpClient.HttpClient.With<E, R> =>
    HttpClient.transformResponse(self, (request) => unlessProbing(request, limited(options, request)))
)
