/**
 * A small but faithful OAuth2 provider on a real loopback HTTP server, for tests (and for the fake
 * PCO): authorization codes (with PKCE), the authorization-code and refresh-token grants with
 * refresh-token rotation, access-token expiry judged by the caller's Clock (so TestClock drives
 * it), revocation, grant counters and a protected resource.
 *
 * The client-credentials grant issues access tokens without a refresh token.
 *
 * Routes: `GET /oauth/authorize` (302 to the redirect URI with `code` and `state`), `POST
 * /oauth/token`, `POST /oauth/revoke`, `GET /me` (the protected resource: 401 unless a live access
 * token is sent as `Authorization: Bearer`), `GET /callback` (echoes its query, a stand-in redirect
 * URI).
 */
import { Clock, Effect, Redacted, Result, type Scope } from "effect"
import { Base64, Base64Url } from "effect/encoding"
import { OAuth2 } from "../auth/Credentials.ts"
import * as TestServer from "./TestServer.ts"

/** How the fake provider behaves. */
export interface FakeOAuthServerOptions {
  /** The one registered client; `"fake-client"` by default. */
  readonly clientId?: string | undefined
  /** Its secret; `"fake-client-secret"` by default. */
  readonly clientSecret?: string | undefined
  /** Lifetime of access tokens in seconds; 7200 (PCO's 2 h) by default. */
  readonly accessTokenTtlSeconds?: number | undefined
  /** Lifetime of refresh tokens in seconds; unlimited by default. */
  readonly refreshTokenTtlSeconds?: number | undefined
  /** Whether each refresh issues a new refresh token and kills the old one (PCO does); true by default. */
  readonly rotateRefreshTokens?: boolean | undefined
}

/** How many token requests the fake has answered, by outcome. */
export interface FakeOAuthGrants {
  /** Successful authorization-code grants. */
  readonly authorizationCode: number
  /** Successful refresh-token grants. */
  readonly refreshToken: number
  /** Token requests refused (invalid_grant, invalid_client, ...) or failed on purpose. */
  readonly rejected: number
}

/** A running fake OAuth2 provider. */
export interface FakeOAuthServer {
  /** `http://127.0.0.1:PORT`. */
  readonly baseUrl: string
  readonly authorizeUrl: string
  readonly tokenUrl: string
  /** `GET` here answers 200 only with a live access token. */
  readonly protectedUrl: string
  /** A redirect URI served by the fake itself (`/callback`, which echoes its query as JSON). */
  readonly redirectUri: string
  /** OAuth2 credentials for the registered client, pointing at this server. */
  readonly credentials: (options?: {
    readonly clientAuthentication?: "body" | "basic" | undefined
    readonly scopes?: ReadonlyArray<string> | undefined
    /** Use another secret than the registered one (to test `invalid_client`). */
    readonly clientSecret?: string | undefined
  }) => OAuth2
  /** Issues an authorization code as if the user had approved the client, without the HTTP redirect. */
  readonly issueCode: (options?: {
    readonly redirectUri?: string | undefined
    readonly scope?: string | undefined
    readonly codeChallenge?: string | undefined
    readonly codeChallengeMethod?: "S256" | "plain" | undefined
  }) => Effect.Effect<string>
  /** Grant counters so far. */
  readonly grants: Effect.Effect<FakeOAuthGrants>
  /** Successful client-credentials grants so far. */
  readonly clientCredentialsGrants: Effect.Effect<number>
  /** Revokes every access token issued so far: the next protected request answers 401 (refresh tokens stay valid). */
  readonly revokeAccessTokens: Effect.Effect<void>
  /**
   * While on, the protected resource answers 401 to every access token, fresh ones included (an
   * access problem a refresh does not fix, PCO's TRASH_PANDA).
   */
  readonly rejectAllAccessTokens: (reject: boolean) => Effect.Effect<void>
  /** Revokes every refresh token issued so far: the next refresh answers `invalid_grant`. */
  readonly revokeRefreshTokens: Effect.Effect<void>
  /** Makes the token endpoint wait this long (on the server's Clock, so TestClock controls it) before answering. */
  readonly delayTokenResponses: (millis: number) => Effect.Effect<void>
  /** Answers the next `count` token requests with `status` (503 by default) before handling them. */
  readonly failNextTokenRequests: (count: number, status?: number) => Effect.Effect<void>
  /** Whether an access token would currently be accepted by the protected resource. */
  readonly isAccessTokenLive: (token: string) => Effect.Effect<boolean>
  /** Whether a refresh token would currently be accepted. */
  readonly isRefreshTokenLive: (token: string | Redacted.Redacted<string>) => Effect.Effect<boolean>
  /** Every request received so far, in order. */
  readonly requests: Effect.Effect<ReadonlyArray<TestServer.TestRequest>>
}

interface IssuedCode {
  readonly redirectUri: string
  readonly scope: string
  readonly codeChallenge: string | undefined
  readonly codeChallengeMethod: "S256" | "plain"
  readonly expiresAt: number
}

interface IssuedToken {
  readonly scope: string
  readonly expiresAt: number | undefined
}

const CODE_TTL_MILLIS = 10 * 60 * 1000

const json = (status: number, body: unknown): TestServer.TestResponse => ({ status, body })

const oauthError = (status: number, error: string, description: string): TestServer.TestResponse =>
  json(status, { error, error_description: description })

/** A PCO-style 401 with a hint code (BABOON: expired, CAPUCHIN: revoked). */
const unauthorized = (detail: string, code?: string): TestServer.TestResponse =>
  json(401, {
    errors: [{ status: "401", title: "Unauthorized", ...(code === undefined ? {} : { code }), detail }]
  })

const formDecode = (value: string): string => decodeURIComponent(value.replace(/\+/g, " "))

/** Client credentials from a Basic header (RFC 6749 §2.3.1) or the form body. */
const clientOf = (
  request: TestServer.TestRequest,
  form: URLSearchParams
): { readonly id: string | null; readonly secret: string | null } => {
  const header = request.headers.authorization
  if (header?.startsWith("Basic ")) {
    const decoded = Base64.decodeString(header.slice(6).trim())
    if (Result.isFailure(decoded)) return { id: null, secret: null }
    const colon = decoded.success.indexOf(":")
    if (colon < 0) return { id: null, secret: null }
    return { id: formDecode(decoded.success.slice(0, colon)), secret: formDecode(decoded.success.slice(colon + 1)) }
  }
  return { id: form.get("client_id"), secret: form.get("client_secret") }
}

const s256 = (verifier: string): Effect.Effect<string> =>
  Effect.promise(() => globalThis.crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier))).pipe(
    Effect.map((digest) => Base64Url.encode(new Uint8Array(digest)))
  )

/** Starts a fake OAuth2 provider for the life of the scope. Its clock is the caller's (TestClock in `it.effect`). */
export const make = Effect.fnUntraced(function* (
  options: FakeOAuthServerOptions = {}
): Effect.fn.Return<FakeOAuthServer, never, Scope.Scope> {
  const clientId = options.clientId ?? "fake-client"
  const clientSecret = options.clientSecret ?? "fake-client-secret"
  const accessTtlMillis = (options.accessTokenTtlSeconds ?? 7200) * 1000
  const refreshTtlMillis =
    options.refreshTokenTtlSeconds === undefined ? undefined : options.refreshTokenTtlSeconds * 1000
  const rotate = options.rotateRefreshTokens ?? true

  const codes = new Map<string, IssuedCode>()
  const accessTokens = new Map<string, IssuedToken>()
  const refreshTokens = new Map<string, IssuedToken>()
  const revokedAccessTokens = new Set<string>()
  let counter = 0
  let authorizationCodeGrants = 0
  let refreshTokenGrants = 0
  let clientCredentialsGrants = 0
  let rejected = 0
  let failures: { count: number; status: number } = { count: 0, status: 503 }
  let rejectAll = false
  let tokenDelayMillis = 0

  const random = (prefix: string): string => `${prefix}_${++counter}_${globalThis.crypto.randomUUID()}`

  const issueCode = (
    now: number,
    redirectUri: string,
    scope: string,
    codeChallenge: string | undefined,
    codeChallengeMethod: "S256" | "plain"
  ): string => {
    const code = random("code")
    codes.set(code, { redirectUri, scope, codeChallenge, codeChallengeMethod, expiresAt: now + CODE_TTL_MILLIS })
    return code
  }

  const issueTokens = (now: number, scope: string, refreshToken: string | undefined): TestServer.TestResponse => {
    const accessToken = random("access")
    accessTokens.set(accessToken, { scope, expiresAt: now + accessTtlMillis })
    const nextRefresh = refreshToken ?? random("refresh")
    if (refreshToken === undefined) {
      refreshTokens.set(nextRefresh, {
        scope,
        expiresAt: refreshTtlMillis === undefined ? undefined : now + refreshTtlMillis
      })
    }
    return json(200, {
      access_token: accessToken,
      token_type: "bearer",
      expires_in: accessTtlMillis / 1000,
      refresh_token: nextRefresh,
      scope,
      created_at: Math.floor(now / 1000)
    })
  }

  const reject = (response: TestServer.TestResponse): TestServer.TestResponse => {
    rejected += 1
    return response
  }

  const authorizeRoute = (request: TestServer.TestRequest, now: number): TestServer.TestResponse => {
    const params = request.url.searchParams
    if (params.get("client_id") !== clientId) return oauthError(400, "invalid_client", "unknown client_id")
    if (params.get("response_type") !== "code") {
      return oauthError(400, "unsupported_response_type", "response_type must be code")
    }
    const redirectUri = params.get("redirect_uri")
    if (redirectUri === null || !URL.canParse(redirectUri)) {
      return oauthError(400, "invalid_request", "redirect_uri is required")
    }
    const method = params.get("code_challenge_method") === "plain" ? "plain" : "S256"
    const code = issueCode(
      now,
      redirectUri,
      params.get("scope") ?? "",
      params.get("code_challenge") ?? undefined,
      method
    )
    const location = new URL(redirectUri)
    location.searchParams.set("code", code)
    const state = params.get("state")
    if (state !== null) location.searchParams.set("state", state)
    return { status: 302, headers: { location: location.toString() } }
  }

  const tokenRoute = Effect.fnUntraced(function* (request: TestServer.TestRequest, receivedAt: number) {
    if (tokenDelayMillis > 0) yield* Effect.sleep(tokenDelayMillis)
    const now = tokenDelayMillis > 0 ? yield* Clock.currentTimeMillis : receivedAt
    if (failures.count > 0) {
      failures = { ...failures, count: failures.count - 1 }
      return reject(oauthError(failures.status, "temporarily_unavailable", "the fake was told to fail"))
    }
    const form = new URLSearchParams(request.body)
    const client = clientOf(request, form)
    if (client.id !== clientId || client.secret !== clientSecret) {
      return reject(oauthError(401, "invalid_client", "client authentication failed"))
    }
    const grantType = form.get("grant_type")
    if (grantType === "authorization_code") {
      const code = form.get("code") ?? ""
      const issued = codes.get(code)
      codes.delete(code)
      if (issued === undefined || now >= issued.expiresAt) {
        return reject(oauthError(400, "invalid_grant", "the authorization code is invalid, expired or used"))
      }
      if (form.get("redirect_uri") !== issued.redirectUri) {
        return reject(oauthError(400, "invalid_grant", "redirect_uri does not match the authorization request"))
      }
      if (issued.codeChallenge !== undefined) {
        const verifier = form.get("code_verifier")
        const expected =
          verifier === null ? undefined : issued.codeChallengeMethod === "plain" ? verifier : yield* s256(verifier)
        if (expected !== issued.codeChallenge) {
          return reject(oauthError(400, "invalid_grant", "the PKCE code verifier does not match"))
        }
      }
      authorizationCodeGrants += 1
      return issueTokens(now, issued.scope, undefined)
    }
    if (grantType === "refresh_token") {
      const token = form.get("refresh_token") ?? ""
      const issued = refreshTokens.get(token)
      if (issued === undefined || (issued.expiresAt !== undefined && now >= issued.expiresAt)) {
        return reject(
          oauthError(400, "invalid_grant", "the refresh token is invalid, expired, revoked or already used")
        )
      }
      refreshTokenGrants += 1
      if (rotate) {
        refreshTokens.delete(token)
        return issueTokens(now, issued.scope, undefined)
      }
      return issueTokens(now, issued.scope, token)
    }
    if (grantType === "client_credentials") {
      clientCredentialsGrants += 1
      const accessToken = random("access")
      const scope = form.get("scope") ?? ""
      accessTokens.set(accessToken, { scope, expiresAt: now + accessTtlMillis })
      return json(200, { access_token: accessToken, token_type: "bearer", expires_in: accessTtlMillis / 1000, scope })
    }
    return reject(oauthError(400, "unsupported_grant_type", `grant_type ${grantType ?? "(missing)"} is not supported`))
  })

  const revokeRoute = (request: TestServer.TestRequest): TestServer.TestResponse => {
    const token = new URLSearchParams(request.body).get("token") ?? ""
    if (accessTokens.delete(token)) revokedAccessTokens.add(token)
    refreshTokens.delete(token)
    return json(200, {})
  }

  const protectedRoute = (request: TestServer.TestRequest, now: number): TestServer.TestResponse => {
    const header = request.headers.authorization
    if (header === undefined || !/^bearer /i.test(header)) return unauthorized("no access token was sent")
    const token = header.slice(7).trim()
    if (revokedAccessTokens.has(token)) return unauthorized("the access token was revoked", "CAPUCHIN")
    const issued = accessTokens.get(token)
    if (issued === undefined) return unauthorized("the access token is unknown")
    if (issued.expiresAt !== undefined && now >= issued.expiresAt) {
      return unauthorized("the access token has expired", "BABOON")
    }
    if (rejectAll) return unauthorized("the client has no access to this resource", "TRASH_PANDA")
    return json(200, { data: { type: "Me", client_id: clientId, scope: issued.scope } })
  }

  const server = yield* TestServer.make((request) =>
    Effect.gen(function* () {
      const now = yield* Clock.currentTimeMillis
      const route = `${request.method} ${request.url.pathname}`
      switch (route) {
        case "GET /oauth/authorize":
          return authorizeRoute(request, now)
        case "POST /oauth/token":
          return yield* tokenRoute(request, now)
        case "POST /oauth/revoke":
          return revokeRoute(request)
        case "GET /me":
          return protectedRoute(request, now)
        case "GET /callback":
          return json(200, Object.fromEntries(request.url.searchParams))
        default:
          return json(404, { errors: [{ status: "404", title: "Not Found", detail: `no route ${route}` }] })
      }
    })
  )

  const redirectUri = `${server.baseUrl}/callback`
  return {
    baseUrl: server.baseUrl,
    authorizeUrl: `${server.baseUrl}/oauth/authorize`,
    tokenUrl: `${server.baseUrl}/oauth/token`,
    protectedUrl: `${server.baseUrl}/me`,
    redirectUri,
    credentials: (credentialOptions = {}) =>
      new OAuth2({
        clientId,
        clientSecret: Redacted.make(credentialOptions.clientSecret ?? clientSecret),
        authorizeUrl: `${server.baseUrl}/oauth/authorize`,
        tokenUrl: `${server.baseUrl}/oauth/token`,
        redirectUri,
        scopes: credentialOptions.scopes ?? ["people"],
        ...(credentialOptions.clientAuthentication === undefined
          ? {}
          : { clientAuthentication: credentialOptions.clientAuthentication })
      }),
    issueCode: (codeOptions = {}) =>
      Effect.map(Clock.currentTimeMillis, (now) =>
        issueCode(
          now,
          codeOptions.redirectUri ?? redirectUri,
          codeOptions.scope ?? "people",
          codeOptions.codeChallenge,
          codeOptions.codeChallengeMethod ?? "S256"
        )
      ),
    grants: Effect.sync(() => ({
      authorizationCode: authorizationCodeGrants,
      refreshToken: refreshTokenGrants,
      rejected
    })),
    revokeAccessTokens: Effect.sync(() => {
      for (const token of accessTokens.keys()) revokedAccessTokens.add(token)
      accessTokens.clear()
    }),
    rejectAllAccessTokens: (reject) =>
      Effect.sync(() => {
        rejectAll = reject
      }),
    revokeRefreshTokens: Effect.sync(() => refreshTokens.clear()),
    delayTokenResponses: (millis) =>
      Effect.sync(() => {
        tokenDelayMillis = millis
      }),
    failNextTokenRequests: (count, status = 503) =>
      Effect.sync(() => {
        failures = { count, status }
      }),
    clientCredentialsGrants: Effect.sync(() => clientCredentialsGrants),
    isAccessTokenLive: (token) =>
      Effect.map(Clock.currentTimeMillis, (now) => {
        const issued = accessTokens.get(token)
        return (
          !rejectAll &&
          !revokedAccessTokens.has(token) &&
          issued !== undefined &&
          (issued.expiresAt === undefined || now < issued.expiresAt)
        )
      }),
    isRefreshTokenLive: (token) =>
      Effect.map(Clock.currentTimeMillis, (now) => {
        const issued = refreshTokens.get(Redacted.isRedacted(token) ? Redacted.value(token) : token)
        return issued !== undefined && (issued.expiresAt === undefined || now < issued.expiresAt)
      }),
    requests: server.requests
  }
})
