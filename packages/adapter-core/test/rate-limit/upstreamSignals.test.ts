import { assert, describe, it } from "@effect/vitest"
import { Duration } from "effect"
import { Headers } from "effect/http"
import { RateLimitPolicy, UpstreamSignals } from "../../src/rate-limit/index.ts"

const now = Date.UTC(2026, 0, 1)
const read = (headers: Record<string, string>, names = UpstreamSignals.defaultHeaders) =>
  UpstreamSignals.read(Headers.fromInput(headers), names, now)

describe("UpstreamSignals.read", () => {
  it("reads the common X-RateLimit headers", () => {
    assert.deepStrictEqual(
      read({ "X-RateLimit-Limit": "60", "X-RateLimit-Remaining": "0", "X-RateLimit-Reset": "12" }),
      { limit: 60, remaining: 0, resetAfterMillis: 12_000, windowMillis: undefined, retryAfterMillis: undefined }
    )
  })

  it("reads Planning Center's headers: remaining is limit - count, the period is a duration", () => {
    const signals = read({
      "X-PCO-API-Request-Rate-Limit": "100",
      "X-PCO-API-Request-Rate-Count": "118",
      "X-PCO-API-Request-Rate-Period": "20 seconds",
      "Retry-After": "4"
    })
    assert.deepStrictEqual(signals, {
      limit: 100,
      remaining: 0,
      resetAfterMillis: undefined,
      windowMillis: 20_000,
      retryAfterMillis: 4000
    })
    assert.strictEqual(read({ "X-PCO-API-Request-Rate-Period": "20" }).windowMillis, 20_000)
  })

  it("reads a reset given as an epoch timestamp in seconds or milliseconds", () => {
    assert.strictEqual(read({ "X-RateLimit-Reset": String(now / 1000 + 30) }).resetAfterMillis, 30_000)
    assert.strictEqual(read({ "X-RateLimit-Reset": String(now + 1500) }).resetAfterMillis, 1500)
    assert.strictEqual(read({ "X-RateLimit-Reset": String(now / 1000 - 30) }).resetAfterMillis, 0)
  })

  it("reads Retry-After as seconds or an HTTP date, and clamps a negative one", () => {
    assert.strictEqual(read({ "Retry-After": "120" }).retryAfterMillis, 120_000)
    assert.strictEqual(read({ "Retry-After": new Date(now + 5000).toUTCString() }).retryAfterMillis, 5000)
    assert.strictEqual(read({ "Retry-After": "-5" }).retryAfterMillis, 0)
  })

  it("treats unreadable values as absent", () => {
    assert.deepStrictEqual(
      read({
        "X-RateLimit-Limit": "lots",
        "X-RateLimit-Remaining": "",
        "X-RateLimit-Reset": "soon",
        "X-PCO-API-Request-Rate-Period": "forever",
        "Retry-After": "later"
      }),
      {
        limit: undefined,
        remaining: undefined,
        resetAfterMillis: undefined,
        windowMillis: undefined,
        retryAfterMillis: undefined
      }
    )
    assert.isUndefined(read({ "X-RateLimit-Limit": "0" }).limit)
    assert.isUndefined(read({ "X-PCO-API-Request-Rate-Period": "Infinity" }).windowMillis)
  })

  it("reads custom header names from a policy", () => {
    const policy = RateLimitPolicy.make({
      adapter: "erp",
      connection: "c",
      limit: 10,
      window: "1 second",
      headers: { limit: ["X-Quota-Limit"], remaining: ["X-Quota-Left"] }
    })
    const signals = read({ "x-quota-limit": "5", "x-quota-left": "2", "X-RateLimit-Limit": "99" }, policy.headers)
    assert.strictEqual(signals.limit, 5)
    assert.strictEqual(signals.remaining, 2)
  })
})

describe("RateLimitPolicy.make", () => {
  it("keys budgets by adapter and connection and fills defaults", () => {
    const policy = RateLimitPolicy.make({ adapter: "pco", connection: "org-1", limit: 100, window: "20 seconds" })
    assert.strictEqual(policy.key, "pco/org-1")
    assert.strictEqual(policy.burst, 100)
    assert.strictEqual(policy.algorithm, "token-bucket")
    assert.strictEqual(Duration.toMillis(policy.window), 20_000)
  })

  it("rejects nonsensical policies", () => {
    const base = { adapter: "a", connection: "c", limit: 1, window: "1 second" } as const
    assert.throws(() => RateLimitPolicy.make({ ...base, limit: 0 }), RangeError)
    assert.throws(() => RateLimitPolicy.make({ ...base, burst: 1.5 }), RangeError)
    assert.throws(() => RateLimitPolicy.make({ ...base, window: 0 }), RangeError)
  })
})
