/**
 * The wire side of the OAuth2 authorization-code flow (RFC 6749): the authorize URL, token endpoint
 * requests (form-encoded, client credentials in the body or a Basic header) and the decoding of
 * their answers. Stateless: `TokenManager` decides when to call it and where the tokens go.
 */
import { Effect, Redacted, Schema } from "effect"
import { type HttpClient, HttpClientRequest, type HttpClientResponse } from "effect/http"
import { sampleOf, Unauthorized, UpstreamUnavailable } from "../errors/AdapterError.ts"
import { CurrentEndpoint } from "../http/CurrentEndpoint.ts"
import type { OAuth2, OAuth2ClientCredentials } from "./Credentials.ts"
import { TokenSet } from "./TokenSet.ts"

/** A token endpoint's success body (RFC 6749 §5.1, plus the `created_at` PCO adds). */
export const TokenResponse = Schema.Struct({
  access_token: Schema.RedactedFromValue(Schema.NonEmptyString),
  token_type: Schema.String.check(
    Schema.makeFilter((type: string) => type.toLowerCase() === "bearer" || `expected token_type "bearer"`)
  ),
  /** Lifetime of the access token in seconds. */
  expires_in: Schema.optional(Schema.Number.check(Schema.isGreaterThanOrEqualTo(0))),
  refresh_token: Schema.optional(Schema.RedactedFromValue(Schema.NonEmptyString)),
  scope: Schema.optional(Schema.String),
  /** When the provider issued the token, in epoch seconds (PCO). */
  created_at: Schema.optional(Schema.Number)
})

/** The decoded {@link TokenResponse}. */
export type TokenResponse = typeof TokenResponse.Type

/** A token endpoint's error body (RFC 6749 §5.2), such as `{"error":"invalid_grant"}`. */
export const OAuth2ErrorResponse = Schema.Struct({
  error: Schema.String,
  error_description: Schema.optional(Schema.String)
})

/** The decoded {@link OAuth2ErrorResponse}. */
export type OAuth2ErrorResponse = typeof OAuth2ErrorResponse.Type

/** Why a token could not be obtained: refused (`Unauthorized`) or the provider is unreachable. */
export type TokenRequestError = Unauthorized | UpstreamUnavailable

/** Options of {@link buildAuthorizeUrl}. */
export interface AuthorizeUrlOptions {
  /** The anti-CSRF value the provider echoes back to the redirect URI. */
  readonly state: string
  /** A PKCE code challenge (RFC 7636). */
  readonly codeChallenge?: string | undefined
  /** How `codeChallenge` was derived from the verifier; `"S256"` unless said otherwise. */
  readonly codeChallengeMethod?: "S256" | "plain" | undefined
}

/** The URL to send the user to so they can grant the client access (`response_type=code`). */
export const buildAuthorizeUrl = (credentials: OAuth2, options: AuthorizeUrlOptions): string => {
  const url = new URL(credentials.authorizeUrl)
  url.searchParams.set("response_type", "code")
  url.searchParams.set("client_id", credentials.clientId)
  url.searchParams.set("redirect_uri", credentials.redirectUri)
  if (credentials.scopes.length > 0) url.searchParams.set("scope", credentials.scopes.join(" "))
  url.searchParams.set("state", options.state)
  if (options.codeChallenge !== undefined) {
    url.searchParams.set("code_challenge", options.codeChallenge)
    url.searchParams.set("code_challenge_method", options.codeChallengeMethod ?? "S256")
  }
  return url.toString()
}

/** The grant parameters of a token request (`grant_type` and its fields). */
export type TokenGrant =
  | {
      readonly grant_type: "authorization_code"
      readonly code: Redacted.Redacted<string>
      readonly redirect_uri: string
      readonly code_verifier?: Redacted.Redacted<string> | undefined
    }
  | { readonly grant_type: "refresh_token"; readonly refresh_token: Redacted.Redacted<string> }
  | { readonly grant_type: "client_credentials"; readonly scope?: string | undefined }

// RFC 6749 §2.3.1: the client id and secret are form-encoded before they go into the Basic header.
const formEncode = (value: string): string => encodeURIComponent(value).replace(/%20/g, "+")

const readError = Effect.fnUntraced(function* (response: HttpClientResponse.HttpClientResponse) {
  const body = yield* response.text.pipe(Effect.orElseSucceed(() => ""))
  const decoded = yield* Schema.decodeUnknownEffect(Schema.fromJsonString(OAuth2ErrorResponse))(body).pipe(
    Effect.option
  )
  return { body, decoded }
})

/**
 * Posts a grant to the credentials' token endpoint and decodes the answer. A refusal (4xx, such as
 * `invalid_grant`) or an unreadable answer is `Unauthorized`; 5xx, 408, 429 and network failures
 * are `UpstreamUnavailable`, since retrying later may work.
 */
export const requestToken = Effect.fn("OAuth2.requestToken")(function* (
  client: HttpClient.HttpClient,
  credentials: OAuth2 | OAuth2ClientCredentials,
  grant: TokenGrant
): Effect.fn.Return<TokenResponse, TokenRequestError> {
  const endpoint = yield* CurrentEndpoint
  const tokenUrl = new URL(credentials.tokenUrl)
  const where = `${tokenUrl.origin}${tokenUrl.pathname}`
  const params: Array<readonly [string, string | Redacted.Redacted<string>]> = []
  for (const [name, value] of Object.entries(grant)) {
    if (value !== undefined) params.push([name, value])
  }
  const useBasic = credentials.clientAuthentication === "basic"
  if (!useBasic) params.push(["client_id", credentials.clientId], ["client_secret", credentials.clientSecret])
  let request = HttpClientRequest.post(credentials.tokenUrl).pipe(
    HttpClientRequest.acceptJson,
    HttpClientRequest.bodyUrlParams(params)
  )
  if (useBasic) {
    request = HttpClientRequest.basicAuth(
      request,
      formEncode(credentials.clientId),
      Redacted.make(formEncode(Redacted.value(credentials.clientSecret)))
    )
  }
  const response = yield* client.execute(request).pipe(
    Effect.mapError(
      (error) =>
        new UpstreamUnavailable({
          endpoint,
          reason: "network",
          message: `OAuth2 ${grant.grant_type} grant: token endpoint ${where} could not be reached: ${error.message}`
        })
    )
  )
  const status = response.status
  if (status >= 200 && status < 300) {
    const json = yield* response.json.pipe(
      Effect.mapError(
        () =>
          new Unauthorized({
            endpoint,
            message: `OAuth2 ${grant.grant_type} grant: token endpoint ${where} answered ${status} with a body that is not JSON`
          })
      )
    )
    return yield* Schema.decodeUnknownEffect(TokenResponse)(json).pipe(
      Effect.mapError(
        (error) =>
          new Unauthorized({
            endpoint,
            message: `OAuth2 ${grant.grant_type} grant: token endpoint ${where} answered an unexpected body: ${sampleOf(error.message, 300)}`
          })
      )
    )
  }
  const { body, decoded } = yield* readError(response)
  const said =
    decoded._tag === "Some"
      ? `${decoded.value.error}${decoded.value.error_description === undefined ? "" : ` (${sampleOf(decoded.value.error_description, 200)})`}`
      : sampleOf(body, 120)
  if (status === 408 || status === 429 || status >= 500) {
    const message = `OAuth2 ${grant.grant_type} grant failed at ${where}: ${status} ${said}`
    return yield* new UpstreamUnavailable({ endpoint, reason: "status", status, message })
  }
  const message = `OAuth2 ${grant.grant_type} grant refused by ${where}: ${status} ${said}`
  const deadGrant = decoded._tag === "Some" && decoded.value.error === "invalid_grant"
  const hint =
    deadGrant && grant.grant_type === "refresh_token"
      ? "; the refresh token is no longer valid: the connection must be authorized again"
      : ""
  return yield* new Unauthorized({ endpoint, message: `${message}${hint}` })
})

/**
 * The {@link TokenSet} a token response grants, its expiry computed from `nowMillis` (our clock,
 * not the provider's `created_at`, so clock skew cannot make a token look fresh). A response
 * without a refresh token or scope keeps those of `previous` (providers that do not rotate).
 */
export const toTokenSet = (response: TokenResponse, nowMillis: number, previous?: TokenSet | undefined): TokenSet => {
  const refreshToken = response.refresh_token ?? previous?.refreshToken
  const scope = response.scope ?? previous?.scope
  return new TokenSet({
    accessToken: response.access_token,
    ...(refreshToken === undefined ? {} : { refreshToken }),
    ...(response.expires_in === undefined ? {} : { expiresAt: nowMillis + response.expires_in * 1000 }),
    ...(scope === undefined ? {} : { scope })
  })
}
