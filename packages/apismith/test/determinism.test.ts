import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { fromClient } from "../src/ApiSmithAdapter.ts"
import { ErpDataset, FakeErp } from "../src/testing/index.ts"
import { ClientStack, clientOf } from "./support/harness.ts"
import { recordsOf } from "./support/listing.ts"

const rows = { items: 2100, customers: 150, orders: 120 }

const pages = (dataset: ErpDataset.ErpDataset) =>
  dataset.slugs.flatMap((slug) => [1, 2, 3].map((page) => dataset.renderPage(slug, { page, pageSize: 1000 }).body))

describe("determinism", () => {
  it("the same seed gives the same rows; another seed gives other rows", () => {
    const a = ErpDataset.makeErpDataset({ seed: 42, rows })
    const b = ErpDataset.makeErpDataset({ seed: 42, rows })
    const c = ErpDataset.makeErpDataset({ seed: 43, rows })
    assert.deepStrictEqual(pages(a), pages(b))
    assert.deepStrictEqual(Array.from(a.cleanRows("order_lines")), Array.from(b.cleanRows("order_lines")))
    const [same, other] = [pages(a), pages(c)]
    assert.isTrue(same.every((body, i) => body !== other[i] || JSON.parse(body).rows.length === 0))
    // keys and row versions do not depend on the seed, the values do
    assert.strictEqual(a.count("items"), c.count("items"))
  })

  it("rows are stable across calls and independent of the order pages are asked in", () => {
    const dataset = ErpDataset.makeErpDataset({ rows })
    const forward = [1, 2, 3].map((page) => dataset.renderPage("items", { page, pageSize: 700 }).body)
    const backward = [3, 2, 1].map((page) => dataset.renderPage("items", { page, pageSize: 700 }).body).reverse()
    assert.deepStrictEqual(forward, backward)
    const small = [1, 2, 3, 4, 5, 6].map(
      (page) => JSON.parse(dataset.renderPage("items", { page, pageSize: 350 }).body).rows
    )
    const large = [1, 2, 3].map((page) => JSON.parse(dataset.renderPage("items", { page, pageSize: 700 }).body).rows)
    assert.deepStrictEqual(small.flat(), large.flat())
  })

  it("the same mutations on the same seed give the same reports and rows", () => {
    const run = () => {
      const dataset = ErpDataset.makeErpDataset({ seed: 9, rows })
      const reports = [
        dataset.mutate("items", { update: 50, delete: 10, insert: 5 }),
        dataset.mutate("order_lines", { insert: 7, touch: 3 }),
        dataset.mutate("items", { addColumn: true, update: 4, sameSecond: true })
      ]
      return { reports, items: Array.from(dataset.cleanRows("items")), lines: pages(dataset) }
    }
    assert.deepStrictEqual(run(), run())
  })

  it.effect("two fakes with the same seed serve the same records over HTTP", () =>
    Effect.gen(function* () {
      const one = yield* FakeErp.make({ seed: 5, rows })
      const two = yield* FakeErp.make({ seed: 5, rows })
      const a = yield* recordsOf(fromClient(yield* clientOf(one)), "customers")
      const b = yield* recordsOf(fromClient(yield* clientOf(two)), "customers")
      assert.strictEqual(a.length, 150)
      assert.deepStrictEqual(a, b)
    }).pipe(Effect.scoped, Effect.provide(ClientStack))
  )
})
