/**
 * Turns HTTP outcomes into the adapter's typed errors: non-2xx statuses by class, and transport
 * failures as an unavailable upstream. Everything above this layer sees only `AdapterError`s.
 */
import { Clock, Effect } from "effect"
import { HttpClient, HttpClientError, type HttpClientResponse } from "effect/http"
import {
  type AdapterError,
  Forbidden,
  NotFound,
  RateLimited,
  RequestRejected,
  sampleOf,
  Unauthorized,
  UpstreamUnavailable
} from "../errors/AdapterError.ts"
import { AnsweredStatuses } from "./AnsweredStatuses.ts"
import { CurrentEndpoint } from "./CurrentEndpoint.ts"
import { parseRetryAfter } from "./parseRetryAfter.ts"

const statusError = Effect.fnUntraced(function* (
  response: HttpClientResponse.HttpClientResponse
): Effect.fn.Return<HttpClientResponse.HttpClientResponse, AdapterError> {
  if ((yield* AnsweredStatuses).includes(response.status)) return response
  const endpoint = yield* CurrentEndpoint
  const body = yield* response.text.pipe(Effect.orElseSucceed(() => ""))
  const status = response.status
  const message = `${response.request.method} ${new URL(response.request.url).pathname} answered ${status}: ${sampleOf(body, 120)}`
  if (status === 401) return yield* new Unauthorized({ endpoint, message })
  if (status === 403) return yield* new Forbidden({ endpoint, message })
  if (status === 404 || status === 410) return yield* new NotFound({ endpoint, message })
  const now = yield* Clock.currentTimeMillis
  const retryAfterMillis = parseRetryAfter(response.headers["retry-after"], now)
  const retryAfter = retryAfterMillis === undefined ? {} : { retryAfterMillis }
  if (status === 429) return yield* new RateLimited({ endpoint, message, ...retryAfter })
  if (status === 408 || status >= 500) {
    return yield* new UpstreamUnavailable({ endpoint, reason: "status", status, message, ...retryAfter })
  }
  return yield* new RequestRejected({ endpoint, status, message, sample: sampleOf(body) })
})

const transportError = Effect.fnUntraced(function* (error: HttpClientError.HttpClientError) {
  const endpoint = yield* CurrentEndpoint
  return yield* new UpstreamUnavailable({ endpoint, reason: "network", message: error.message })
})

/**
 * Middleware: 2xx and 3xx responses pass through, and so do the statuses of `AnsweredStatuses`;
 * other statuses and transport errors fail with the matching {@link AdapterError}.
 */
export const classifyResponse = <E, R>(
  self: HttpClient.HttpClient.With<E | HttpClientError.HttpClientError, R>
): HttpClient.HttpClient.With<Exclude<E, HttpClientError.HttpClientError> | AdapterError, R> =>
  HttpClient.transformResponse(self, (effect) =>
    effect.pipe(
      Effect.catchIf(HttpClientError.isHttpClientError, transportError, (error) =>
        Effect.fail(error as Exclude<E, HttpClientError.HttpClientError>)
      ),
      Effect.flatMap((response) => (response.status < 400 ? Effect.succeed(response) : statusError(response)))
    )
  )
