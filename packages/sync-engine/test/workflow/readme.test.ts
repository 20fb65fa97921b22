/** The README's durable-workflow example, shown verbatim and run against the fake ERP. */
import { readFileSync } from "node:fs"
import { assert, layer } from "@effect/vitest"
import { FakeErp } from "@syncflow/apismith/testing"
import { PgTest } from "@syncflow/testing-pg"
import { Effect, Layer, Redacted } from "effect"
import { SqlClient } from "effect/sql"
import { EngineLive, ErpLive } from "../../examples/syncErp.ts"
import { ConnectorStore } from "../../src/state/ConnectorStore.ts"
import { testKey } from "../state/fixtures.ts"
import { DurableLive, syncErpDurably } from "./fixtures/durableSync.ts"

layer(PgTest.layer, { timeout: 60_000, excludeTestServices: true })("sync-engine README: durable workflows", (it) => {
  it("shows the example file verbatim", () => {
    const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8")
    const example = readFileSync(new URL("./fixtures/durableSync.ts", import.meta.url), "utf8")
    assert.include(readme, example.trim())
  })

  it.effect(
    "its example syncs a connector through the durable workflows, parents first",
    () =>
      Effect.gen(function* () {
        const fake = yield* FakeErp.make({ seed: 4, rows: { items: 300, customers: 100, orders: 200 } })
        const summaries = yield* Effect.gen(function* () {
          const connectorStore = yield* ConnectorStore
          yield* connectorStore.createConnector({ id: "erp", adapter: "apismith", name: "ERP" })
          return yield* syncErpDurably
        }).pipe(
          Effect.provide(
            DurableLive.pipe(
              Layer.provideMerge(
                Layer.merge(EngineLive(testKey(3)), ErpLive(fake.baseUrl, Redacted.value(fake.secret)))
              )
            )
          )
        )
        const order = summaries.map((s) => s.entity)
        assert.isBelow(order.indexOf("customers"), order.indexOf("orders"))
        assert.isBelow(order.indexOf("orders"), order.indexOf("order_lines"))
        // The example's DurableLive runs the scheduler too; it leaves the connector's entities to the
        // running connector sync, so each entity's summary is the sync that wrote its rows (parents first:
        // no row was written while its parent was missing), and every table equals the truth.
        const sql = yield* SqlClient.SqlClient
        for (const summary of summaries) {
          const truth = fake.groundTruth.count(summary.entity)
          assert.strictEqual(summary.counts.fetched, truth, summary.entity)
          assert.strictEqual(summary.counts.inserted, truth, summary.entity)
          assert.strictEqual(summary.counts.orphaned, 0, summary.entity)
          assert.strictEqual(summary.counts.failed, 0, summary.entity)
          const [live] = yield* sql.unsafe<{ readonly n: number }>(
            `SELECT count(*)::int AS n FROM erp."${summary.entity}" WHERE NOT _deleted`
          )
          assert.strictEqual(live?.n, truth, summary.entity)
        }
      }).pipe(Effect.scoped),
    60_000
  )
})
