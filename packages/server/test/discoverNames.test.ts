/**
 * `syncflow discover` on an ERP whose slugs and columns are not lowercase identifiers: the entities
 * are listed under their normalized names with the mapping (original -> normalized), the JSON (the
 * API's entity view) carries each original as `sourceName`, two slugs that normalize to one name
 * are reported naming both, and a sync then fills the normalized tables with the fake's truth.
 */
import { assert, layer } from "@effect/vitest"
import { ErpDataset, FakeErp } from "@syncflow/apismith/testing"
import { PgTest } from "@syncflow/testing-pg"
import { Effect, Schema } from "effect"
import { SqlClient } from "effect/sql"
import { EntityView } from "../src/api/Views.ts"
import { addErpConnector } from "./cliConnector.ts"
import { cliEnv, jsonOutput, ok, spawningTimeout, syncflow } from "./cliProcess.ts"

/** An extra API whose slug normalizes to `order_lines`, like the fake's `Order-Lines`. */
const colliding = {
  slug: "ORDER_LINES",
  name: "Order lines (legacy view)",
  columns: [{ name: "LINE_ID", data_type: "NUMBER(10)", is_nullable: false, is_business_key: true }],
  business_key_columns: ["LINE_ID"],
  delta_strategy: "full",
  parent: null
}

layer(PgTest.layer, { timeout: 120_000, excludeTestServices: true })("syncflow discover: names", (it) => {
  it.effect(
    "shows each renamed entity and column with its original name, and reports a collision naming both",
    () =>
      Effect.gen(function* () {
        const fake = yield* FakeErp.make({
          seed: 31,
          rows: { items: 200, customers: 20, orders: 30 },
          publishedNames: ErpDataset.NON_IDENTIFIER_NAMES
        })
        const clash = yield* FakeErp.make({
          seed: 32,
          publishedNames: ErpDataset.NON_IDENTIFIER_NAMES,
          extraApis: [colliding]
        })
        const env = yield* cliEnv
        ok(yield* addErpConnector(env, fake, "erp"))
        ok(yield* addErpConnector(env, clash, "clash"))

        const text = ok(yield* syncflow(["discover", "erp"], env))
        const lines = text.split("\n").map((line) => line.trimEnd())
        const block = (entity: string) => {
          const start = lines.findIndex((line) => line.startsWith(`${entity} `))
          assert.isAtLeast(start, 0, `${entity} in:\n${text}`)
          const rest = lines.slice(start + 1)
          const end = rest.findIndex((line) => !line.startsWith("  "))
          return rest.slice(0, end === -1 ? rest.length : end).map((line) => line.trim())
        }
        assert.deepStrictEqual(block("order_lines"), [
          'entity: "Order-Lines" -> order_lines',
          'column: "ORDER_NO" -> order_no',
          'column: "Line No" -> line_no',
          'column: "PART_NO" -> part_no',
          'column: "Unit-Price" -> unit_price'
        ])
        assert.deepStrictEqual(block("items"), [
          'column: "PART_NO" -> part_no',
          'column: "List Price" -> list_price',
          'column: "Weight (kg)" -> weight_kg'
        ])
        assert.deepStrictEqual(block("units"), [])

        const views = jsonOutput(Schema.Array(EntityView))(ok(yield* syncflow(["discover", "erp", "--json"], env)))
        const customers = views.find((view) => view.entity === "customers")
        assert.strictEqual(customers?.manifest.sourceName, "CUSTOMERS")
        assert.deepStrictEqual(
          customers?.manifest.columns?.flatMap((c) => (c.sourceName === undefined ? [] : [[c.sourceName, c.name]])),
          [
            ["CUSTOMER_ID", "customer_id"],
            ["Credit.Limit", "credit_limit"],
            ["CREATED-AT", "created_at"]
          ]
        )

        // The colliding APIs are left out, each reported (on stderr) with both names.
        const clashed = yield* syncflow(["discover", "clash"], env)
        const entities = ok(clashed)
          .split("\n")
          .filter((line) => line !== "" && !line.startsWith(" "))
          .map((line) => line.split(" ")[0])
        assert.deepStrictEqual(entities.sort(), ["customers", "items", "orders", "units"])
        assert.match(
          clashed.stderr,
          /the API slugs \\?"Order-Lines\\?" and \\?"ORDER_LINES\\?" both normalize to \\?"order_lines\\?"/
        )

        // A sync fills the normalized tables with exactly the fake's rows.
        ok(yield* syncflow(["sync", "erp", "--json"], env))
        const sql = yield* SqlClient.SqlClient
        /** The entity's table, wherever the destination put it. */
        const table = (entity: string) =>
          sql<{ readonly schema: string }>`
          SELECT table_schema AS schema FROM information_schema.tables WHERE table_name = ${entity}`.pipe(
            Effect.map(([row]) => `"${row?.schema ?? "public"}"."${entity}"`)
          )
        for (const entity of ["items", "customers", "orders", "order_lines"]) {
          const rows = yield* sql.unsafe<{ readonly n: number }>(
            `SELECT count(*)::int AS n FROM ${yield* table(entity)} WHERE NOT _deleted`
          )
          assert.strictEqual(rows[0]?.n, fake.groundTruth.count(entity), entity)
        }
        const keys = yield* sql.unsafe<{ readonly k: string }>(
          `SELECT order_no || '/' || line_no AS k FROM ${yield* table("order_lines")} WHERE NOT _deleted`
        )
        assert.deepStrictEqual(
          keys.map((row) => row.k).sort(),
          Array.from(
            fake.groundTruth.rows("order_lines"),
            (row) => `${row.values.order_no}/${row.values.line_no}`
          ).sort()
        )
      }),
    // Six CLI processes, each a cold Node start: generous on a shared machine.
    spawningTimeout
  )
})
