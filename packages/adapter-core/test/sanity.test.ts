import { NodeHttpClient } from "@effect/platform-node"
import { assert, it } from "@effect/vitest"
import { Clock, Effect, Fiber, Schedule } from "effect"
import { HttpClient } from "effect/http"
import { TestClock } from "effect/testing"
import { RecordingClock, TestServer } from "../src/testing/index.ts"

it.effect("retry waits under TestClock with real http", () =>
  Effect.gen(function* () {
    let n = 0
    const server = yield* TestServer.make(() =>
      Effect.sync(() => (++n === 1 ? { status: 503, headers: { "retry-after": "2" } } : { body: { ok: true } }))
    )
    const rec = yield* RecordingClock.make
    const client = (yield* HttpClient.HttpClient).pipe(
      HttpClient.filterStatusOk,
      HttpClient.retryTransient({ schedule: Schedule.exponential(10), times: 3 })
    )
    const fiber = yield* client.get(`${server.baseUrl}/x`).pipe(
      Effect.flatMap((r) => r.json),
      Effect.provideService(Clock.Clock, rec.clock),
      Effect.forkChild
    )
    const slept = yield* rec.nextSleep
    assert.strictEqual(slept, 2000)
    yield* TestClock.adjust(1999)
    assert.strictEqual((yield* server.requests).length, 1)
    yield* TestClock.adjust(1)
    const body = yield* Fiber.join(fiber)
    assert.deepStrictEqual(body, { ok: true })
  }).pipe(Effect.provide(NodeHttpClient.layerUndici))
)
