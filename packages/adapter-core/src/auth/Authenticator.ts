/**
 * What `withAuthentication` asks of a connection's credentials: the value to put on the next
 * request, and new credentials after the upstream rejected them. `TokenManager.authenticator`
 * builds one per connection; static schemes (ApiKey, Basic, Bearer) are built here.
 */
import { Effect, Redacted } from "effect"
import { Base64 } from "effect/encoding"
import { HttpClientRequest } from "effect/http"
import { Unauthorized, type UpstreamUnavailable } from "../errors/AdapterError.ts"
import { CurrentEndpoint } from "../http/CurrentEndpoint.ts"
import type { ApiKey, Basic, Bearer, Credentials } from "./Credentials.ts"

/** Why no credentials could be put on a request: refused, or the token endpoint is unreachable. */
export type AuthenticationError = Unauthorized | UpstreamUnavailable

/** A credential ready to send: a header or a query parameter whose value stays `Redacted`. */
export interface RequestCredentials {
  readonly in: "header" | "query"
  readonly name: string
  readonly value: Redacted.Redacted<string>
}

/** The credentials of one connection, as the authentication middleware uses them. */
export interface Authenticator {
  readonly connectionId: string
  /** The credentials scheme. */
  readonly scheme: Credentials["_tag"]
  /** Whether {@link Authenticator.renew} can produce different credentials (OAuth2, ServiceJwt). */
  readonly renewable: boolean
  /** The credentials for the next request: an OAuth2 token near expiry is refreshed first, a JWT re-minted. */
  readonly current: Effect.Effect<RequestCredentials, AuthenticationError>
  /**
   * Credentials to retry with after the upstream answered 401 to `rejected`. Concurrent callers
   * share one refresh, and a caller whose rejected token was already replaced gets the replacement
   * without another refresh. Static credentials fail with `Unauthorized`.
   */
  readonly renew: (rejected: RequestCredentials) => Effect.Effect<RequestCredentials, AuthenticationError>
}

/** Puts credentials on a request (a header, or a query parameter kept `Redacted` in the URL params). */
export const applyCredentials = (
  request: HttpClientRequest.HttpClientRequest,
  credentials: RequestCredentials
): HttpClientRequest.HttpClientRequest =>
  credentials.in === "header"
    ? HttpClientRequest.setHeader(request, credentials.name, Redacted.value(credentials.value))
    : HttpClientRequest.setUrlParam(request, credentials.name, credentials.value)

/** An `Authorization: Bearer <token>` credential. */
export const bearerCredentials = (token: Redacted.Redacted<string>): RequestCredentials => ({
  in: "header",
  name: "authorization",
  value: Redacted.make(`Bearer ${Redacted.value(token)}`)
})

/** Whether two credentials carry the same value (used to tell a stale token from a renewed one). */
export const sameCredentials = (a: RequestCredentials, b: RequestCredentials): boolean =>
  a.in === b.in && a.name === b.name && Redacted.value(a.value) === Redacted.value(b.value)

const staticRequestCredentials = (credentials: ApiKey | Basic | Bearer): RequestCredentials => {
  switch (credentials._tag) {
    case "ApiKey":
      return credentials.in === "header"
        ? { in: "header", name: credentials.name.toLowerCase(), value: credentials.key }
        : { in: "query", name: credentials.name, value: credentials.key }
    case "Basic":
      return {
        in: "header",
        name: "authorization",
        value: Redacted.make(
          `Basic ${Base64.encode(`${credentials.username}:${Redacted.value(credentials.password)}`)}`
        )
      }
    case "Bearer":
      return bearerCredentials(credentials.token)
  }
}

/** An authenticator for credentials that never change: a 401 is final. */
export const staticAuthenticator = (connectionId: string, credentials: ApiKey | Basic | Bearer): Authenticator => {
  const current = staticRequestCredentials(credentials)
  return {
    connectionId,
    scheme: credentials._tag,
    renewable: false,
    current: Effect.succeed(current),
    renew: () =>
      Effect.flatMap(CurrentEndpoint, (endpoint) =>
        Effect.fail(
          new Unauthorized({
            endpoint,
            message: `the ${credentials._tag} credentials of connection ${connectionId} were rejected and cannot be renewed`
          })
        )
      )
  }
}
