/**
 * Every auth kind a document can declare, through the `rest` plugin as a server uses it (credentials
 * input checked and converted, adapter built over adapter-core's TokenManager): an API key in a
 * header and in the query, Basic, Bearer, OAuth2 client credentials (a token fetched, fetched again
 * after a 401), and the OAuth2 authorization code (code exchanged, refresh token rotated after a
 * 401). Credentials of the wrong kind for the document are refused when the connector is built.
 */
import { assert, describe, it } from "@effect/vitest"
import type { ConnectorInstance, Credentials } from "@syncflow/adapter-core"
import { FakeOAuthServer, TestServer } from "@syncflow/adapter-core/testing"
import { Effect, Redacted, Result, Stream } from "effect"
import { restPlugin } from "../src/plugin/restPlugin.ts"
import { HttpStack } from "./support/httpStack.ts"

const items = [{ id: 1 }, { id: 2 }]

/** An API answering `/items` only to requests `accept` lets through. */
const api = (accept: (request: TestServer.TestRequest) => Effect.Effect<boolean>) =>
  TestServer.make((request) =>
    Effect.map(accept(request), (ok): TestServer.TestResponse => (ok ? { body: items } : { status: 401, body: {} }))
  )

const settingsOf = (baseUrl: string, auth: unknown) => ({
  baseUrl,
  auth,
  streams: [{ name: "items", path: "/items", primaryKey: "id" }]
})

/** Builds a connector the way the server does: settings and credentials checked, then the adapter. */
const connector = (settings: unknown, input: unknown, redirectUri = "http://127.0.0.1/callback") =>
  Effect.gen(function* () {
    const checked = restPlugin.checkSettings(settings)
    if (Result.isFailure(checked)) return yield* Effect.die(checked.failure.message)
    const credentials = restPlugin.checkCredentials(input, { settings: checked.success, oauthRedirectUri: redirectUri })
    if (Result.isFailure(credentials)) return yield* Effect.die(credentials.failure.message)
    const instance = yield* restPlugin.build({
      connectorId: `c-${Math.random()}`,
      settings: checked.success,
      credentials: credentials.success
    })
    return { instance, credentials: credentials.success as Credentials }
  })

const records = (instance: ConnectorInstance) =>
  Stream.runCollect(instance.adapter.streamPages("items")).pipe(Effect.map((pages) => pages.flatMap((p) => p.items)))

describe("auth kinds", () => {
  it.live("API key in a header and in the query, Basic and Bearer", () =>
    Effect.gen(function* () {
      const server = yield* api((request) =>
        Effect.succeed(
          request.headers["x-api-key"] === "k1" ||
            request.url.searchParams.get("api_key") === "k2" ||
            request.headers.authorization === `Basic ${Buffer.from("me:pw").toString("base64")}` ||
            request.headers.authorization === "Bearer t0k"
        )
      )
      const cases: ReadonlyArray<readonly [unknown, unknown]> = [
        [
          { type: "apiKey", in: "header", name: "X-Api-Key" },
          { type: "apiKey", key: "k1" }
        ],
        [
          { type: "apiKey", in: "query", name: "api_key" },
          { type: "apiKey", key: "k2" }
        ],
        [{ type: "basic" }, { type: "basic", username: "me", password: "pw" }],
        [{ type: "bearer" }, { type: "bearer", token: "t0k" }]
      ]
      for (const [auth, input] of cases) {
        const { instance } = yield* connector(settingsOf(server.baseUrl, auth), input)
        assert.deepStrictEqual(yield* records(instance), items, JSON.stringify(auth))
      }
      const wrong = yield* connector(settingsOf(server.baseUrl, { type: "bearer" }), { type: "bearer", token: "nope" })
      assert.strictEqual((yield* Effect.flip(records(wrong.instance)))._tag, "Unauthorized")
      // Credentials of another kind than the document's auth: the connector is not built.
      const checked = restPlugin.checkSettings(settingsOf(server.baseUrl, { type: "basic" }))
      const mismatch = yield* Effect.flip(
        restPlugin.build({
          connectorId: "mismatch",
          settings: Result.getOrThrow(checked),
          credentials: Result.getOrThrow(
            restPlugin.checkCredentials(
              { type: "bearer", token: "t" },
              { settings: Result.getOrThrow(checked), oauthRedirectUri: "http://x/cb" }
            )
          )
        })
      )
      assert.strictEqual(mismatch._tag, "ConnectorSetupError")
    }).pipe(Effect.scoped, Effect.provide(HttpStack))
  )

  it.live("OAuth2 client credentials: a token is fetched, and fetched again after a 401", () =>
    Effect.gen(function* () {
      const oauth = yield* FakeOAuthServer.make({ clientId: "svc", clientSecret: "svc-secret" })
      const server = yield* api((request) =>
        oauth.isAccessTokenLive((request.headers.authorization ?? "").replace(/^Bearer /, ""))
      )
      const { instance, credentials } = yield* connector(
        settingsOf(server.baseUrl, {
          type: "oauth2",
          grant: "client_credentials",
          tokenUrl: oauth.tokenUrl,
          scopes: ["read"]
        }),
        { type: "oauth2", clientId: "svc", clientSecret: "svc-secret" }
      )
      assert.strictEqual(credentials._tag, "OAuth2ClientCredentials")
      assert.deepStrictEqual(yield* records(instance), items)
      assert.deepStrictEqual(yield* records(instance), items)
      assert.strictEqual(yield* oauth.clientCredentialsGrants, 1)
      yield* oauth.revokeAccessTokens
      assert.deepStrictEqual(yield* records(instance), items)
      assert.strictEqual(yield* oauth.clientCredentialsGrants, 2)
      const tokenRequest = (yield* oauth.requests).find((r) => r.url.pathname === "/oauth/token")
      assert.include(tokenRequest?.body ?? "", "grant_type=client_credentials")
      assert.include(tokenRequest?.body ?? "", "scope=read")
      assert.notInclude(JSON.stringify(credentials), "svc-secret")
    }).pipe(Effect.scoped, Effect.provide(HttpStack))
  )

  it.live("OAuth2 authorization code: the code is exchanged, and a 401 refreshes with a rotated refresh token", () =>
    Effect.gen(function* () {
      const oauth = yield* FakeOAuthServer.make({ rotateRefreshTokens: true })
      const server = yield* api((request) =>
        oauth.isAccessTokenLive((request.headers.authorization ?? "").replace(/^Bearer /, ""))
      )
      const { instance, credentials } = yield* connector(
        settingsOf(server.baseUrl, {
          type: "oauth2",
          grant: "authorization_code",
          tokenUrl: oauth.tokenUrl,
          authorizeUrl: oauth.authorizeUrl,
          scopes: ["people"]
        }),
        { type: "oauth2", clientId: "fake-client", clientSecret: "fake-client-secret" },
        oauth.redirectUri
      )
      assert.strictEqual(credentials._tag, "OAuth2")
      const authorizeUrl = new URL(instance.oauth2?.authorizeUrl("st4te") ?? "")
      assert.strictEqual(authorizeUrl.origin + authorizeUrl.pathname, oauth.authorizeUrl)
      assert.strictEqual(authorizeUrl.searchParams.get("state"), "st4te")
      yield* instance.oauth2?.exchangeCode(yield* oauth.issueCode()) ?? Effect.void
      assert.deepStrictEqual(yield* records(instance), items)
      yield* oauth.revokeAccessTokens
      assert.deepStrictEqual(yield* records(instance), items)
      assert.deepInclude(yield* oauth.grants, { authorizationCode: 1, refreshToken: 1 })
      const refresh = (yield* oauth.requests).filter((r) => r.body.includes("grant_type=refresh_token"))
      assert.strictEqual(refresh.length, 1)
      // The refresh token used is dead now (rotated): the fake would refuse it again.
      const used = new URLSearchParams(refresh[0]?.body).get("refresh_token") ?? ""
      assert.isFalse(yield* oauth.isRefreshTokenLive(Redacted.make(used)))
    }).pipe(Effect.scoped, Effect.provide(HttpStack))
  )
})
