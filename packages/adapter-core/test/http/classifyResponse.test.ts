import { NodeHttpClient } from "@effect/platform-node"
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { HttpClient } from "effect/http"
import { bufferBody } from "../../src/http/bufferBody.ts"
import { CurrentEndpoint } from "../../src/http/CurrentEndpoint.ts"
import { classifyResponse } from "../../src/http/classifyResponse.ts"
import { parseRetryAfter } from "../../src/http/parseRetryAfter.ts"
import { TestServer } from "../../src/testing/index.ts"

const failureOf = (response: TestServer.TestResponse) =>
  Effect.gen(function* () {
    const server = yield* TestServer.make(() => Effect.succeed(response))
    const client = classifyResponse(bufferBody(yield* HttpClient.HttpClient))
    return yield* client
      .get(`${server.baseUrl}/things/1`)
      .pipe(Effect.flip, Effect.provideService(CurrentEndpoint, "things.get"))
  }).pipe(Effect.scoped, Effect.provide(NodeHttpClient.layerUndici))

describe("classifyResponse", () => {
  const cases = [
    [401, "Unauthorized"],
    [403, "Forbidden"],
    [404, "NotFound"],
    [410, "NotFound"],
    [429, "RateLimited"],
    [400, "RequestRejected"],
    [422, "RequestRejected"],
    [408, "UpstreamUnavailable"],
    [500, "UpstreamUnavailable"],
    [503, "UpstreamUnavailable"]
  ] as const
  for (const [status, tag] of cases) {
    it.effect(`${status} fails with ${tag}, naming the endpoint`, () =>
      Effect.gen(function* () {
        const error = yield* failureOf({ status, body: { error: "nope" } })
        assert.strictEqual(error._tag, tag)
        assert.strictEqual(error.endpoint, "things.get")
        assert.include(error.message, String(status))
      })
    )
  }

  it.effect("429 carries the Retry-After delay in milliseconds", () =>
    Effect.gen(function* () {
      const error = yield* failureOf({ status: 429, headers: { "retry-after": "7" } })
      assert.strictEqual(error._tag, "RateLimited")
      if (error._tag === "RateLimited") assert.strictEqual(error.retryAfterMillis, 7000)
    })
  )

  it.effect("503 with Retry-After carries the delay too, so retries wait exactly as asked", () =>
    Effect.gen(function* () {
      const error = yield* failureOf({ status: 503, headers: { "retry-after": "3" } })
      assert.strictEqual(error._tag, "UpstreamUnavailable")
      if (error._tag === "UpstreamUnavailable") assert.strictEqual(error.retryAfterMillis, 3000)
    })
  )

  it("Retry-After: seconds, HTTP dates, and nonsense", () => {
    const now = Date.parse("2026-01-01T00:00:00Z")
    assert.strictEqual(parseRetryAfter("120", now), 120_000)
    assert.strictEqual(parseRetryAfter("-5", now), 0)
    assert.strictEqual(parseRetryAfter("Thu, 01 Jan 2026 00:00:30 GMT", now), 30_000)
    assert.strictEqual(parseRetryAfter("Wed, 31 Dec 2025 00:00:00 GMT", now), 0)
    assert.strictEqual(parseRetryAfter("soon", now), undefined)
    assert.strictEqual(parseRetryAfter("12:30", now), undefined)
    assert.strictEqual(parseRetryAfter(undefined, now), undefined)
  })

  it.effect("a rejected request keeps a sample of what the upstream said", () =>
    Effect.gen(function* () {
      const error = yield* failureOf({ status: 422, body: { errors: [{ detail: "name can't be blank" }] } })
      assert.strictEqual(error._tag, "RequestRejected")
      if (error._tag === "RequestRejected") assert.include(error.sample, "name can't be blank")
    })
  )

  it.effect("a dropped connection is an unavailable upstream (network)", () =>
    Effect.gen(function* () {
      const error = yield* failureOf({ destroy: true })
      assert.strictEqual(error._tag, "UpstreamUnavailable")
      if (error._tag === "UpstreamUnavailable") assert.strictEqual(error.reason, "network")
    })
  )

  it.effect("a body cut off mid-transfer is an unavailable upstream (network), not a decoding error", () =>
    Effect.gen(function* () {
      const error = yield* failureOf({ body: { data: "x".repeat(1000) }, truncateAt: 100 })
      assert.strictEqual(error._tag, "UpstreamUnavailable")
    })
  )
})
