/**
 * Seed 000's L2 example (`examples/etlPipeline.ts`: a join, an aggregate and a filter) run as a sync
 * definition on the fake ERP's orders, and kept right as orders are inserted, updated and deleted:
 * - the definition's table holds the truth's orders over 1,000,000, each with its customer's name
 *   and country from the synced customers table (the join);
 * - the aggregate table holds, per customer, the count, sum, min, max and average of ALL orders'
 *   amounts (it comes before the filter), computed here from the fake's ground truth;
 * - after inserts and updates (an incremental run) and deletes (a complete listing) both tables
 *   equal the new truth, and the aggregate's state was kept from the changes, not rebuilt;
 * - the run records each step's counts and time.
 */
import { readFileSync } from "node:fs"
import { assert, layer } from "@effect/vitest"
import { Effect } from "effect"
import { customer360 } from "../../examples/etlPipeline.ts"
import { runDefinition } from "../../src/definitions/runDefinition.ts"
import { createDefinition } from "../../src/definitions/saveDefinition.ts"
import { runStepStats } from "../../src/etl/StepStats.ts"
import { SyncEngine } from "../../src/pipeline/SyncEngine.ts"
import { apiSmithStages } from "../pipeline/fixtures.ts"
import { adaptersOf, cents, centsText, erpConnector, etlLayer, queryTexts } from "./etlFixtures.ts"

layer(etlLayer, { timeout: 180_000 })("seed 000's L2 example: join, aggregate, filter", (it) => {
  it("is shown verbatim in the README", () => {
    const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8")
    const example = readFileSync(new URL("../../examples/etlPipeline.ts", import.meta.url), "utf8")
    assert.include(readme, example.trim())
  })

  it.effect("the orders table and the per-customer aggregate equal the truth across inserts, updates and deletes", () =>
    Effect.gen(function* () {
      const { fake, adapter, manifest } = yield* erpConnector("erp", {
        seed: 19,
        rows: { items: 10, customers: 40, orders: 400 }
      })
      const adapters = adaptersOf({ erp: adapter })
      // The customers are synced first (their default sync): the join reads their table.
      yield* (yield* SyncEngine).syncEntity({
        connectorId: "erp",
        adapter,
        manifest: manifest("customers"),
        stages: apiSmithStages
      })
      const definition = yield* createDefinition({ ...customer360, id: "customer-360" }).pipe(Effect.provide(adapters))

      const expectTruth = Effect.gen(function* () {
        const customers = new Map(
          Array.from(fake.groundTruth.rows("customers"), (row) => [row.values.customer_id, row.values])
        )
        const orders = Array.from(fake.groundTruth.rows("orders"), (row) => row.values)
        // The definition's table: large orders, joined.
        const expectedOrders = orders
          .filter((o) => o.total_amount !== null && cents(o.total_amount) > 100_000_000)
          .map((o) => {
            const customer = customers.get(o.customer_id)
            return JSON.stringify([
              o.order_no,
              o.total_amount === null ? null : centsText(cents(o.total_amount)),
              customer?.name ?? null,
              customer?.country_code ?? null
            ])
          })
        const stored = yield* queryTexts(
          `SELECT order_no, trim_scale(total_amount)::text AS total, customer_name, country
           FROM erp.large_orders WHERE NOT _deleted`
        )
        assert.isAbove(expectedOrders.length, 0)
        assert.isBelow(expectedOrders.length, orders.length)
        assert.sameMembers(
          stored.map((r) => JSON.stringify([r.order_no, r.total, r.customer_name, r.country])),
          expectedOrders
        )
        // The aggregate: every order, grouped by customer.
        const groups = new Map<string, { count: number; n: number; sum: number; min: number; max: number }>()
        for (const o of orders) {
          const key = String(o.customer_id)
          const g = groups.get(key) ?? { count: 0, n: 0, sum: 0, min: Infinity, max: -Infinity }
          g.count++
          if (o.total_amount !== null) {
            const c = cents(o.total_amount)
            g.n++
            g.sum += c
            g.min = Math.min(g.min, c)
            g.max = Math.max(g.max, c)
          }
          groups.set(key, g)
        }
        const aggregate = yield* queryTexts(
          `SELECT customer_id, order_count::text AS count, trim_scale(total_amount)::text AS sum,
             trim_scale(smallest_order)::text AS min, trim_scale(largest_order)::text AS max, average_order::text AS avg
           FROM erp.customer_order_stats`
        )
        assert.sameMembers(
          aggregate.map((r) => JSON.stringify([r.customer_id, r.count, r.sum, r.min, r.max])),
          [...groups].map(([customer, g]) =>
            JSON.stringify([
              customer,
              String(g.count),
              g.n === 0 ? null : centsText(g.sum),
              g.n === 0 ? null : centsText(g.min),
              g.n === 0 ? null : centsText(g.max)
            ])
          )
        )
        for (const row of aggregate) {
          const g = groups.get(String(row.customer_id))
          if (g === undefined || g.n === 0) assert.isNull(row.avg)
          else assert.closeTo(Number(row.avg), g.sum / g.n / 100, 1e-6)
        }
        return { large: expectedOrders.length, orders: orders.length }
      })

      const first = yield* runDefinition(definition).pipe(Effect.provide(adapters))
      const truth = yield* expectTruth
      assert.deepInclude(first.counts, { fetched: truth.orders, inserted: truth.large, failed: 0 })
      const steps = yield* runStepStats(first.runId)
      assert.deepStrictEqual(
        steps.map((s) => [s.step, s.input, s.output, s.skipped, s.failed]),
        [
          ["pipeline[0] join", truth.orders, truth.orders, 0, 0],
          ["pipeline[1] aggregate", truth.orders, truth.orders, 0, 0],
          ["pipeline[2] filter", truth.orders, truth.large, truth.orders - truth.large, 0]
        ]
      )
      assert.isTrue(steps.every((s) => s.ms >= 0))

      // Inserts and updates: an incremental run sees only them; the aggregate follows from the changes.
      yield* fake.mutate("orders", { insert: 25, update: 60 })
      const second = yield* runDefinition(definition).pipe(Effect.provide(adapters))
      // An incremental listing: the changed rows (and those sharing the high-water second), not all.
      assert.isAtLeast(second.counts.fetched, 85)
      assert.isBelow(second.counts.fetched, truth.orders)
      yield* expectTruth

      // Deletes: a complete listing finds them; their contributions leave their groups (min and max recomputed).
      yield* fake.mutate("orders", { delete: 40, update: 10 })
      const third = yield* runDefinition(definition, { mode: "reconcile" }).pipe(Effect.provide(adapters))
      assert.strictEqual(third.counts.failed, 0)
      yield* expectTruth
    }).pipe(Effect.scoped)
  )
})
