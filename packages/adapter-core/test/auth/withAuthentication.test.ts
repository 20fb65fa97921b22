import { assert, describe, it } from "@effect/vitest"
import { Effect, Redacted } from "effect"
import { ApiKey, Basic, Bearer, type Credentials, TokenManager } from "../../src/auth/index.ts"
import { TestServer } from "../../src/testing/index.ts"
import { AuthLayer, authenticatedClient } from "./harness.ts"

/** A server that answers 401 to everything, or 200, and records what it received. */
const echoServer = (status: number) => TestServer.make(() => Effect.succeed({ status, body: { ok: status < 400 } }))

const callWith = Effect.fnUntraced(function* (credentials: Credentials, status = 200) {
  const server = yield* echoServer(status)
  const tokenManager = yield* TokenManager
  const client = yield* authenticatedClient(yield* tokenManager.authenticator("static-1", credentials))
  const result = yield* Effect.result(client.get(`${server.baseUrl}/items?page=2`))
  const requests = yield* server.requests
  return { result, requests }
})

describe("withAuthentication: static credentials", () => {
  it.effect("ApiKey in a header", () =>
    Effect.gen(function* () {
      const { result, requests } = yield* callWith(
        new ApiKey({ in: "header", name: "X-Custom-Key", key: Redacted.make("k-123") })
      )
      assert.strictEqual(result._tag, "Success")
      assert.strictEqual(requests[0]?.headers["x-custom-key"], "k-123")
      assert.isUndefined(requests[0]?.headers.authorization)
      assert.strictEqual(requests[0]?.url.search, "?page=2")
    }).pipe(Effect.provide(AuthLayer))
  )

  it.effect("ApiKey in a query parameter", () =>
    Effect.gen(function* () {
      const { result, requests } = yield* callWith(
        new ApiKey({ in: "query", name: "api_key", key: Redacted.make("k 456&x") })
      )
      assert.strictEqual(result._tag, "Success")
      assert.strictEqual(requests[0]?.url.searchParams.get("api_key"), "k 456&x")
      assert.strictEqual(requests[0]?.url.searchParams.get("page"), "2")
      assert.isUndefined(requests[0]?.headers.authorization)
    }).pipe(Effect.provide(AuthLayer))
  )

  it.effect("Basic (PCO Personal Access Token)", () =>
    Effect.gen(function* () {
      const { requests } = yield* callWith(new Basic({ username: "app-id", password: Redacted.make("pat-secret") }))
      assert.strictEqual(requests[0]?.headers.authorization, `Basic ${btoa("app-id:pat-secret")}`)
    }).pipe(Effect.provide(AuthLayer))
  )

  it.effect("Bearer", () =>
    Effect.gen(function* () {
      const { requests } = yield* callWith(new Bearer({ token: Redacted.make("static-token") }))
      assert.strictEqual(requests[0]?.headers.authorization, "Bearer static-token")
    }).pipe(Effect.provide(AuthLayer))
  )

  it.effect("a 401 with static credentials fails with Unauthorized, without a retry", () =>
    Effect.gen(function* () {
      const { result, requests } = yield* callWith(new Bearer({ token: Redacted.make("static-token") }), 401)
      assert.strictEqual(result._tag, "Failure")
      if (result._tag === "Failure") {
        assert.strictEqual(result.failure._tag, "Unauthorized")
        assert.include(result.failure.message, "401")
        assert.notInclude(result.failure.message, "static-token")
      }
      assert.strictEqual(requests.length, 1)
    }).pipe(Effect.provide(AuthLayer))
  )

  it.effect("other failures pass through untouched", () =>
    Effect.gen(function* () {
      const { result, requests } = yield* callWith(new Bearer({ token: Redacted.make("static-token") }), 404)
      assert.strictEqual(result._tag === "Failure" ? result.failure._tag : "none", "NotFound")
      assert.strictEqual(requests.length, 1)
    }).pipe(Effect.provide(AuthLayer))
  )
})
