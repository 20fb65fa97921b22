/**
 * The admin API on an ERP whose slugs and columns are not lowercase identifiers: discovery returns
 * the entities under their normalized names with each original as `sourceName`, the entity view
 * shows the mapping, and a sync through the durable workflows (a fresh adapter of the server's)
 * requests the original slug and fills the normalized table with exactly the fake's rows.
 */
import { assert, layer } from "@effect/vitest"
import { ErpDataset, FakeErp } from "@syncflow/apismith/testing"
import { Effect, Redacted, Schema } from "effect"
import { SqlClient } from "effect/sql"
import { EntityView } from "../src/api/Views.ts"
import { finishedRun } from "./finishedRun.ts"
import { bodyAs, call, testServerLayer } from "./fixtures.ts"

layer(testServerLayer, { timeout: 120_000, excludeTestServices: true })("admin API: names from metadata", (it) => {
  it.effect("discovery and the entity view show original -> normalized names; a sync fills the normalized table", () =>
    Effect.gen(function* () {
      const fake = yield* FakeErp.make({
        seed: 41,
        rows: { items: 100, customers: 70, orders: 20 },
        publishedNames: ErpDataset.NON_IDENTIFIER_NAMES
      })
      const created = yield* call("POST", "/api/v1/connectors", {
        body: {
          id: "erp",
          adapter: "apismith",
          name: "ERP with quoted aliases",
          config: { baseUrl: fake.baseUrl },
          credentials: { type: "serviceJwt", secret: Redacted.value(fake.secret) }
        }
      })
      assert.strictEqual(created.status, 201)
      const discovered = bodyAs(yield* call("POST", "/api/v1/connectors/erp/discover"), Schema.Array(EntityView))
      assert.deepStrictEqual(discovered.map((e) => [e.entity, e.manifest.sourceName]).sort(), [
        ["customers", "CUSTOMERS"],
        ["items", undefined],
        ["order_lines", "Order-Lines"],
        ["orders", undefined],
        ["units", undefined]
      ])
      for (const entity of discovered) {
        const updated = yield* call("PATCH", `/api/v1/connectors/erp/entities/${entity.entity}`, {
          body: { enabled: false }
        })
        assert.strictEqual(updated.status, 200)
      }

      const view = bodyAs(yield* call("GET", "/api/v1/connectors/erp/entities/customers"), EntityView)
      assert.deepStrictEqual(
        view.manifest.columns?.flatMap((c) => (c.sourceName === undefined ? [] : [`${c.sourceName} -> ${c.name}`])),
        ["CUSTOMER_ID -> customer_id", "Credit.Limit -> credit_limit", "CREATED-AT -> created_at"]
      )
      assert.deepStrictEqual(view.manifest.businessKey, ["customer_id"])

      const started = yield* call("POST", "/api/v1/connectors/erp/entities/customers/sync")
      assert.strictEqual(started.status, 202)
      const run = yield* finishedRun("erp", "customers")
      const truth = fake.groundTruth.count("customers")
      assert.strictEqual(run.status, "succeeded")
      assert.deepInclude(run.counts, { fetched: truth, inserted: truth, failed: 0 })

      const sql = yield* SqlClient.SqlClient
      const [table] = yield* sql<{ readonly schema: string }>`
          SELECT table_schema AS schema FROM information_schema.tables WHERE table_name = 'customers'`
      const rows = yield* sql.unsafe<{ readonly id: string; readonly limit: string | null }>(
        `SELECT customer_id AS id, credit_limit::text AS limit FROM "${table?.schema ?? "public"}".customers WHERE NOT _deleted`
      )
      const stored = rows.map((r) => `${r.id}=${r.limit === null ? null : Number(r.limit)}`).sort()
      const expected = Array.from(
        fake.groundTruth.rows("customers"),
        (row) =>
          `${row.values.customer_id}=${row.values.credit_limit === null ? null : Number(row.values.credit_limit)}`
      ).sort()
      assert.strictEqual(stored.length, truth)
      assert.deepStrictEqual(stored, expected)
      const paths = new Set((yield* fake.requests).map((r) => r.url.pathname))
      assert.isTrue(paths.has("/api/v1/data/CUSTOMERS"))
      assert.isFalse(paths.has("/api/v1/data/customers"))
    })
  )
})
