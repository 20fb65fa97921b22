/**
 * HTTP client middleware that authenticates every request of a connection and recovers once from
 * a 401. It sits ABOVE `classifyResponse`, which has already turned a 401 into `Unauthorized`.
 */
import { Effect } from "effect"
import { Headers, HttpClient, type HttpClientRequest } from "effect/http"
import { Unauthorized } from "../errors/AdapterError.ts"
import {
  type AuthenticationError,
  type Authenticator,
  applyCredentials,
  type RequestCredentials
} from "./Authenticator.ts"

/**
 * Middleware: puts the authenticator's current credentials on each request (refreshing them ahead
 * of expiry). When the request fails with `Unauthorized`, renewable credentials (OAuth2, ServiceJwt)
 * are renewed once and the request is retried once; a second `Unauthorized` is final. Static
 * credentials fail on the first 401. A custom API-key header is added to the redacted header names
 * so traces and inspection never show it.
 */
export const withAuthentication =
  (authenticator: Authenticator) =>
  <E, R>(client: HttpClient.HttpClient.With<E, R>): HttpClient.HttpClient.With<E | AuthenticationError, R> => {
    const send = (request: HttpClientRequest.HttpClientRequest, credentials: RequestCredentials) => {
      const attempt = client.postprocess(Effect.succeed(applyCredentials(request, credentials)))
      return credentials.in === "header"
        ? attempt.pipe(
            Effect.updateService(Headers.CurrentRedactedNames, (names) =>
              names.includes(credentials.name) ? names : [...names, credentials.name]
            )
          )
        : attempt
    }
    const authenticated = Effect.fnUntraced(function* (request: HttpClientRequest.HttpClientRequest) {
      const credentials = yield* authenticator.current
      return yield* send(request, credentials).pipe(
        Effect.catch((error: E) =>
          error instanceof Unauthorized && authenticator.renewable
            ? Effect.flatMap(authenticator.renew(credentials), (renewed) =>
                send(request, renewed).pipe(
                  Effect.catch((second: E) =>
                    Effect.fail(
                      second instanceof Unauthorized
                        ? new Unauthorized({
                            endpoint: second.endpoint,
                            message: `${second.message} (rejected again after renewing the credentials of connection ${authenticator.connectionId})`
                          })
                        : second
                    )
                  )
                )
              )
            : Effect.fail(error)
        )
      )
    })
    return HttpClient.makeWith((request) => Effect.flatMap(request, authenticated), client.preprocess)
  }
