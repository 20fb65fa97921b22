/**
 * Per-connection credentials: runs the OAuth2 authorization-code flow, keeps each connection's
 * tokens in the `TokenStore`, refreshes them ahead of expiry and after a 401 (one refresh at a
 * time per connection, shared by every caller that needs it), mints service JWTs, and hands out
 * the `Authenticator`s that `withAuthentication` puts on requests.
 */
import { Cause, Clock, Context, Duration, Effect, Fiber, Layer, Option, Redacted, Semaphore } from "effect"
import { HttpClient } from "effect/http"
import { Unauthorized, UpstreamUnavailable } from "../errors/AdapterError.ts"
import { CurrentEndpoint } from "../http/CurrentEndpoint.ts"
import {
  type AuthenticationError,
  type Authenticator,
  bearerCredentials,
  type RequestCredentials,
  sameCredentials,
  staticAuthenticator
} from "./Authenticator.ts"
import type { Credentials, OAuth2, OAuth2ClientCredentials, ServiceJwt } from "./Credentials.ts"
import { type AuthorizeUrlOptions, buildAuthorizeUrl, requestToken, type TokenGrant, toTokenSet } from "./OAuth2.ts"
import { type MintedServiceJwt, mintServiceJwt } from "./ServiceJwt.ts"
import type { TokenSet } from "./TokenSet.ts"
import { TokenStore, type TokenStoreError } from "./TokenStore.ts"

/** Tuning of {@link TokenManager}. */
export interface TokenManagerOptions {
  /**
   * How long before expiry an access token is refreshed (and a service JWT re-minted, capped at
   * half its lifetime). Default 60 seconds.
   */
  readonly refreshSkew?: Duration.Input | undefined
  /**
   * How long a token endpoint request may take before it fails with `UpstreamUnavailable`, so a
   * hung provider cannot hold a connection's refresh (and every request waiting on it) forever.
   * Default 30 seconds.
   */
  readonly tokenRequestTimeout?: Duration.Input | undefined
}

/** What is known in memory about an OAuth2 connection. Mutated only under `lock` or by its refresh fiber. */
interface OAuthConnection {
  readonly lock: Semaphore.Semaphore
  /** The tokens last read from or written to the store. */
  tokens: TokenSet | undefined
  /** Refresh attempts finished so far; a caller that waited across one reuses its outcome. */
  attempts: number
  /** The failure of the last finished attempt, when it failed. */
  lastFailure: AuthenticationError | undefined
  /** The refresh in flight, which outlives an interrupted caller so a rotated token is never lost. */
  running: Fiber.Fiber<TokenSet, AuthenticationError> | undefined
}

/** The current service JWT of a connection. */
interface JwtConnection {
  readonly lock: Semaphore.Semaphore
  minted: MintedServiceJwt | undefined
}

const unauthorized = (message: string) =>
  Effect.flatMap(CurrentEndpoint, (endpoint) => Effect.fail(new Unauthorized({ endpoint, message })))

const sameToken = (a: Redacted.Redacted<string>, b: Redacted.Redacted<string>): boolean =>
  Redacted.value(a) === Redacted.value(b)

const make = Effect.fnUntraced(function* (options: TokenManagerOptions) {
  const store = yield* TokenStore
  const client = yield* HttpClient.HttpClient
  const scope = yield* Effect.scope
  const skewMillis = Duration.toMillis(options.refreshSkew ?? Duration.seconds(60))
  const timeout = Duration.fromInputUnsafe(options.tokenRequestTimeout ?? Duration.seconds(30))

  /** A token endpoint request, bounded by the timeout. */
  const tokenRequest = (credentials: OAuth2 | OAuth2ClientCredentials, grant: TokenGrant) =>
    requestToken(client, credentials, grant).pipe(
      Effect.timeoutOrElse({
        duration: timeout,
        orElse: () =>
          Effect.flatMap(CurrentEndpoint, (endpoint) =>
            Effect.fail(
              new UpstreamUnavailable({
                endpoint,
                reason: "network",
                message: `OAuth2 ${grant.grant_type} grant: the token endpoint did not answer within ${Duration.format(timeout)}`
              })
            )
          )
      })
    )
  const oauth = new Map<string, OAuthConnection>()
  const jwts = new Map<string, JwtConnection>()

  const oauthConnection = (connectionId: string): OAuthConnection => {
    let connection = oauth.get(connectionId)
    if (connection === undefined) {
      connection = {
        lock: Semaphore.makeUnsafe(1),
        tokens: undefined,
        attempts: 0,
        lastFailure: undefined,
        running: undefined
      }
      oauth.set(connectionId, connection)
    }
    return connection
  }

  const storeFailed = (connectionId: string) => (error: TokenStoreError) =>
    unauthorized(`the token store failed for connection ${connectionId}: ${error.message}`)

  /** Whether tokens must be refreshed before use: expired, or within the skew and refreshable. */
  const isDue = (tokens: TokenSet, now: number): boolean =>
    tokens.expiresAt !== undefined &&
    (now >= tokens.expiresAt || (tokens.refreshToken !== undefined && now >= tokens.expiresAt - skewMillis))

  /** Reads the connection's tokens from the store (the source of truth) into memory. */
  const load = Effect.fnUntraced(function* (
    connectionId: string,
    connection: OAuthConnection
  ): Effect.fn.Return<TokenSet, AuthenticationError> {
    const stored = yield* store.get(connectionId).pipe(Effect.catchTag("TokenStoreError", storeFailed(connectionId)))
    connection.tokens = Option.getOrUndefined(stored)
    if (Option.isNone(stored)) {
      return yield* unauthorized(
        `connection ${connectionId} has no OAuth2 tokens: complete the authorization-code flow first`
      )
    }
    return stored.value
  })

  /** One refresh-token grant; the new tokens (with a rotated refresh token) are stored before they are returned. */
  const performRefresh = Effect.fnUntraced(function* (
    connectionId: string,
    credentials: OAuth2,
    current: TokenSet
  ): Effect.fn.Return<TokenSet, AuthenticationError> {
    if (current.refreshToken === undefined) {
      return yield* unauthorized(
        `the access token of connection ${connectionId} is expired or rejected and there is no refresh token: authorize the connection again`
      )
    }
    const response = yield* tokenRequest(credentials, {
      grant_type: "refresh_token",
      refresh_token: current.refreshToken
    })
    const next = toTokenSet(response, yield* Clock.currentTimeMillis, current)
    yield* store.set(connectionId, next).pipe(Effect.catchTag("TokenStoreError", storeFailed(connectionId)))
    yield* Effect.logDebug("refreshed OAuth2 access token").pipe(
      Effect.annotateLogs({ connectionId, rotated: response.refresh_token !== undefined })
    )
    return next
  })

  /**
   * Single-flight refresh: under the connection's lock, re-reads the store and refreshes only if
   * `needsRefresh` still holds. Callers that waited while another refresh finished reuse its
   * outcome; the refresh itself runs in a fiber of the TokenManager's scope, so interrupting a
   * caller cannot lose a rotated refresh token between the token response and the store write.
   */
  const refreshIf = (
    connectionId: string,
    credentials: OAuth2,
    needsRefresh: (tokens: TokenSet, now: number) => boolean
  ): Effect.Effect<TokenSet, AuthenticationError> => {
    const connection = oauthConnection(connectionId)
    const seen = connection.attempts
    return connection.lock.withPermit(
      Effect.gen(function* () {
        const running = connection.running
        if (running !== undefined && running.pollUnsafe() === undefined) return yield* Fiber.join(running)
        if (connection.attempts !== seen && connection.lastFailure !== undefined) {
          return yield* Effect.fail(connection.lastFailure)
        }
        const current = yield* load(connectionId, connection)
        if (!needsRefresh(current, yield* Clock.currentTimeMillis)) return current
        const fiber = yield* performRefresh(connectionId, credentials, current).pipe(
          Effect.onExit((exit) =>
            Effect.sync(() => {
              connection.attempts += 1
              connection.running = undefined
              if (exit._tag === "Success") {
                connection.tokens = exit.value
                connection.lastFailure = undefined
              } else {
                connection.lastFailure = Option.getOrUndefined(Cause.findErrorOption(exit.cause))
              }
            })
          ),
          Effect.forkIn(scope)
        )
        connection.running = fiber
        return yield* Fiber.join(fiber)
      })
    )
  }

  const bearerOf = (tokens: TokenSet): RequestCredentials => bearerCredentials(tokens.accessToken)

  const oauthAuthenticator = (connectionId: string, credentials: OAuth2): Authenticator => {
    const connection = oauthConnection(connectionId)
    return {
      connectionId,
      scheme: "OAuth2",
      renewable: true,
      current: Effect.gen(function* () {
        const tokens = connection.tokens ?? (yield* load(connectionId, connection))
        if (!isDue(tokens, yield* Clock.currentTimeMillis)) return bearerOf(tokens)
        return bearerOf(yield* refreshIf(connectionId, credentials, isDue))
      }),
      renew: (rejected) =>
        refreshIf(
          connectionId,
          credentials,
          (tokens, now) => sameCredentials(bearerOf(tokens), rejected) || isDue(tokens, now)
        ).pipe(Effect.map(bearerOf))
    }
  }

  const jwtAuthenticator = (connectionId: string, credentials: ServiceJwt): Authenticator => {
    let connection = jwts.get(connectionId)
    if (connection === undefined) {
      connection = { lock: Semaphore.makeUnsafe(1), minted: undefined }
      jwts.set(connectionId, connection)
    }
    const state = connection
    const jwtSkew = Math.min(skewMillis, (credentials.ttlSeconds * 1000) / 2)
    const usable = (minted: MintedServiceJwt | undefined, now: number): minted is MintedServiceJwt =>
      minted !== undefined && now < minted.expiresAt - jwtSkew
    const mint = mintServiceJwt(credentials).pipe(
      Effect.catchTag("ServiceJwtError", (error) =>
        unauthorized(`could not mint a service JWT for connection ${connectionId}: ${error.message}`)
      ),
      Effect.tap((minted) =>
        Effect.sync(() => {
          state.minted = minted
        })
      )
    )
    /** Mints under the lock unless `keep` accepts the token minted meanwhile. */
    const mintUnless = (keep: (minted: MintedServiceJwt, now: number) => boolean) =>
      state.lock.withPermit(
        Effect.gen(function* () {
          const minted = state.minted
          if (minted !== undefined && keep(minted, yield* Clock.currentTimeMillis)) return minted
          return yield* mint
        })
      )
    return {
      connectionId,
      scheme: "ServiceJwt",
      renewable: true,
      current: Effect.gen(function* () {
        const minted = state.minted
        if (usable(minted, yield* Clock.currentTimeMillis)) return bearerCredentials(minted.token)
        return bearerCredentials((yield* mintUnless((next, now) => usable(next, now))).token)
      }),
      renew: (rejected) =>
        mintUnless(
          (minted, now) => usable(minted, now) && !sameCredentials(bearerCredentials(minted.token), rejected)
        ).pipe(Effect.map((minted) => bearerCredentials(minted.token)))
    }
  }

  const clientTokens = new Map<string, JwtConnection>()

  /**
   * A client-credentials client: one token per connection, in memory, fetched under the
   * connection's lock when there is none, it is about to expire, or the upstream refused it.
   */
  const clientCredentialsAuthenticator = (
    connectionId: string,
    credentials: OAuth2ClientCredentials
  ): Authenticator => {
    let connection = clientTokens.get(connectionId)
    if (connection === undefined) {
      connection = { lock: Semaphore.makeUnsafe(1), minted: undefined }
      clientTokens.set(connectionId, connection)
    }
    const state = connection
    const usable = (token: MintedServiceJwt | undefined, now: number): token is MintedServiceJwt =>
      token !== undefined && now < token.expiresAt - skewMillis
    const fetchToken = Effect.gen(function* () {
      const response = yield* tokenRequest(credentials, {
        grant_type: "client_credentials",
        scope: credentials.scopes.length === 0 ? undefined : credentials.scopes.join(" ")
      })
      const now = yield* Clock.currentTimeMillis
      const token: MintedServiceJwt = {
        token: response.access_token,
        expiresAt: response.expires_in === undefined ? Number.POSITIVE_INFINITY : now + response.expires_in * 1000
      }
      state.minted = token
      yield* Effect.logDebug("fetched an OAuth2 client-credentials token").pipe(Effect.annotateLogs({ connectionId }))
      return token
    })
    const fetchUnless = (keep: (token: MintedServiceJwt, now: number) => boolean) =>
      state.lock.withPermit(
        Effect.gen(function* () {
          const token = state.minted
          if (token !== undefined && keep(token, yield* Clock.currentTimeMillis)) return token
          return yield* fetchToken
        })
      )
    return {
      connectionId,
      scheme: "OAuth2ClientCredentials",
      renewable: true,
      current: Effect.gen(function* () {
        const token = state.minted
        if (usable(token, yield* Clock.currentTimeMillis)) return bearerCredentials(token.token)
        return bearerCredentials((yield* fetchUnless((next, now) => usable(next, now))).token)
      }),
      renew: (rejected) =>
        fetchUnless(
          (token, now) => usable(token, now) && !sameCredentials(bearerCredentials(token.token), rejected)
        ).pipe(Effect.map((token) => bearerCredentials(token.token)))
    }
  }

  const exchangeCode = Effect.fn("TokenManager.exchangeCode")(function* (
    connectionId: string,
    credentials: OAuth2,
    code: string | Redacted.Redacted<string>,
    codeVerifier?: string | Redacted.Redacted<string>
  ): Effect.fn.Return<TokenSet, AuthenticationError> {
    const connection = oauthConnection(connectionId)
    const redact = (value: string | Redacted.Redacted<string>) =>
      Redacted.isRedacted(value) ? value : Redacted.make(value)
    return yield* connection.lock.withPermit(
      Effect.gen(function* () {
        const response = yield* tokenRequest(credentials, {
          grant_type: "authorization_code",
          code: redact(code),
          redirect_uri: credentials.redirectUri,
          ...(codeVerifier === undefined ? {} : { code_verifier: redact(codeVerifier) })
        })
        const tokens = toTokenSet(response, yield* Clock.currentTimeMillis)
        yield* store.set(connectionId, tokens).pipe(Effect.catchTag("TokenStoreError", storeFailed(connectionId)))
        connection.tokens = tokens
        connection.attempts += 1
        connection.lastFailure = undefined
        yield* Effect.logDebug("stored OAuth2 tokens from an authorization code").pipe(
          Effect.annotateLogs({ connectionId })
        )
        return tokens
      })
    )
  })

  const refresh = Effect.fn("TokenManager.refresh")(function* (
    connectionId: string,
    credentials: OAuth2
  ): Effect.fn.Return<TokenSet, AuthenticationError> {
    const connection = oauthConnection(connectionId)
    const before = connection.tokens ?? (yield* load(connectionId, connection))
    return yield* refreshIf(connectionId, credentials, (tokens) => sameToken(tokens.accessToken, before.accessToken))
  })

  return TokenManager.of({
    authorizeUrl: buildAuthorizeUrl,
    exchangeCode,
    refresh,
    authenticator: (connectionId, credentials) =>
      Effect.sync(() => {
        switch (credentials._tag) {
          case "OAuth2":
            return oauthAuthenticator(connectionId, credentials)
          case "ServiceJwt":
            return jwtAuthenticator(connectionId, credentials)
          case "OAuth2ClientCredentials":
            return clientCredentialsAuthenticator(connectionId, credentials)
          default:
            return staticAuthenticator(connectionId, credentials)
        }
      }),
    invalidate: (connectionId) =>
      Effect.sync(() => {
        const connection = oauth.get(connectionId)
        if (connection !== undefined) connection.tokens = undefined
        const jwt = jwts.get(connectionId)
        if (jwt !== undefined) jwt.minted = undefined
        const client = clientTokens.get(connectionId)
        if (client !== undefined) client.minted = undefined
      })
  })
})

/** The TokenManager service: OAuth2 flow, token refresh and per-connection authenticators. */
export class TokenManager extends Context.Service<
  TokenManager,
  {
    /** The URL to send a user to so they authorize the OAuth2 client (see `buildAuthorizeUrl`). */
    readonly authorizeUrl: (credentials: OAuth2, options: AuthorizeUrlOptions) => string
    /**
     * Exchanges the authorization code the provider sent to the redirect URI for tokens, and stores
     * them as the connection's tokens (replacing any previous ones).
     */
    readonly exchangeCode: (
      connectionId: string,
      credentials: OAuth2,
      code: string | Redacted.Redacted<string>,
      codeVerifier?: string | Redacted.Redacted<string>
    ) => Effect.Effect<TokenSet, AuthenticationError>
    /**
     * Refreshes the connection's access token now (refresh-token grant) and stores the result. Joins
     * a refresh already in flight instead of starting a second one.
     */
    readonly refresh: (connectionId: string, credentials: OAuth2) => Effect.Effect<TokenSet, AuthenticationError>
    /** The authenticator of a connection, for `withAuthentication`. One shared state per connection id. */
    readonly authenticator: (connectionId: string, credentials: Credentials) => Effect.Effect<Authenticator>
    /** Drops what is cached in memory for a connection, so the next request reads the `TokenStore` again. */
    readonly invalidate: (connectionId: string) => Effect.Effect<void>
  }
>()("@syncflow/adapter-core/TokenManager") {
  /** A TokenManager with the given options. */
  static readonly layerWith = (
    options: TokenManagerOptions
  ): Layer.Layer<TokenManager, never, TokenStore | HttpClient.HttpClient> => Layer.effect(TokenManager, make(options))

  /** A TokenManager with default options (60 s refresh skew, 30 s token request timeout). */
  static readonly layer: Layer.Layer<TokenManager, never, TokenStore | HttpClient.HttpClient> = TokenManager.layerWith(
    {}
  )
}
