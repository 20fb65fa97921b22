/**
 * A per-request timeout: a request that has not answered in time is interrupted (the connection is
 * aborted) and fails with `RequestTimeout` naming the endpoint and the timeout.
 */
import { Duration, Effect, Option } from "effect"
import { dual } from "effect/Function"
import { HttpClient, HttpClientRequest } from "effect/http"
import { RequestTimeout } from "../errors/AdapterError.ts"
import { CurrentEndpoint } from "../http/CurrentEndpoint.ts"

const timedOut = Effect.fnUntraced(function* (request: HttpClientRequest.HttpClientRequest, timeoutMillis: number) {
  const endpoint = yield* CurrentEndpoint
  const path = Option.match(HttpClientRequest.toUrl(request), {
    onNone: () => request.url,
    onSome: (url) => url.pathname
  })
  return yield* new RequestTimeout({
    endpoint,
    timeoutMillis,
    message: `${request.method} ${path} did not answer within ${timeoutMillis} ms`
  })
})

/**
 * Middleware: fails a request with `RequestTimeout` when the response (its status and headers) has
 * not arrived within `timeout`, interrupting it. Reading the body afterwards is not covered.
 */
export const withRequestTimeout: {
  (
    timeout: Duration.Input
  ): <E, R>(self: HttpClient.HttpClient.With<E, R>) => HttpClient.HttpClient.With<E | RequestTimeout, R>
  <E, R>(
    self: HttpClient.HttpClient.With<E, R>,
    timeout: Duration.Input
  ): HttpClient.HttpClient.With<E | RequestTimeout, R>
} = dual(
  2,
  <E, R>(
    self: HttpClient.HttpClient.With<E, R>,
    timeout: Duration.Input
  ): HttpClient.HttpClient.With<E | RequestTimeout, R> => {
    const duration = Duration.fromInputUnsafe(timeout)
    const timeoutMillis = Duration.toMillis(duration)
    return HttpClient.transform(self, (effect, request) =>
      Effect.timeoutOrElse(effect, { duration, orElse: () => timedOut(request, timeoutMillis) })
    )
  }
)
