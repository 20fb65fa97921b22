import { readFileSync } from "node:fs"
import { assert, layer } from "@effect/vitest"
import { FakeErp } from "@syncflow/apismith/testing"
import { PgTest } from "@syncflow/testing-pg"
import { Effect, Layer, Redacted } from "effect"
import { EngineLive, ErpLive, syncErp, WorkflowsLive } from "../examples/syncErp.ts"
import { testKey } from "./state/fixtures.ts"

layer(PgTest.layer, { timeout: 60_000, excludeTestServices: true })("sync-engine README", (it) => {
  it("shows the example file verbatim", () => {
    const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8")
    const example = readFileSync(new URL("../examples/syncErp.ts", import.meta.url), "utf8")
    assert.include(readme, example.trim())
  })

  it.effect("its example syncs every entity of a (fake) ERP into PostgreSQL through the workflow, parents first", () =>
    Effect.gen(function* () {
      const fake = yield* FakeErp.make({ seed: 2, rows: { items: 500, customers: 100, orders: 200 } })
      const summaries = yield* syncErp.pipe(
        Effect.provide(
          WorkflowsLive.pipe(
            Layer.provideMerge(EngineLive(testKey(3))),
            Layer.provide(ErpLive(fake.baseUrl, Redacted.value(fake.secret)))
          )
        )
      )
      const order = summaries.map((s) => s.entity)
      assert.isBelow(order.indexOf("customers"), order.indexOf("orders"))
      assert.isBelow(order.indexOf("orders"), order.indexOf("order_lines"))
      for (const summary of summaries) {
        assert.strictEqual(summary.counts.inserted, fake.groundTruth.count(summary.entity), summary.entity)
        assert.strictEqual(summary.counts.failed, 0)
      }
    }).pipe(Effect.scoped)
  )
})
