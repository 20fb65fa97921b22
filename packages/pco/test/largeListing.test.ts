/**
 * The one larger listing of the suite: 10,000 people through the adapter, page after page in
 * constant memory, paced by the 100-requests-per-20-seconds budget (under the TestClock).
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect, Layer, Stream } from "effect"
import { PcoAdapter } from "../src/index.ts"
import { FakePco } from "../src/testing/index.ts"
import { ClientServices, clientOf, driveClock } from "./harness.ts"

describe("a larger listing", () => {
  it.effect("lists 10,000 people in 100 pages, every one once, in updated_at order", () =>
    Effect.gen(function* () {
      const fake = yield* FakePco.make({ people: 10_000, seed: 21 })
      const adapter = yield* Effect.gen(function* () {
        return yield* PcoAdapter
      }).pipe(Effect.provide(PcoAdapter.layer.pipe(Layer.provide(clientOf(fake)))))
      const { result, waits } = yield* driveClock(
        adapter.streamPages("person").pipe(
          // Keep only what the assertions need: the stream itself holds one page at a time.
          Stream.runFold(
            () => ({ pages: 0, ids: new Set<string>(), count: 0, last: "", ordered: true }),
            (acc, page) => {
              for (const record of page.items) {
                const at = String(record.updated_at)
                acc.ordered &&= acc.last <= at
                acc.last = at
                acc.ids.add(String(record.id))
                acc.count += 1
              }
              acc.pages += 1
              return acc
            }
          )
        )
      )
      assert.strictEqual(result.pages, 100)
      assert.strictEqual(result.count, 10_000)
      assert.strictEqual(result.ids.size, 10_000)
      assert.isTrue(result.ordered)
      assert.isTrue(fake.truth.ids("Person").every((id) => result.ids.has(id)))
      // The client keeps to the budget: at most one wait for the window to roll, and never a 429.
      assert.isAtMost(waits.length, 1)
      assert.strictEqual(yield* fake.rateLimit.rejected, 0)
    }).pipe(Effect.provide(ClientServices))
  )
})
