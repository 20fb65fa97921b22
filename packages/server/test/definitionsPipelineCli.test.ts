/**
 * `syncflow definitions create|update --pipeline FILE` as a user runs it (real child processes, the
 * fake ERP on loopback): steps a file spells wrong are refused naming the step and its field (exit 1,
 * nothing stored), and so are steps naming a field the rows do not have; a YAML file's join and filter
 * are stored (shown by `definitions show`) and run: the table holds the truth's orders of one status,
 * each with its customer's name from the synced customers; a JSON file (`{"pipeline": [...]}`)
 * replaces them, and a full refresh leaves exactly the truth's orders of another status.
 */
import { writeFileSync } from "node:fs"
import { mkdtemp } from "node:fs/promises"
import { join } from "node:path"
import { assert, layer } from "@effect/vitest"
import { FakeErp } from "@syncflow/apismith/testing"
import { PgTest } from "@syncflow/testing-pg"
import { Effect } from "effect"
import { SqlClient } from "effect/sql"
import { addErpConnector } from "./cliConnector.ts"
import { cliEnv, ok, spawningTimeout, syncflow } from "./cliProcess.ts"

const joinStep = (field: string) => `- type: join
  from: { connectorId: shop, entity: customers }
  on: { field: ${field}, to: customer_id }
  joinType: left
  fields: { name: customer_name }
`

layer(PgTest.layer, { timeout: spawningTimeout * 6, excludeTestServices: true })(
  "syncflow definitions --pipeline",
  (it) => {
    it.effect(
      "refused naming the step and field; a YAML join and filter run; a JSON file replaces them",
      () =>
        Effect.gen(function* () {
          const fake = yield* FakeErp.make({ seed: 29, rows: { items: 10, customers: 30, orders: 80 } })
          const env = yield* cliEnv
          const dir = yield* Effect.promise(() => mkdtemp("/tmp/pipeline-cli-"))
          const file = (name: string, text: string) => {
            const path = join(dir, name)
            writeFileSync(path, text)
            return path
          }
          ok(yield* addErpConnector(env, fake, "shop"))
          ok(yield* syncflow(["discover", "shop"], env))
          ok(yield* syncflow(["definitions", "run", "shop:customers"], env))

          const orders = [...fake.groundTruth.rows("orders")]
          const statuses = [...new Set(orders.map((o) => String(o.values.status)))]
          assert.isAtLeast(statuses.length, 2)
          const [first = "", second = ""] = statuses
          const create = (pipeline: string) =>
            syncflow(
              [
                "definitions",
                "create",
                "--id",
                "status-orders",
                "--name",
                "Orders of a status",
                "--source",
                "shop:orders",
                "--table",
                "status_orders",
                "--pipeline",
                pipeline
              ],
              env
            )

          // A step spelled wrong: refused naming the step and its field, before anything is stored.
          const misspelt = yield* create(
            file("misspelt.yaml", `${joinStep("customer_id")}- type: filter\n  conditon: "status == '${first}'"\n`)
          )
          assert.strictEqual(misspelt.code, 1, misspelt.stdout)
          assert.include(misspelt.stderr, "pipeline[1].condition")
          // A step naming a field the orders do not have: refused by the definition's validation.
          const unknown = yield* create(file("unknown.yaml", joinStep("client_id")))
          assert.strictEqual(unknown.code, 1, unknown.stdout)
          assert.include(unknown.stderr, "pipeline[0].on.field")
          const notYaml = yield* create(file("broken.yaml", "- type: filter\n  condition: [\n"))
          assert.strictEqual(notYaml.code, 1)
          assert.include(notYaml.stderr, "--pipeline")
          const none = yield* syncflow(["definitions", "show", "status-orders"], env)
          assert.strictEqual(none.code, 1, "nothing was stored")

          // A YAML file: a join with the synced customers, then a filter.
          ok(
            yield* create(
              file("steps.yaml", `${joinStep("customer_id")}- type: filter\n  condition: "status == '${first}'"\n`)
            )
          )
          assert.include(
            ok(yield* syncflow(["definitions", "show", "status-orders"], env)),
            "pipeline:  [0] join, [1] filter"
          )
          ok(yield* syncflow(["definitions", "run", "status-orders"], env))
          const customers = new Map(
            Array.from(fake.groundTruth.rows("customers"), (c) => [String(c.values.customer_id), String(c.values.name)])
          )
          const sql = yield* SqlClient.SqlClient
          const live = sql<{ readonly order_no: string; readonly customer_name: string | null }>`
          SELECT order_no, customer_name FROM shop.status_orders WHERE NOT _deleted`
          const expected = (status: string) =>
            orders
              .filter((o) => String(o.values.status) === status)
              .map((o) => [String(o.values.order_no), customers.get(String(o.values.customer_id)) ?? null])
          assert.sameDeepMembers(
            (yield* live).map((r) => [r.order_no, r.customer_name]),
            expected(first)
          )

          // A JSON file replaces the steps; a full refresh rewrites the rows with them.
          const json = file(
            "steps.json",
            JSON.stringify({ pipeline: [{ type: "filter", condition: `status == '${second}'` }] })
          )
          const updated = ok(yield* syncflow(["definitions", "update", "status-orders", "--pipeline", json], env))
          assert.include(updated, "pipeline:  [0] filter")
          ok(yield* syncflow(["definitions", "run", "status-orders", "--full-refresh"], env))
          assert.sameMembers(
            (yield* live).map((r) => r.order_no),
            expected(second).map(([orderNo]) => orderNo)
          )
        }),
      spawningTimeout * 6
    )
  }
)
