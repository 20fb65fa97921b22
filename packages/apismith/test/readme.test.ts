import { readFileSync } from "node:fs"
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { ApiSmithLive, readChanges } from "../examples/library.ts"
import { twoSyncs } from "../examples/testWithFake.ts"
import { FakeErp } from "../src/testing/index.ts"

const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8")
const example = (name: string) => readFileSync(new URL(`../examples/${name}`, import.meta.url), "utf8").trim()

describe("apismith README", () => {
  it("shows each example file verbatim", () => {
    assert.include(readme, example("library.ts"))
    assert.include(readme, example("testWithFake.ts"))
  })

  it.live("the library example discovers the APIs and reads the changes since a row version", () =>
    Effect.gen(function* () {
      const fake = yield* FakeErp.make({ secret: "s3cret", rows: { items: 2500 } })
      const all = yield* readChanges("items").pipe(Effect.provide(ApiSmithLive(fake.baseUrl, "s3cret")))
      assert.strictEqual(all.rows, 2500)
      assert.deepStrictEqual(all.businessKey, ["part_no"])
      assert.include(all.columns, "list_price NUMBER(12,2)")
      assert.strictEqual(all.newest, fake.dataset.newestRowVersion("items"))
      assert.isUndefined(all.resumeAt)
      const change = yield* fake.mutate("items", { update: 12 })
      const delta = yield* readChanges("items", change.rowVersion).pipe(
        Effect.provide(ApiSmithLive(fake.baseUrl, "s3cret"))
      )
      assert.deepStrictEqual([delta.rows, delta.newest], [12, change.rowVersion])
    }).pipe(Effect.scoped)
  )

  it.live("the test example syncs twice against the fake and checks the ground truth", () =>
    Effect.gen(function* () {
      const result = yield* twoSyncs
      assert.strictEqual(result.firstRun, 5000)
      assert.strictEqual(result.changed, 35)
      // the changed rows plus the rows of the boundary second, read again on purpose (50 rows share a second)
      assert.isTrue(result.secondRun >= 35 && result.secondRun <= 35 + 50, String(result.secondRun))
      assert.strictEqual(result.expected, 5000 + 10 - 5)
      assert.deepStrictEqual(result.firstRow?.oracleKeys, { PART_NO: "PART-0000001" })
    })
  )
})
