/**
 * The pending children in a real browser against a real server and the fake ERP: orders synced
 * before their customers, under the orphan policy `park`, wait for their parent; the page lists and
 * filters them, discards a selected one (after a confirming second click), retries the rest (they
 * keep waiting); once the customers are synced a retry makes them due now, the retry pass writes
 * them and the list empties: the table then holds every order of the fake but the discarded one.
 * No console problem.
 */
import { assert, layer } from "@effect/vitest"
import { FakeErp } from "@syncflow/apismith/testing"
import { Effect, Layer, Option } from "effect"
import { SqlClient } from "effect/sql"
import { Browser, browserTestTimeout, screenshot, step, unexpectedProblems } from "./support/browser.ts"
import { call, dashboardServerLayer, eventually } from "./support/e2eServer.ts"
import { signIn } from "./support/signIn.ts"
import { createErpConnector, syncEntity } from "./support/syncs.ts"

layer(Layer.mergeAll(dashboardServerLayer, Browser.layer), { timeout: 120_000, excludeTestServices: true })(
  "the pending children page",
  (it) => {
    it.effect(
      "children waiting for their parent are filtered, one discarded, the rest retried, written once the parents arrived",
      () =>
        Effect.gen(function* () {
          const fake = yield* FakeErp.make({ seed: 12, rows: { items: 30, customers: 10, orders: 15 } })
          yield* createErpConnector("erp", fake)
          const parked = yield* call("PATCH", "/api/v1/connectors/erp/entities/orders", { body: { orphans: "park" } })
          assert.strictEqual(parked.status, 200)
          yield* syncEntity("erp", "orders")
          const orders = fake.groundTruth.count("orders")

          const browser = yield* Browser
          const tab = yield* browser.openPage()
          const { page } = tab
          yield* signIn(tab, "/failed/pending")
          const rows = page.getByRole("table", { name: "Pending children" }).locator("tbody tr")
          yield* step(() => rows.first().waitFor())
          assert.strictEqual(yield* step(() => rows.count()), orders)

          // Filtered by parent entity, kept in the address.
          yield* step(() => page.getByLabel("Parent entity").fill("items"))
          yield* step(() => page.getByRole("button", { name: "Apply filters" }).click())
          yield* step(() => page.getByText("No child waits for its parent among these filters.").waitFor())
          yield* step(() => page.getByLabel("Parent entity").fill("customers"))
          yield* step(() => page.getByRole("button", { name: "Apply filters" }).click())
          yield* step(() => page.waitForURL(/parent=customers/))
          yield* step(() => rows.nth(orders - 1).waitFor())
          assert.strictEqual(yield* step(() => rows.count()), orders)
          assert.deepStrictEqual(unexpectedProblems(yield* screenshot(tab, "pending-children")), [])

          // One selected and discarded: a second click confirms.
          yield* step(() => rows.first().getByRole("checkbox").check())
          yield* step(() => page.getByRole("button", { name: "Discard selected (1)" }).click())
          yield* step(() => page.getByRole("button", { name: "Confirm: discard 1" }).click())
          yield* step(() => page.getByRole("status").getByText("Discarded 1: 1 discarded.").waitFor())
          yield* step(() =>
            page.waitForFunction((count) => document.querySelectorAll("tbody tr").length === count, orders - 1)
          )

          // Retried before their parents arrived: they keep waiting.
          yield* step(() => page.getByRole("button", { name: "Retry all matching" }).click())
          const outcome = page.getByRole("status").getByText(/^Retried/)
          yield* step(() => outcome.waitFor())
          assert.strictEqual(
            yield* step(() => outcome.textContent()),
            `Retried ${orders - 1}: 0 written, ${orders - 1} still waiting for their parent.`
          )
          assert.strictEqual(yield* step(() => rows.count()), orders - 1)

          // The parents arrive; retried again, they are due now and the retry pass writes them.
          yield* syncEntity("erp", "customers")
          yield* step(() => page.getByRole("button", { name: "Retry all matching" }).click())
          yield* step(() =>
            page
              .getByRole("status")
              .getByText(/^Retried \d+: /)
              .waitFor()
          )
          yield* eventually(
            Effect.map(call("GET", "/api/v1/pending-children?connectorId=erp"), (reply) =>
              Array.isArray(reply.body) && reply.body.length === 0 ? Option.some(true) : Option.none()
            )
          )
          yield* step(() => page.reload())
          yield* step(() => page.getByText("No child waits for its parent among these filters.").waitFor())

          const sql = yield* SqlClient.SqlClient
          const entity = (yield* call("GET", "/api/v1/connectors/erp/entities/orders")).body as {
            readonly manifest: { readonly businessKey: ReadonlyArray<string> }
          }
          const keyColumn = (entity.manifest.businessKey[0] ?? "").toLowerCase()
          const stored = yield* eventually(
            Effect.map(
              Effect.orDie(
                sql.unsafe<{ readonly key: string }>(
                  `SELECT "${keyColumn}"::text AS key FROM erp.orders WHERE NOT _deleted`
                )
              ),
              (found) => (found.length === orders - 1 ? Option.some(found) : Option.none())
            )
          )
          const truth = new Set(Array.from(fake.groundTruth.rows("orders"), (row) => String(row.values[keyColumn])))
          assert.isTrue(
            stored.every((row) => truth.has(row.key)),
            "every stored order is the fake's"
          )
          assert.deepStrictEqual(unexpectedProblems(yield* screenshot(tab, "pending-children-retried")), [])
        }),
      browserTestTimeout
    )
  }
)
