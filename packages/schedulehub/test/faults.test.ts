import { assert, describe, it } from "@effect/vitest"
import { RecordingClock } from "@syncflow/adapter-core/testing"
import { Clock, Effect, Fiber, Redacted } from "effect"
import { TestClock } from "effect/testing"
import { FakeScheduleHub } from "../src/testing/index.ts"
import { ClientStack, clientOf, item } from "./support/harness.ts"

const REQUEST_TIMEOUT = 30_000

/** The next sleep of the client that is not a request-timeout timer. */
const nextWait = Effect.fnUntraced(function* (rec: RecordingClock.RecordingClock, timeout = REQUEST_TIMEOUT) {
  while (true) {
    const millis = yield* rec.nextSleep
    if (millis !== timeout) return millis
  }
})

/** Waits (yielding, no timer) until the fake's stats satisfy `done`. */
const until = Effect.fnUntraced(function* (
  fake: FakeScheduleHub.FakeScheduleHub,
  done: (stats: FakeScheduleHub.FakeScheduleHubStats) => boolean
) {
  for (let i = 0; i < 100_000; i++) {
    if (done(yield* fake.stats)) return
    yield* Effect.yieldNow
  }
  return yield* Effect.die("the fake never reached the expected state")
})

describe("faults and idempotency", () => {
  it.effect("a burst of 503s is retried with backoff, and the record is written once", () =>
    Effect.gen(function* () {
      const fake = yield* FakeScheduleHub.make()
      const client = yield* clientOf(fake)
      const rec = yield* RecordingClock.make
      yield* fake.faults.failNext(3)
      const fiber = yield* client
        .create("items", item(1))
        .pipe(Effect.provideService(Clock.Clock, rec.clock), Effect.forkChild)
      for (const wait of [50, 100, 200]) {
        assert.strictEqual(yield* nextWait(rec), wait)
        yield* TestClock.adjust(wait)
      }
      assert.strictEqual((yield* Fiber.join(fiber))._tag, "created")
      assert.strictEqual((yield* fake.records("items")).length, 1)
      assert.strictEqual((yield* fake.stats).byStatus["503"], 3)
    }).pipe(Effect.scoped, Effect.provide(ClientStack))
  )

  it.effect("a 429 storm is retried after exactly the Retry-After the fake sent", () =>
    Effect.gen(function* () {
      const fake = yield* FakeScheduleHub.make()
      const client = yield* clientOf(fake)
      const rec = yield* RecordingClock.make
      yield* fake.faults.rateLimitNext(3, 2)
      const fiber = yield* client
        .batch("items", [{ op: "create", record: item(1) }])
        .pipe(Effect.provideService(Clock.Clock, rec.clock), Effect.forkChild)
      for (let i = 0; i < 3; i++) {
        assert.strictEqual(yield* nextWait(rec), 2000)
        yield* TestClock.adjust(2000)
      }
      assert.deepStrictEqual(
        (yield* Fiber.join(fiber)).map((r) => r._tag),
        ["created"]
      )
      const stats = yield* fake.stats
      assert.deepStrictEqual([stats.byStatus["429"], stats.batches], [3, 1])
    }).pipe(Effect.scoped, Effect.provide(ClientStack))
  )

  it.effect("over the per-second budget the fake answers 429 with Retry-After, and the write goes next second", () =>
    Effect.gen(function* () {
      const fake = yield* FakeScheduleHub.make({ requestsPerSecond: 2 })
      const client = yield* clientOf(fake)
      const rec = yield* RecordingClock.make
      const fiber = yield* Effect.forEach([1, 2, 3], (n) => client.create("items", item(n))).pipe(
        Effect.provideService(Clock.Clock, rec.clock),
        Effect.forkChild
      )
      assert.strictEqual(yield* nextWait(rec), 1000)
      yield* TestClock.adjust(1000)
      assert.deepStrictEqual(
        (yield* Fiber.join(fiber)).map((r) => r._tag),
        ["created", "created", "created"]
      )
      assert.strictEqual((yield* fake.stats).byStatus["429"], 1)
    }).pipe(Effect.scoped, Effect.provide(ClientStack))
  )

  it.effect("a slow answer times out and is retried; the late first request replays, no duplicate", () =>
    Effect.gen(function* () {
      const fake = yield* FakeScheduleHub.make()
      const client = yield* clientOf(fake, { timeout: "1 second" })
      const rec = yield* RecordingClock.make
      yield* fake.faults.slowNext(1, 60_000)
      const fiber = yield* client
        .create("items", item(1))
        .pipe(Effect.provideService(Clock.Clock, rec.clock), Effect.forkChild)
      yield* until(fake, (stats) => stats.faultsInjected === 1)
      yield* TestClock.adjust(1000)
      assert.strictEqual(yield* nextWait(rec, 1000), 50)
      yield* TestClock.adjust(50)
      const created = yield* Fiber.join(fiber)
      assert.strictEqual(created._tag, "created")
      // the slowed request wakes up, finds its Idempotency-Key used, and changes nothing
      yield* TestClock.adjust(60_000)
      yield* until(fake, (stats) => stats.idempotentReplays === 1)
      const live = yield* fake.records("items")
      assert.deepStrictEqual(
        live.map((r) => r.uid),
        [created._tag === "created" ? created.id : ""]
      )
    }).pipe(Effect.scoped, Effect.provide(ClientStack))
  )

  it.effect("a connection cut after a create was applied: the retry replays the answer, one record", () =>
    Effect.gen(function* () {
      const fake = yield* FakeScheduleHub.make()
      const client = yield* clientOf(fake)
      const rec = yield* RecordingClock.make
      yield* fake.faults.cutAfterApplyNext(1)
      const fiber = yield* client
        .create("items", item(1), { idempotencyKey: "run-1/items/1" })
        .pipe(Effect.provideService(Clock.Clock, rec.clock), Effect.forkChild)
      assert.strictEqual(yield* nextWait(rec), 50)
      yield* TestClock.adjust(50)
      const created = yield* Fiber.join(fiber)
      const live = yield* fake.records("items")
      assert.deepStrictEqual(
        live.map((r) => r.uid),
        [created._tag === "created" ? created.id : "not created"]
      )
      const stats = yield* fake.stats
      assert.deepStrictEqual([stats.byStatus.cut, stats.idempotentReplays], [1, 1])
    }).pipe(Effect.scoped, Effect.provide(ClientStack))
  )

  it.effect("a connection cut after a batch was applied: resent with its key, the same results, no duplicate", () =>
    Effect.gen(function* () {
      const fake = yield* FakeScheduleHub.make()
      const client = yield* clientOf(fake)
      const rec = yield* RecordingClock.make
      yield* fake.faults.cutAfterApplyNext(1)
      const operations = Array.from({ length: 250 }, (_, n) => ({ op: "create" as const, record: item(n) }))
      const fiber = yield* client
        .batch("items", operations, { idempotencyKey: "run-1/items/batch-0" })
        .pipe(Effect.provideService(Clock.Clock, rec.clock), Effect.forkChild)
      assert.strictEqual(yield* nextWait(rec), 50)
      yield* TestClock.adjust(50)
      const results = yield* Fiber.join(fiber)
      assert.isTrue(results.every((r) => r._tag === "created"))
      const live = yield* fake.records("items")
      assert.strictEqual(live.length, 250)
      assert.deepStrictEqual(
        results.map((r) => (r._tag === "created" ? r.id : "")),
        live.map((r) => r.uid)
      )
      assert.strictEqual((yield* fake.stats).batches, 1)
    }).pipe(Effect.scoped, Effect.provide(ClientStack))
  )

  it.effect("without its key, a create resent after a cut meets a conflict naming the record's uid", () =>
    Effect.gen(function* () {
      const fake = yield* FakeScheduleHub.make()
      const client = yield* clientOf(fake, { retry: { maxAttempts: 1 } })
      yield* fake.faults.cutAfterApplyNext(1)
      const lost = yield* Effect.flip(client.create("items", item(1), { idempotencyKey: "a" }))
      assert.strictEqual(lost._tag, "UpstreamUnavailable")
      const again = yield* client.create("items", item(1), { idempotencyKey: "b" })
      const [stored] = yield* fake.records("items")
      assert.deepStrictEqual(again, { _tag: "conflict", id: stored?.uid ?? "" })
    }).pipe(Effect.scoped, Effect.provide(ClientStack))
  )

  it.effect("an Idempotency-Key replays the first answer for 24 hours, then counts as new", () =>
    Effect.gen(function* () {
      const fake = yield* FakeScheduleHub.make()
      const post = Effect.fnUntraced(function* (key: string) {
        const token = yield* fake.mintToken()
        const response = yield* Effect.promise(() =>
          fetch(`${fake.baseUrl}/api/v1/items`, {
            method: "POST",
            headers: {
              authorization: `Bearer ${Redacted.value(token)}`,
              "content-type": "application/json",
              "idempotency-key": key
            },
            body: JSON.stringify(item(1))
          })
        )
        const body = (yield* Effect.promise(() => response.json())) as { readonly uid: string }
        return { status: response.status, uid: body.uid }
      })
      const first = yield* post("k")
      assert.strictEqual(first.status, 201)
      yield* TestClock.adjust("23 hours")
      assert.deepStrictEqual(yield* post("k"), first)
      assert.strictEqual((yield* fake.records("items")).length, 1)
      yield* TestClock.adjust("1 hour")
      const later = yield* post("k")
      // a new request: the record exists, so it is a conflict naming it
      assert.deepStrictEqual(later, { status: 409, uid: first.uid })
      assert.strictEqual((yield* fake.stats).idempotentReplays, 1)
    }).pipe(Effect.scoped)
  )

  it.effect("a token past its exp, or none, is refused with 401; the client mints a new one and goes on", () =>
    Effect.gen(function* () {
      const fake = yield* FakeScheduleHub.make()
      const schemaWith = (authorization: string | undefined) =>
        Effect.promise(() =>
          fetch(`${fake.baseUrl}/api/v1/schema`, {
            headers: authorization === undefined ? {} : { authorization }
          }).then(async (response) => ({ status: response.status, body: await response.json() }))
        )
      const token = Redacted.value(yield* fake.mintToken(60))
      assert.strictEqual((yield* schemaWith(`Bearer ${token}`)).status, 200)
      yield* TestClock.adjust("61 seconds")
      assert.deepStrictEqual(yield* schemaWith(`Bearer ${token}`), { status: 401, body: { error: "unauthorized" } })
      assert.deepStrictEqual(yield* schemaWith(undefined), { status: 401, body: { error: "unauthorized" } })
      // the client's service JWT (5 minutes) is re-minted when it nears expiry
      const client = yield* clientOf(fake)
      assert.strictEqual((yield* client.create("items", item(1)))._tag, "created")
      yield* TestClock.adjust("10 minutes")
      assert.strictEqual((yield* client.create("items", item(2)))._tag, "created")
      assert.strictEqual((yield* fake.records("items")).length, 2)
    }).pipe(Effect.scoped, Effect.provide(ClientStack))
  )
})
