/**
 * The document's retry policy, run by adapter-core's retries: an upstream answering 503 (with
 * `Retry-After: 0`) is asked again up to `retry.maxAttempts` times — adapter-core's 4 when the
 * document says nothing — then the listing fails with `UpstreamUnavailable`.
 */
import { assert, describe, it } from "@effect/vitest"
import { TestServer } from "@syncflow/adapter-core/testing"
import { Effect } from "effect"
import { allRecords, HttpStack, sourceOf } from "./support/httpStack.ts"

const truth = [{ id: 1 }, { id: 2 }]

/** Answers 503 to the first `failures` requests, then the records. */
const flaky = (failures: number) => {
  let seen = 0
  return TestServer.make(() =>
    Effect.sync((): TestServer.TestResponse => {
      seen++
      return seen <= failures
        ? { status: 503, headers: { "retry-after": "0" }, body: { error: "busy" } }
        : { body: { rows: truth } }
    })
  )
}

const document = (baseUrl: string, retry: string) => `
baseUrl: ${baseUrl}
${retry}
streams:
  - name: rows
    path: /rows
    records: rows
    primaryKey: id
`

describe("retry policy", () => {
  it.live("without one, adapter-core's 4 attempts: three 503s, then the records", () =>
    Effect.gen(function* () {
      const server = yield* flaky(3)
      const { adapter } = yield* sourceOf(document(server.baseUrl, ""), undefined, "retry-default")
      assert.deepStrictEqual(yield* allRecords(adapter, "rows"), truth)
      assert.strictEqual((yield* server.requests).length, 4)
    }).pipe(Effect.scoped, Effect.provide(HttpStack))
  )

  it.live("retry.maxAttempts: 2 asks twice, then fails with UpstreamUnavailable", () =>
    Effect.gen(function* () {
      const server = yield* flaky(3)
      const { adapter } = yield* sourceOf(document(server.baseUrl, "retry: { maxAttempts: 2 }"), undefined, "retry-2")
      const error = yield* Effect.flip(allRecords(adapter, "rows"))
      assert.strictEqual(error._tag, "UpstreamUnavailable")
      assert.strictEqual((yield* server.requests).length, 2)
    }).pipe(Effect.scoped, Effect.provide(HttpStack))
  )
})
