import { assert, describe, it } from "@effect/vitest"
import { RetryPolicy } from "@syncflow/adapter-core"
import { RecordingClock } from "@syncflow/adapter-core/testing"
import { Clock, Effect, Exit, Fiber, Stream } from "effect"
import { TestClock } from "effect/testing"
import { fromClient } from "../src/ApiSmithAdapter.ts"
import { bearer } from "../src/ApiSmithCredentials.ts"
import { FakeErp } from "../src/testing/index.ts"
import { ClientStack, clientOf } from "./support/harness.ts"
import { keysOf, truthOf } from "./support/listing.ts"

const REQUEST_TIMEOUT = 30_000

/** The next sleep of the client that is not a request-timeout timer. */
const nextWait = Effect.fnUntraced(function* (rec: RecordingClock.RecordingClock) {
  while (true) {
    const millis = yield* rec.nextSleep
    if (millis !== REQUEST_TIMEOUT) return millis
  }
})

const failureOf = <A, E>(exit: Exit.Exit<A, E>) => {
  const reason = Exit.isFailure(exit) ? exit.cause.reasons[0] : undefined
  return reason?._tag === "Fail" ? reason.error : undefined
}

describe("faults", () => {
  it.effect("a burst of 503s is retried with backoff and the listing completes", () =>
    Effect.gen(function* () {
      const fake = yield* FakeErp.make({ rows: { items: 2500 } })
      const client = yield* clientOf(fake)
      const rec = yield* RecordingClock.make
      yield* fake.faults.failNext(3)
      const fiber = yield* client
        .streamAll("items")
        .pipe(Stream.runCollect, Effect.provideService(Clock.Clock, rec.clock), Effect.forkChild)
      for (const wait of [100, 200, 400]) {
        assert.strictEqual(yield* nextWait(rec), wait)
        yield* TestClock.adjust(wait)
      }
      const rows = yield* Fiber.join(fiber)
      assert.deepStrictEqual(keysOf(rows.map((r) => ({ oracleKeys: r.oracle_keys }))), keysOf(truthOf(fake, "items")))
      const stats = yield* fake.stats
      assert.deepStrictEqual([stats.faultsInjected, stats.pages], [3, 3])
    }).pipe(Effect.scoped, Effect.provide(ClientStack))
  )

  it.effect("a response cut off mid-body (truncated JSON, connection closed) is retried", () =>
    Effect.gen(function* () {
      const fake = yield* FakeErp.make({ rows: { items: 2000 } })
      const client = yield* clientOf(fake)
      const rec = yield* RecordingClock.make
      const fiber = yield* client.streamPages("items").pipe(
        Stream.tap((page) => (page.index === 0 ? fake.faults.truncateNext(1, "connection") : Effect.void)),
        Stream.runCollect,
        Effect.provideService(Clock.Clock, rec.clock),
        Effect.forkChild
      )
      assert.strictEqual(yield* nextWait(rec), 100)
      yield* TestClock.adjust(100)
      const pages = yield* Fiber.join(fiber)
      assert.deepStrictEqual(
        pages.map((p) => p.items.length),
        [1000, 1000]
      )
      const requested = (yield* fake.requests).map((r) => r.url.searchParams.get("page"))
      assert.deepStrictEqual(requested, ["1", "2", "2"])
    }).pipe(Effect.scoped, Effect.provide(ClientStack))
  )

  it.effect("a complete response whose JSON is truncated is read again at once", () =>
    Effect.gen(function* () {
      const fake = yield* FakeErp.make({ rows: { items: 1500 } })
      const client = yield* clientOf(fake)
      yield* fake.faults.truncateNext(2, "body")
      const pages = yield* Stream.runCollect(client.streamPages("items"))
      assert.deepStrictEqual(
        pages.map((p) => p.items.length),
        [1000, 500]
      )
      assert.deepStrictEqual(
        (yield* fake.requests).map((r) => r.url.searchParams.get("page")),
        ["1", "1", "1", "2"]
      )
      // three cut bodies in a row exhaust the default two re-reads
      yield* fake.faults.truncateNext(3, "body")
      const error = failureOf(yield* Effect.exit(Stream.runDrain(client.streamPages("items"))))
      assert.strictEqual(error?._tag, "InvalidResponse")
    }).pipe(Effect.scoped, Effect.provide(ClientStack))
  )

  it.effect("an expired token is answered 401 and the client re-mints its service JWT", () =>
    Effect.gen(function* () {
      const fake = yield* FakeErp.make({ rows: { items: 3000 } })
      const adapter = fromClient(yield* clientOf(fake))
      const pages = yield* adapter.streamPages("items").pipe(
        Stream.tap((page) => (page.index === 0 ? fake.faults.expireTokens : Effect.void)),
        Stream.runCollect
      )
      assert.strictEqual(pages.flatMap((p) => p.items).length, 3000)
      const stats = yield* fake.stats
      assert.strictEqual(stats.unauthorized, 1)
      // The adapter discovers the API's names first; the data requests tell the token story.
      const tokens = (yield* fake.requests)
        .filter((r) => r.url.pathname.startsWith("/api/v1/data/"))
        .map((r) => r.headers.authorization)
      assert.strictEqual(new Set(tokens).size, 2, "one token before, a re-minted one after")
      assert.strictEqual(tokens[0], tokens[1])
      assert.notStrictEqual(tokens[1], tokens[2])
    }).pipe(Effect.scoped, Effect.provide(ClientStack))
  )

  it.effect("a static bearer token that expires fails with Unauthorized (it cannot be renewed)", () =>
    Effect.gen(function* () {
      const fake = yield* FakeErp.make({ rows: { items: 10 } })
      const token = yield* fake.mintToken()
      const client = yield* clientOf(fake, { credentials: bearer(token) })
      assert.strictEqual((yield* Stream.runCollect(client.streamAll("items"))).length, 10)
      yield* fake.faults.expireTokens
      const error = failureOf(yield* Effect.exit(Stream.runDrain(client.streamAll("items"))))
      assert.strictEqual(error?._tag, "Unauthorized")
      // a token signed with another secret is refused too
      const other = yield* FakeErp.make({ secret: "another-secret" })
      const stranger = yield* clientOf(other, { credentials: fake.credentials() })
      assert.strictEqual(failureOf(yield* Effect.exit(stranger.discover))?._tag, "Unauthorized")
    }).pipe(Effect.scoped, Effect.provide(ClientStack))
  )

  it.effect("a slow page is waited for on the server's clock", () =>
    Effect.gen(function* () {
      const fake = yield* FakeErp.make({ rows: { items: 1200 } })
      const client = yield* clientOf(fake)
      yield* fake.faults.slowNext(1, 5000)
      const fiber = yield* client.streamAll("items").pipe(Stream.runCollect, Effect.forkChild)
      assert.strictEqual(yield* fake.faults.nextSlowRequest, 5000)
      yield* TestClock.adjust(4999)
      assert.isUndefined(fiber.pollUnsafe())
      yield* TestClock.adjust(1)
      assert.strictEqual((yield* Fiber.join(fiber)).length, 1200)
    }).pipe(Effect.scoped, Effect.provide(ClientStack))
  )

  it.effect("held pages wait until the test releases each, with no clock involved", () =>
    Effect.gen(function* () {
      const fake = yield* FakeErp.make({ rows: { items: 2500 } })
      const client = yield* clientOf(fake)
      yield* fake.faults.holdNext(2)
      const fiber = yield* client.streamAll("items").pipe(Stream.runCollect, Effect.forkChild)
      const first = yield* fake.faults.nextHeldRequest
      assert.strictEqual(first.request.url.searchParams.get("page"), "1")
      yield* first.release
      const second = yield* fake.faults.nextHeldRequest
      assert.strictEqual(second.request.url.searchParams.get("page"), "2")
      // Page 1 is answered; page 2 waits for its release, whatever the time.
      assert.strictEqual((yield* fake.stats).pages, 1)
      assert.isUndefined(fiber.pollUnsafe())
      yield* second.release
      // The hold is used up: page 3 is not held.
      assert.strictEqual((yield* Fiber.join(fiber)).length, 2500)
      const stats = yield* fake.stats
      assert.deepStrictEqual([stats.faultsInjected, stats.pages], [2, 3])
    }).pipe(Effect.scoped, Effect.provide(ClientStack))
  )

  it.effect("a page slower than the request timeout times out and is fetched again", () =>
    Effect.gen(function* () {
      const fake = yield* FakeErp.make({ rows: { items: 1200 } })
      const client = yield* clientOf(fake)
      const rec = yield* RecordingClock.make
      yield* fake.faults.slowNext(1, 45_000)
      const fiber = yield* client
        .streamAll("items")
        .pipe(Stream.runCollect, Effect.provideService(Clock.Clock, rec.clock), Effect.forkChild)
      yield* fake.faults.nextSlowRequest
      yield* TestClock.adjust(REQUEST_TIMEOUT)
      assert.strictEqual(yield* nextWait(rec), 100)
      yield* TestClock.adjust(100)
      assert.strictEqual((yield* Fiber.join(fiber)).length, 1200)
    }).pipe(Effect.scoped, Effect.provide(ClientStack))
  )

  it.effect("test connection checks health and credentials; an unreachable database fails it", () =>
    Effect.gen(function* () {
      const fake = yield* FakeErp.make()
      const adapter = fromClient(yield* clientOf(fake, { retry: RetryPolicy.make({ maxAttempts: 1 }) }))
      yield* adapter.testConnection
      yield* fake.faults.setDatabaseAvailable(false)
      const down = failureOf(yield* Effect.exit(adapter.testConnection))
      assert.strictEqual(down?._tag, "UpstreamUnavailable")
      yield* fake.faults.setDatabaseAvailable(true)
      yield* adapter.testConnection
      const other = yield* FakeErp.make({ secret: "another-secret" })
      const wrongSecret = fromClient(yield* clientOf(other, { credentials: fake.credentials() }))
      assert.strictEqual(failureOf(yield* Effect.exit(wrongSecret.testConnection))?._tag, "Unauthorized")
    }).pipe(Effect.scoped, Effect.provide(ClientStack))
  )
})
