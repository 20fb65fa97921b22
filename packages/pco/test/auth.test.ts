/**
 * Credentials against the fake: the OAuth2 authorization-code flow on the fake's own host, access
 * tokens refreshed (and refresh tokens rotated) during a long listing, scopes, and expiry.
 */
import { assert, describe, it } from "@effect/vitest"
import { TokenStore } from "@syncflow/adapter-core"
import { Effect, Option, Redacted, Stream } from "effect"
import { HttpClient, HttpClientRequest } from "effect/http"
import { TestClock } from "effect/testing"
import { ListPeople, ListWebhookSubscriptions } from "../src/index.ts"
import { FakePco } from "../src/testing/index.ts"
import { ClientServices, pcoClientOf } from "./harness.ts"

const secret = (value: Redacted.Redacted<string> | undefined) => (value === undefined ? "" : Redacted.value(value))

describe("OAuth2 and Personal Access Tokens", () => {
  it.effect("authorize URL on the fake's host -> redirect with a code -> exchange -> authenticated requests", () =>
    Effect.gen(function* () {
      const fake = yield* FakePco.make({ people: 10 })
      const pco = yield* pcoClientOf(fake, { connectionId: "church-1", credentials: fake.oauthCredentials() })
      const url = new URL(pco.authorizeUrl({ state: "st-42" }) ?? "")
      assert.strictEqual(`${url.origin}${url.pathname}`, `${fake.baseUrl}/oauth/authorize`)
      assert.strictEqual(url.searchParams.get("scope"), "people")
      const redirect = yield* HttpClient.get(url)
      assert.strictEqual(redirect.status, 302)
      const location = new URL(redirect.headers.location ?? "")
      assert.strictEqual(location.searchParams.get("state"), "st-42")
      yield* pco.exchangeCode(location.searchParams.get("code") ?? "")
      yield* pco.testConnection
      const call = (yield* fake.requests).find((r) => r.url.pathname === "/people/v2")
      assert.match(call?.headers.authorization ?? "", /^Bearer /)
      assert.deepStrictEqual(yield* fake.oauth.grants, { authorizationCode: 1, refreshToken: 0, rejected: 0 })
    }).pipe(Effect.provide(ClientServices))
  )

  it.effect("a long listing survives token expiry and revocation; refresh tokens rotate and old ones die", () =>
    Effect.gen(function* () {
      const fake = yield* FakePco.make({ people: 300 })
      const pco = yield* pcoClientOf(fake, { connectionId: "church-1", credentials: fake.oauthCredentials() })
      const initial = yield* pco.exchangeCode(yield* fake.issueCode())
      const pages = yield* Stream.runCollect(
        pco.streamPages(ListPeople, { pageSize: 20 }).pipe(
          Stream.tap((page) =>
            page.index === 4
              ? TestClock.adjust("2 hours") // the access token expires between two pages
              : page.index === 9
                ? fake.oauth.revokeAccessTokens // the next request is answered 401 CAPUCHIN
                : Effect.void
          )
        )
      )
      const ids = pages.flatMap((page) => page.items.map((person) => person.id))
      assert.deepStrictEqual(ids, fake.truth.ids("Person"))
      assert.deepStrictEqual(yield* fake.oauth.grants, { authorizationCode: 1, refreshToken: 2, rejected: 0 })

      const sent = (yield* fake.requests).map((r) => `${r.method} ${r.url.pathname}`)
      // The code exchange, then one refresh ahead of expiry and one after the 401.
      const grants = sent.flatMap((s, i) => (s === "POST /oauth/token" ? [i] : []))
      assert.strictEqual(grants.length, 3)
      const [, expiry = 0, revocation = 0] = grants
      // Expiry is noticed before the request: no 401 round trip, every page asked for once...
      assert.deepStrictEqual(sent.slice(expiry - 1, expiry + 2), [
        "GET /people/v2/people",
        "POST /oauth/token",
        "GET /people/v2/people"
      ])
      // ...while the revoked token costs one rejected request, retried with the new token.
      assert.deepStrictEqual(sent.slice(revocation - 1, revocation + 2), [
        "GET /people/v2/people",
        "POST /oauth/token",
        "GET /people/v2/people"
      ])
      assert.strictEqual(sent.filter((s) => s === "GET /people/v2/people").length, 15 + 1)

      const store = yield* TokenStore
      const stored = Option.getOrThrow(yield* Effect.orDie(store.get("church-1")))
      assert.isTrue(yield* fake.oauth.isRefreshTokenLive(secret(stored.refreshToken)))
      assert.isFalse(yield* fake.oauth.isRefreshTokenLive(secret(initial.refreshToken)))
      const reuse = yield* HttpClient.execute(
        HttpClientRequest.post(`${fake.baseUrl}/oauth/token`).pipe(
          HttpClientRequest.bodyUrlParams({
            grant_type: "refresh_token",
            refresh_token: secret(initial.refreshToken),
            client_id: "pco-fake-client",
            client_secret: "pco-fake-client-secret"
          })
        )
      )
      assert.strictEqual(reuse.status, 400)
      assert.include(yield* reuse.text, "invalid_grant")
    }).pipe(Effect.provide(ClientServices))
  )

  it.effect("a token without the webhooks scope is Forbidden (PELICAN) on the Webhooks API", () =>
    Effect.gen(function* () {
      const fake = yield* FakePco.make({ people: 10 })
      const pco = yield* pcoClientOf(fake, { connectionId: "church-1", credentials: fake.oauthCredentials() })
      yield* pco.exchangeCode(yield* fake.issueCode())
      const error = yield* Effect.flip(Stream.runDrain(pco.streamPages(ListWebhookSubscriptions, {})))
      assert.strictEqual(error._tag, "Forbidden")
      assert.include(error.message, "PELICAN")
    }).pipe(Effect.provide(ClientServices))
  )

  it.effect("an expired refresh token is Unauthorized, asking for a new authorization", () =>
    Effect.gen(function* () {
      const fake = yield* FakePco.make({ people: 10, oauth: { refreshTokenTtlSeconds: 3 * 3600 } })
      const pco = yield* pcoClientOf(fake, { connectionId: "church-1", credentials: fake.oauthCredentials() })
      yield* pco.exchangeCode(yield* fake.issueCode())
      yield* TestClock.adjust("4 hours")
      const error = yield* Effect.flip(pco.testConnection)
      assert.strictEqual(error._tag, "Unauthorized")
      assert.include(error.message, "invalid_grant")
      assert.include(error.message, "authorized again")
    }).pipe(Effect.provide(ClientServices))
  )
})
