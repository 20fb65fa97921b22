import { inspect } from "node:util"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Layer, Logger, Redacted, References, Schema } from "effect"
import { HttpClientRequest } from "effect/http"
import { TestClock } from "effect/testing"
import {
  ApiKey,
  applyCredentials,
  Basic,
  Bearer,
  bearerCredentials,
  type Credentials,
  OAuth2,
  ServiceJwt,
  TokenManager,
  TokenSet
} from "../../src/auth/index.ts"
import { FakeOAuthServer } from "../../src/testing/index.ts"
import { AuthLayer, connect } from "./harness.ts"

/** Every way a value commonly ends up in a log line or an error report. */
const renderings = (value: unknown): ReadonlyArray<string> => [
  String(value),
  JSON.stringify(value),
  inspect(value, { depth: 10 }),
  `${inspect({ wrapped: [value] }, { depth: 10 })}`
]

const assertHidden = (value: unknown, secrets: ReadonlyArray<string>) => {
  for (const text of renderings(value)) {
    for (const secret of secrets) assert.notInclude(text, secret, `secret leaked in: ${text}`)
  }
}

describe("secrets stay redacted", () => {
  it("in every credentials variant", () => {
    const all: ReadonlyArray<readonly [Credentials, string]> = [
      [new ApiKey({ in: "header", name: "X-Api-Key", key: Redacted.make("apikey-SECRET-1") }), "apikey-SECRET-1"],
      [new Basic({ username: "app", password: Redacted.make("basic-SECRET-2") }), "basic-SECRET-2"],
      [new Bearer({ token: Redacted.make("bearer-SECRET-3") }), "bearer-SECRET-3"],
      [
        new ServiceJwt({
          secret: Redacted.make("jwt-SECRET-4"),
          issuer: "i",
          audience: "a",
          subject: "s",
          ttlSeconds: 60
        }),
        "jwt-SECRET-4"
      ],
      [
        new OAuth2({
          clientId: "client",
          clientSecret: Redacted.make("oauth-SECRET-5"),
          authorizeUrl: "https://example.com/oauth/authorize",
          tokenUrl: "https://example.com/oauth/token",
          redirectUri: "https://app.example.com/callback",
          scopes: ["people"]
        }),
        "oauth-SECRET-5"
      ]
    ]
    for (const [credentials, secret] of all) assertHidden(credentials, [secret])
  })

  it("in a TokenSet, which still round-trips through its JSON codec for storage", () => {
    const tokens = new TokenSet({
      accessToken: Redacted.make("access-SECRET"),
      refreshToken: Redacted.make("refresh-SECRET"),
      expiresAt: 123,
      scope: "people"
    })
    assertHidden(tokens, ["access-SECRET", "refresh-SECRET"])
    const codec = Schema.toCodecJson(TokenSet)
    const encoded = Schema.encodeSync(codec)(tokens)
    assert.deepStrictEqual(encoded, {
      accessToken: "access-SECRET",
      refreshToken: "refresh-SECRET",
      expiresAt: 123,
      scope: "people"
    })
    const decoded = Schema.decodeSync(codec)(encoded)
    assert.strictEqual(Redacted.value(decoded.accessToken), "access-SECRET")
    assertHidden(decoded, ["access-SECRET", "refresh-SECRET"])
  })

  it("invalid credentials are refused when constructed", () => {
    assert.throws(() => new Bearer({ token: Redacted.make("") }))
    assert.throws(
      () =>
        new OAuth2({
          clientId: "c",
          clientSecret: Redacted.make("s"),
          authorizeUrl: "not a url",
          tokenUrl: "https://example.com/t",
          redirectUri: "https://example.com/cb",
          scopes: []
        })
    )
  })

  it.effect("in a request carrying credentials", () =>
    Effect.sync(() => {
      const bearer = applyCredentials(
        HttpClientRequest.get("https://example.com/x"),
        bearerCredentials(Redacted.make("request-SECRET"))
      )
      assertHidden(bearer, ["request-SECRET"])
      const query = applyCredentials(HttpClientRequest.get("https://example.com/x"), {
        in: "query",
        name: "api_key",
        value: Redacted.make("query-SECRET")
      })
      assertHidden(query, ["query-SECRET"])
    })
  )

  it.effect("in logs and errors of a whole OAuth2 life cycle", () => {
    const lines: Array<string> = []
    const capture = Logger.map(Logger.formatStructured, (entry) => {
      lines.push(JSON.stringify(entry))
    })
    return Effect.gen(function* () {
      const fake = yield* FakeOAuthServer.make({ accessTokenTtlSeconds: 3600 })
      const { client, tokens, credentials } = yield* connect(fake)
      yield* Effect.logInfo("connected", credentials, tokens)
      yield* TestClock.adjust(3_600_000 - 10_000)
      yield* client.get(fake.protectedUrl)
      yield* fake.revokeAccessTokens
      yield* client.get(fake.protectedUrl)
      yield* fake.revokeRefreshTokens
      yield* fake.revokeAccessTokens
      const error = yield* Effect.flip(client.get(fake.protectedUrl))
      yield* Effect.logError("refresh failed", error)

      const tokenManager = yield* TokenManager
      const jwt = yield* tokenManager.authenticator(
        "svc",
        new ServiceJwt({
          secret: Redacted.make("jwt-shared-SECRET"),
          issuer: "i",
          audience: "a",
          subject: "s",
          ttlSeconds: 60
        })
      )
      const minted = yield* jwt.current
      yield* Effect.logInfo("jwt", minted)

      // every token the fake ever issued, and the client secret
      const secretFields = ["code", "refresh_token", "client_secret"]
      const issued = (yield* fake.requests)
        .flatMap((r) => {
          const form = new URLSearchParams(r.body)
          return [
            (r.headers.authorization ?? "").replace(/^Bearer /, ""),
            ...secretFields.map((field) => form.get(field) ?? "")
          ]
        })
        .filter((value) => value !== "")
      const secrets = [
        "fake-client-secret",
        "jwt-shared-SECRET",
        Redacted.value(minted.value).replace(/^Bearer /, ""),
        ...issued
      ]
      assert.isAbove(issued.length, 5)
      assert.isAbove(lines.length, 3)
      for (const line of lines) {
        for (const secret of secrets) assert.notInclude(line, secret)
      }
      assertHidden(error, secrets)
    }).pipe(
      Effect.provide(AuthLayer),
      Effect.provide(Layer.merge(Logger.layer([capture]), Layer.succeed(References.MinimumLogLevel, "All")))
    )
  })
})
