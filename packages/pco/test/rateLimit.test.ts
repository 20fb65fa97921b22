/**
 * Rate limits end to end: the client paces itself by Planning Center's headers and rides out 429s
 * by waiting exactly what the API asks, so a listing completes whatever the budget does.
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect, Stream } from "effect"
import { ListPeople } from "../src/index.ts"
import { FakePco } from "../src/testing/index.ts"
import { ClientServices, driveClock, pcoClientOf } from "./harness.ts"

describe("rate limits", () => {
  it.effect("a 429 storm is survived: the limit drops to 10 and another integration keeps spending the budget", () =>
    Effect.gen(function* () {
      const fake = yield* FakePco.make({ people: 400 })
      yield* fake.rateLimit.setLimit(10)
      const pco = yield* pcoClientOf(fake)
      const { result, waits } = yield* driveClock(
        Stream.runCollect(
          pco
            .streamPages(ListPeople, { pageSize: 10 })
            .pipe(Stream.tap((page) => (page.index % 2 === 1 ? fake.rateLimit.consume(12) : Effect.void)))
        )
      )
      const ids = result.flatMap((page) => page.items.map((person) => person.id))
      assert.deepStrictEqual(ids, fake.truth.ids("Person"))
      const rejected = yield* fake.rateLimit.rejected
      assert.isAtLeast(rejected, 5)
      // Every 429 was followed by a wait before the request went again.
      assert.isAtLeast(waits.length, rejected)
    }).pipe(Effect.provide(ClientServices))
  )

  it.effect("a 429 is retried after exactly its Retry-After", () =>
    Effect.gen(function* () {
      const fake = yield* FakePco.make({ people: 10 })
      const pco = yield* pcoClientOf(fake)
      yield* pco.testConnection
      yield* fake.rateLimit.consume(120)
      const { waits } = yield* driveClock(pco.testConnection)
      assert.deepStrictEqual(waits, [20_000])
      assert.strictEqual(yield* fake.rateLimit.rejected, 1)
    }).pipe(Effect.provide(ClientServices))
  )

  it.effect("a lower limit in the headers is adopted: the client paces itself and is never refused", () =>
    Effect.gen(function* () {
      const fake = yield* FakePco.make({ people: 300 })
      yield* fake.rateLimit.setLimit(10)
      const pco = yield* pcoClientOf(fake)
      const { result, waits } = yield* driveClock(Stream.runCollect(pco.streamPages(ListPeople, { pageSize: 10 })))
      assert.strictEqual(result.length, 30)
      assert.strictEqual(yield* fake.rateLimit.rejected, 0)
      assert.isAtLeast(waits.length, 2)
    }).pipe(Effect.provide(ClientServices))
  )
})
