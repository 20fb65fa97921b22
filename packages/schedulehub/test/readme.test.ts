import { readFileSync } from "node:fs"
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { pushOrder, ScheduleHubLive } from "../examples/push.ts"
import { FakeScheduleHub } from "../src/testing/index.ts"
import { order, orderLine } from "./support/harness.ts"

const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8")
const example = (name: string) => readFileSync(new URL(`../examples/${name}`, import.meta.url), "utf8").trim()

describe("schedulehub README", () => {
  it("shows the example file verbatim", () => {
    assert.include(readme, example("push.ts"))
  })

  it.live("the example pushes an order and its lines to the fake, a child without parent parked", () =>
    Effect.gen(function* () {
      const fake = yield* FakeScheduleHub.make({ secret: "s3cret" })
      const lines = [orderLine(1, 1), orderLine(1, 2), orderLine(2, 1)]
      const result = yield* pushOrder(order(1), lines).pipe(Effect.provide(ScheduleHubLive(fake.baseUrl, "s3cret")))
      assert.deepStrictEqual(result, { parent: "created", children: ["created", "created", "parentMissing"], found: 2 })
      assert.strictEqual((yield* fake.records("order_lines")).length, 2)
    }).pipe(Effect.scoped)
  )
})
