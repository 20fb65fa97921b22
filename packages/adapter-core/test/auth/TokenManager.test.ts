import { assert, describe, it } from "@effect/vitest"
import { Clock, Effect, Fiber, Layer, Option, Redacted } from "effect"
import { Base64Url } from "effect/encoding"
import { HttpClient, HttpClientRequest } from "effect/http"
import { TestClock } from "effect/testing"
import { TokenManager, type TokenSet, TokenStore } from "../../src/auth/index.ts"
import { FakeOAuthServer, RecordingClock } from "../../src/testing/index.ts"
import { AuthLayer, authenticatedClient, connect, countRequests, makeAuthLayer } from "./harness.ts"

const HOUR = 3_600_000

const storedTokens = Effect.fnUntraced(function* (connectionId: string) {
  const store = yield* TokenStore
  return Option.getOrThrow(yield* Effect.orDie(store.get(connectionId)))
})

const secretOf = (value: Redacted.Redacted<string> | undefined): string =>
  value === undefined ? "(none)" : Redacted.value(value)

describe("TokenManager: authorization code", () => {
  it.effect("authorize URL -> redirect with code -> exchange stores the tokens", () =>
    Effect.gen(function* () {
      const fake = yield* FakeOAuthServer.make({ accessTokenTtlSeconds: 7200 })
      const credentials = fake.credentials({ scopes: ["people", "services"] })
      const tokenManager = yield* TokenManager
      const url = new URL(tokenManager.authorizeUrl(credentials, { state: "st-1" }))
      assert.strictEqual(url.searchParams.get("response_type"), "code")
      assert.strictEqual(url.searchParams.get("client_id"), "fake-client")
      assert.strictEqual(url.searchParams.get("redirect_uri"), fake.redirectUri)
      assert.strictEqual(url.searchParams.get("scope"), "people services")

      const redirect = yield* HttpClient.get(url)
      assert.strictEqual(redirect.status, 302)
      const location = new URL(redirect.headers.location ?? "")
      assert.strictEqual(`${location.origin}${location.pathname}`, fake.redirectUri)
      assert.strictEqual(location.searchParams.get("state"), "st-1")
      const code = location.searchParams.get("code") ?? ""

      const now = yield* Clock.currentTimeMillis
      const tokens = yield* tokenManager.exchangeCode("conn-1", credentials, code)
      const stored = yield* storedTokens("conn-1")
      assert.strictEqual(secretOf(stored.accessToken), secretOf(tokens.accessToken))
      assert.strictEqual(secretOf(stored.refreshToken), secretOf(tokens.refreshToken))
      assert.strictEqual(stored.expiresAt, now + 2 * HOUR)
      assert.strictEqual(stored.scope, "people services")
      assert.isTrue(yield* fake.isRefreshTokenLive(secretOf(stored.refreshToken)))
      assert.deepStrictEqual(yield* fake.grants, { authorizationCode: 1, refreshToken: 0, rejected: 0 })

      // the token request was form-encoded with the client credentials in the body (PCO style)
      const tokenRequest = (yield* fake.requests).find((r) => r.url.pathname === "/oauth/token")
      assert.strictEqual(tokenRequest?.headers["content-type"], "application/x-www-form-urlencoded")
      const form = new URLSearchParams(tokenRequest?.body)
      assert.strictEqual(form.get("grant_type"), "authorization_code")
      assert.strictEqual(form.get("client_secret"), "fake-client-secret")
      assert.strictEqual(form.get("redirect_uri"), fake.redirectUri)

      const client = yield* authenticatedClient(yield* tokenManager.authenticator("conn-1", credentials))
      const me = yield* client.get(fake.protectedUrl)
      assert.strictEqual(me.status, 200)

      // codes are single use
      const reused = yield* Effect.flip(tokenManager.exchangeCode("conn-2", credentials, code))
      assert.strictEqual(reused._tag, "Unauthorized")
      assert.include(reused.message, "invalid_grant")
    }).pipe(Effect.provide(AuthLayer))
  )

  it.effect("PKCE verifier is sent and checked", () =>
    Effect.gen(function* () {
      const fake = yield* FakeOAuthServer.make()
      const credentials = fake.credentials()
      const tokenManager = yield* TokenManager
      const verifier = "verifier-0123456789-0123456789-0123456789-abc"
      const digest = yield* Effect.promise(() =>
        globalThis.crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier))
      )
      const codeChallenge = Base64Url.encode(new Uint8Array(digest))
      const url = new URL(tokenManager.authorizeUrl(credentials, { state: "s", codeChallenge }))
      assert.strictEqual(url.searchParams.get("code_challenge_method"), "S256")

      const wrong = yield* fake.issueCode({ codeChallenge })
      const refused = yield* Effect.flip(tokenManager.exchangeCode("conn-1", credentials, wrong, "not-the-verifier"))
      assert.include(refused.message, "invalid_grant")

      const code = yield* fake.issueCode({ codeChallenge })
      yield* tokenManager.exchangeCode("conn-1", credentials, code, Redacted.make(verifier))
      assert.strictEqual((yield* fake.grants).authorizationCode, 1)
    }).pipe(Effect.provide(AuthLayer))
  )

  it.effect("client credentials in a Basic header; a wrong client secret is Unauthorized", () =>
    Effect.gen(function* () {
      const fake = yield* FakeOAuthServer.make()
      const tokenManager = yield* TokenManager
      const basic = fake.credentials({ clientAuthentication: "basic" })
      yield* tokenManager.exchangeCode("conn-1", basic, yield* fake.issueCode())
      const tokenRequest = (yield* fake.requests).find((r) => r.url.pathname === "/oauth/token")
      assert.strictEqual(tokenRequest?.headers.authorization, `Basic ${btoa("fake-client:fake-client-secret")}`)
      assert.isNull(new URLSearchParams(tokenRequest?.body).get("client_secret"))

      const wrong = fake.credentials({ clientSecret: "not-the-secret" })
      const error = yield* Effect.flip(tokenManager.exchangeCode("conn-2", wrong, yield* fake.issueCode()))
      assert.strictEqual(error._tag, "Unauthorized")
      assert.include(error.message, "invalid_client")
      assert.notInclude(error.message, "not-the-secret")
    }).pipe(Effect.provide(AuthLayer))
  )
})

describe("TokenManager: refresh", () => {
  it.effect("refreshes ahead of expiry, before the request, without a 401 round trip", () =>
    Effect.gen(function* () {
      const fake = yield* FakeOAuthServer.make({ accessTokenTtlSeconds: 3600 })
      const { client, tokens } = yield* connect(fake)

      // one millisecond before the 60 s skew window: no refresh
      yield* TestClock.adjust(HOUR - 60_000 - 1)
      assert.strictEqual((yield* client.get(fake.protectedUrl)).status, 200)
      assert.strictEqual((yield* fake.grants).refreshToken, 0)

      // inside the window: the request refreshes first, then goes out once with the new token
      yield* TestClock.adjust(1)
      const before = (yield* fake.requests).length
      assert.strictEqual((yield* client.get(fake.protectedUrl)).status, 200)
      const after = (yield* fake.requests).slice(before)
      assert.deepStrictEqual(
        after.map((r) => `${r.method} ${r.url.pathname}`),
        ["POST /oauth/token", "GET /me"]
      )
      assert.strictEqual((yield* fake.grants).refreshToken, 1)
      const stored = yield* storedTokens("conn-1")
      assert.notStrictEqual(secretOf(stored.accessToken), secretOf(tokens.accessToken))
      assert.strictEqual(after[1]?.headers.authorization, `Bearer ${secretOf(stored.accessToken)}`)
      assert.strictEqual(stored.expiresAt, (yield* Clock.currentTimeMillis) + HOUR)
    }).pipe(Effect.provide(AuthLayer))
  )

  it.effect("the refresh skew is configurable", () =>
    Effect.gen(function* () {
      const fake = yield* FakeOAuthServer.make({ accessTokenTtlSeconds: 3600 })
      const { client } = yield* connect(fake)
      yield* TestClock.adjust(HOUR - 5 * 60_000)
      yield* client.get(fake.protectedUrl)
      assert.strictEqual((yield* fake.grants).refreshToken, 1)
    }).pipe(Effect.provide(makeAuthLayer({ refreshSkew: "5 minutes" })))
  )

  it.effect("refreshes once on a 401 and retries the request", () =>
    Effect.gen(function* () {
      const fake = yield* FakeOAuthServer.make()
      const { client } = yield* connect(fake)
      assert.strictEqual((yield* client.get(fake.protectedUrl)).status, 200)

      yield* fake.revokeAccessTokens
      const before = (yield* fake.requests).length
      assert.strictEqual((yield* client.get(fake.protectedUrl)).status, 200)
      const after = (yield* fake.requests).slice(before)
      assert.deepStrictEqual(
        after.map((r) => `${r.method} ${r.url.pathname}`),
        ["GET /me", "POST /oauth/token", "GET /me"]
      )
      assert.strictEqual((yield* fake.grants).refreshToken, 1)
    }).pipe(Effect.provide(AuthLayer))
  )

  it.effect("a second 401 after the refresh fails with Unauthorized", () =>
    Effect.gen(function* () {
      const fake = yield* FakeOAuthServer.make()
      const { client } = yield* connect(fake)
      yield* fake.rejectAllAccessTokens(true)
      const error = yield* Effect.flip(client.get(fake.protectedUrl))
      assert.strictEqual(error._tag, "Unauthorized")
      assert.include(error.message, "401")
      assert.include(error.message, "rejected again after renewing")
      assert.strictEqual((yield* fake.grants).refreshToken, 1)
      assert.strictEqual(yield* countRequests(fake, "GET", "/me"), 2)
    }).pipe(Effect.provide(AuthLayer))
  )

  it.effect("single flight: 20 concurrent requests inside the skew cause one refresh", () =>
    Effect.gen(function* () {
      const fake = yield* FakeOAuthServer.make({ accessTokenTtlSeconds: 3600 })
      const { client } = yield* connect(fake)
      yield* TestClock.adjust(HOUR - 30_000)
      const statuses = yield* Effect.all(
        Array.from({ length: 20 }, () => Effect.map(client.get(fake.protectedUrl), (r) => r.status)),
        { concurrency: "unbounded" }
      )
      assert.deepStrictEqual(
        statuses,
        Array.from({ length: 20 }, () => 200)
      )
      assert.strictEqual((yield* fake.grants).refreshToken, 1)
      assert.strictEqual(yield* countRequests(fake, "GET", "/me"), 20)
    }).pipe(Effect.provide(AuthLayer))
  )

  it.effect("single flight: 20 concurrent 401s cause one refresh", () =>
    Effect.gen(function* () {
      const fake = yield* FakeOAuthServer.make()
      const { client } = yield* connect(fake)
      yield* fake.revokeAccessTokens
      const statuses = yield* Effect.all(
        Array.from({ length: 20 }, () => Effect.map(client.get(fake.protectedUrl), (r) => r.status)),
        { concurrency: "unbounded" }
      )
      assert.deepStrictEqual(
        statuses,
        Array.from({ length: 20 }, () => 200)
      )
      assert.deepStrictEqual(yield* fake.grants, { authorizationCode: 1, refreshToken: 1, rejected: 0 })
    }).pipe(Effect.provide(AuthLayer))
  )

  it.effect("a 401 for a token that another fiber already replaced does not refresh again", () =>
    Effect.gen(function* () {
      const fake = yield* FakeOAuthServer.make()
      const { authenticator } = yield* connect(fake)
      const stale = yield* authenticator.current
      const renewed = yield* authenticator.renew(stale)
      assert.notStrictEqual(Redacted.value(renewed.value), Redacted.value(stale.value))
      // a slower fiber whose request with the stale token got its 401 only now
      const late = yield* authenticator.renew(stale)
      assert.strictEqual(Redacted.value(late.value), Redacted.value(renewed.value))
      assert.strictEqual((yield* fake.grants).refreshToken, 1)
      assert.strictEqual(Redacted.value((yield* authenticator.current).value), Redacted.value(renewed.value))
    }).pipe(Effect.provide(AuthLayer))
  )

  it.effect("rotation: the new refresh token is stored before the new access token is used", () =>
    Effect.gen(function* () {
      const fake = yield* FakeOAuthServer.make()
      const inner = yield* TokenStore
      // records, at each write, how many requests already carried the access token being written
      const usesBeforeWrite: Array<number> = []
      const recordingStore = TokenStore.of({
        ...inner,
        set: (connectionId, tokens) =>
          Effect.gen(function* () {
            const header = `Bearer ${Redacted.value(tokens.accessToken)}`
            usesBeforeWrite.push((yield* fake.requests).filter((r) => r.headers.authorization === header).length)
            yield* inner.set(connectionId, tokens)
          })
      })
      const program = Effect.gen(function* () {
        const { client, tokens: first } = yield* connect(fake)
        yield* fake.revokeAccessTokens
        assert.strictEqual((yield* client.get(fake.protectedUrl)).status, 200)
        const second: TokenSet = yield* storedTokens("conn-1")
        assert.notStrictEqual(secretOf(second.refreshToken), secretOf(first.refreshToken))
        assert.isFalse(yield* fake.isRefreshTokenLive(secretOf(first.refreshToken)))
        assert.isTrue(yield* fake.isRefreshTokenLive(secretOf(second.refreshToken)))

        // the provider rejects the old refresh token
        const replay = yield* HttpClientRequest.post(fake.tokenUrl).pipe(
          HttpClientRequest.bodyUrlParams({
            grant_type: "refresh_token",
            refresh_token: secretOf(first.refreshToken),
            client_id: "fake-client",
            client_secret: "fake-client-secret"
          }),
          HttpClient.execute
        )
        assert.strictEqual(replay.status, 400)
        assert.strictEqual(((yield* replay.json) as { error: string }).error, "invalid_grant")
      })
      yield* program.pipe(
        Effect.provide(TokenManager.layer.pipe(Layer.provideMerge(Layer.succeed(TokenStore, recordingStore))))
      )
      assert.deepStrictEqual(usesBeforeWrite, [0, 0])
    }).pipe(Effect.provide(AuthLayer))
  )

  it.effect("invalid_grant on refresh is Unauthorized with a clear message, shared by concurrent callers", () =>
    Effect.gen(function* () {
      const fake = yield* FakeOAuthServer.make({ accessTokenTtlSeconds: 3600 })
      const { client } = yield* connect(fake)
      yield* fake.revokeRefreshTokens
      yield* TestClock.adjust(HOUR)
      const errors = yield* Effect.all(
        Array.from({ length: 5 }, () => Effect.flip(client.get(fake.protectedUrl))),
        { concurrency: "unbounded" }
      )
      for (const error of errors) {
        assert.strictEqual(error._tag, "Unauthorized")
        assert.include(error.message, "invalid_grant")
        assert.include(error.message, "authorized again")
      }
      assert.deepStrictEqual(yield* fake.grants, { authorizationCode: 1, refreshToken: 0, rejected: 1 })
      assert.strictEqual(yield* countRequests(fake, "GET", "/me"), 0)
    }).pipe(Effect.provide(AuthLayer))
  )

  it.effect("a token endpoint outage is UpstreamUnavailable (transient), and the next call recovers", () =>
    Effect.gen(function* () {
      const fake = yield* FakeOAuthServer.make({ accessTokenTtlSeconds: 3600 })
      const { client } = yield* connect(fake)
      yield* TestClock.adjust(HOUR)
      yield* fake.failNextTokenRequests(1, 503)
      const error = yield* Effect.flip(client.get(fake.protectedUrl))
      assert.strictEqual(error._tag, "UpstreamUnavailable")
      assert.strictEqual((yield* client.get(fake.protectedUrl)).status, 200)
      assert.strictEqual((yield* fake.grants).refreshToken, 1)
    }).pipe(Effect.provide(AuthLayer))
  )

  it.effect("a connection without tokens is Unauthorized", () =>
    Effect.gen(function* () {
      const fake = yield* FakeOAuthServer.make()
      const tokenManager = yield* TokenManager
      const client = yield* authenticatedClient(yield* tokenManager.authenticator("nobody", fake.credentials()))
      const error = yield* Effect.flip(client.get(fake.protectedUrl))
      assert.strictEqual(error._tag, "Unauthorized")
      assert.include(error.message, "no OAuth2 tokens")
      assert.strictEqual(yield* countRequests(fake, "GET", "/me"), 0)
    }).pipe(Effect.provide(AuthLayer))
  )

  it.effect("TokenManager.refresh forces one refresh, joined by concurrent callers", () =>
    Effect.gen(function* () {
      const fake = yield* FakeOAuthServer.make()
      const { tokenManager, credentials, tokens } = yield* connect(fake)
      const results = yield* Effect.all(
        Array.from({ length: 5 }, () => tokenManager.refresh("conn-1", credentials)),
        { concurrency: "unbounded" }
      )
      assert.strictEqual((yield* fake.grants).refreshToken, 1)
      for (const result of results) {
        assert.strictEqual(secretOf(result.accessToken), secretOf(results[0]?.accessToken))
        assert.notStrictEqual(secretOf(result.accessToken), secretOf(tokens.accessToken))
      }
    }).pipe(Effect.provide(AuthLayer))
  )
})

describe("TokenManager: slow token endpoint", () => {
  it.effect("interrupting the caller that started a refresh does not lose the rotated token", () =>
    Effect.gen(function* () {
      const recording = yield* RecordingClock.make
      const fake = yield* FakeOAuthServer.make().pipe(Effect.provideService(Clock.Clock, recording.clock))
      const { client } = yield* connect(fake)
      yield* fake.delayTokenResponses(1000)
      yield* fake.revokeAccessTokens

      const leader = yield* Effect.forkChild(client.get(fake.protectedUrl))
      assert.strictEqual(yield* recording.nextSleep, 1000) // the refresh is at the token endpoint
      yield* Fiber.interrupt(leader)
      yield* TestClock.adjust(1000)

      // the refresh finished and was stored anyway: the next call uses it, no second grant
      assert.strictEqual((yield* client.get(fake.protectedUrl)).status, 200)
      assert.deepStrictEqual(yield* fake.grants, { authorizationCode: 1, refreshToken: 1, rejected: 0 })
      const stored = yield* storedTokens("conn-1")
      assert.isTrue(yield* fake.isRefreshTokenLive(secretOf(stored.refreshToken)))
    }).pipe(Effect.provide(AuthLayer))
  )

  it.effect("a token endpoint that does not answer in time is UpstreamUnavailable", () =>
    Effect.gen(function* () {
      const recording = yield* RecordingClock.make
      const fake = yield* FakeOAuthServer.make().pipe(Effect.provideService(Clock.Clock, recording.clock))
      const { client } = yield* connect(fake)
      yield* fake.delayTokenResponses(60_000)
      yield* fake.revokeAccessTokens
      const call = yield* Effect.forkChild(Effect.flip(client.get(fake.protectedUrl)))
      yield* recording.nextSleep
      yield* TestClock.adjust(10_000)
      const error = yield* Fiber.join(call)
      assert.strictEqual(error._tag, "UpstreamUnavailable")
      assert.include(error.message, "did not answer within")
    }).pipe(Effect.provide(makeAuthLayer({ tokenRequestTimeout: "10 seconds" })))
  )
})
