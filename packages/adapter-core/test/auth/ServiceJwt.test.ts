import { assert, describe, it } from "@effect/vitest"
import { Effect, Redacted, Result } from "effect"
import { Base64Url } from "effect/encoding"
import { TestClock } from "effect/testing"
import { mintServiceJwt, ServiceJwt, TokenManager, verifyServiceJwt } from "../../src/auth/index.ts"
import { TestServer } from "../../src/testing/index.ts"
import { AuthLayer, authenticatedClient } from "./harness.ts"

const SECRET = "shared-secret-0123456789abcdef"

const credentials = new ServiceJwt({
  secret: Redacted.make(SECRET),
  issuer: "syncflow",
  audience: "erp-api",
  subject: "tenant-42",
  ttlSeconds: 300,
  claims: { scope: "read write", tenant: { id: 42 } }
})

const decodeSegment = (segment: string | undefined): string => Result.getOrThrow(Base64Url.decodeString(segment ?? ""))

const tokenOf = (authorization: string | undefined): string => (authorization ?? "").replace(/^Bearer /, "")

/**
 * A service that accepts a JWT only if it verifies with the shared secret (at the test clock's
 * time) and its `jti` was not revoked.
 */
const jwtServer = Effect.fnUntraced(function* (revoked: Set<string>, rejectAll = false) {
  return yield* TestServer.make((request) =>
    verifyServiceJwt(tokenOf(request.headers.authorization), Redacted.make(SECRET), {
      issuer: "syncflow",
      audience: "erp-api"
    }).pipe(
      Effect.map((claims) =>
        rejectAll || revoked.has(claims.jti) ? { status: 401 } : { status: 200, body: { sub: claims.sub } }
      ),
      Effect.orElseSucceed(() => ({ status: 401 }))
    )
  )
})

describe("ServiceJwt", () => {
  it.effect("mints an HS256 token that verifies with the shared secret", () =>
    Effect.gen(function* () {
      yield* TestClock.setTime(1_700_000_000_000)
      const minted = yield* mintServiceJwt(credentials)
      const [header, payload] = Redacted.value(minted.token).split(".")
      assert.deepStrictEqual(JSON.parse(decodeSegment(header)), { alg: "HS256", typ: "JWT" })
      assert.isString(payload)
      assert.strictEqual(minted.expiresAt, 1_700_000_300_000)

      const claims = yield* verifyServiceJwt(minted.token, Redacted.make(SECRET), {
        issuer: "syncflow",
        audience: "erp-api"
      })
      assert.strictEqual(claims.iss, "syncflow")
      assert.strictEqual(claims.aud, "erp-api")
      assert.strictEqual(claims.sub, "tenant-42")
      assert.strictEqual(claims.iat, 1_700_000_000)
      assert.strictEqual(claims.exp, 1_700_000_300)
      assert.isString(claims.jti)
      assert.strictEqual(claims.scope, "read write")
      assert.deepStrictEqual(claims.tenant, { id: 42 })
    })
  )

  it.effect("rejects a wrong secret, a tampered payload, alg none, expiry and a wrong audience", () =>
    Effect.gen(function* () {
      const minted = yield* mintServiceJwt(credentials)
      const token = Redacted.value(minted.token)
      const [header, payload, signature] = token.split(".")
      const verify = (candidate: string, secret = SECRET) =>
        Effect.flip(verifyServiceJwt(candidate, Redacted.make(secret))).pipe(Effect.map((e) => e.message))

      assert.include(yield* verify(token, "another-secret"), "signature does not match")
      const forged = Base64Url.encode(JSON.stringify({ ...JSON.parse(decodeSegment(payload)), sub: "tenant-1" }))
      assert.include(yield* verify(`${header}.${forged}.${signature}`), "signature does not match")
      const none = Base64Url.encode(JSON.stringify({ alg: "none", typ: "JWT" }))
      assert.include(yield* verify(`${none}.${payload}.`), "not an HS256 header")
      assert.include(yield* verify("not-a-jwt"), "three dot-separated parts")
      const wrongAudience = yield* Effect.flip(
        verifyServiceJwt(token, Redacted.make(SECRET), { audience: "another-api" })
      )
      assert.include(wrongAudience.message, "audience")

      yield* TestClock.adjust(300_000)
      assert.include(yield* verify(token), "expired")
      for (const message of [yield* verify(token, "another-secret"), yield* verify(token)]) {
        assert.notInclude(message, SECRET)
        assert.notInclude(message, signature ?? "")
      }
    })
  )

  it.effect("authenticated requests carry the JWT; it is reused, then re-minted before expiry", () =>
    Effect.gen(function* () {
      const server = yield* jwtServer(new Set())
      const tokenManager = yield* TokenManager
      const client = yield* authenticatedClient(yield* tokenManager.authenticator("svc-1", credentials))
      const tokens = Effect.map(server.requests, (all) => all.map((r) => tokenOf(r.headers.authorization)))

      assert.strictEqual((yield* client.get(`${server.baseUrl}/a`)).status, 200)
      yield* TestClock.adjust(100_000)
      assert.strictEqual((yield* client.get(`${server.baseUrl}/b`)).status, 200)
      const [first, second] = yield* tokens
      assert.strictEqual(second, first)

      // within 60 s of expiry (240 s after minting): a new token, valid at the new time
      yield* TestClock.adjust(140_000)
      assert.strictEqual((yield* client.get(`${server.baseUrl}/c`)).status, 200)
      const third = (yield* tokens)[2]
      assert.notStrictEqual(third, first)
      const claims = yield* verifyServiceJwt(third ?? "", Redacted.make(SECRET))
      assert.strictEqual(claims.iat, 240)

      // the first token is now past its expiry
      yield* TestClock.adjust(60_000)
      const expired = yield* Effect.flip(verifyServiceJwt(first ?? "", Redacted.make(SECRET)))
      assert.include(expired.message, "expired")
    }).pipe(Effect.provide(AuthLayer))
  )

  it.effect("a 401 re-mints once and retries; a second 401 is Unauthorized", () =>
    Effect.gen(function* () {
      const revoked = new Set<string>()
      const server = yield* jwtServer(revoked)
      const tokenManager = yield* TokenManager
      const authenticator = yield* tokenManager.authenticator("svc-1", credentials)
      const client = yield* authenticatedClient(authenticator)
      const current = Redacted.value((yield* authenticator.current).value).replace(/^Bearer /, "")
      revoked.add((yield* verifyServiceJwt(current, Redacted.make(SECRET))).jti)

      assert.strictEqual((yield* client.get(`${server.baseUrl}/x`)).status, 200)
      const sent = (yield* server.requests).map((r) => tokenOf(r.headers.authorization))
      assert.strictEqual(sent.length, 2)
      assert.strictEqual(sent[0], current)
      assert.notStrictEqual(sent[1], current)

      const strict = yield* jwtServer(revoked, true)
      const error = yield* Effect.flip(client.get(`${strict.baseUrl}/y`))
      assert.strictEqual(error._tag, "Unauthorized")
      assert.include(error.message, "rejected again after renewing")
      assert.strictEqual((yield* strict.requests).length, 2)
    }).pipe(Effect.provide(AuthLayer))
  )
})
