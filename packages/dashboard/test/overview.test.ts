/**
 * The overview in a real browser against a real server and the fake ERP: every sync definition (the
 * entities' default ones and a user's) with its source's health, its last run, its next scheduled
 * run as the server computes it and the records its runs fetched in the last 24 hours, the failing
 * one (a sync the ERP refused) first, then the one with failed records; the connector's health;
 * the alert that failure fired (its entity's threshold: one failure).
 */
import { assert, layer } from "@effect/vitest"
import { Effect, Layer } from "effect"
import { AlertEvaluator, AlertStore } from "../../sync-engine/src/index.ts"
import { Browser, browserTestTimeout, screenshot, step, unexpectedProblems } from "./support/browser.ts"
import { call, dashboardServerLayer } from "./support/e2eServer.ts"
import { signIn } from "./support/signIn.ts"
import { erpWithFailedRecords, syncEntity } from "./support/syncs.ts"

interface Run {
  readonly definitionId: string | null
  readonly status: string
  readonly counts: { readonly fetched: number; readonly failed: number }
}

const nextRun = (query: string) =>
  Effect.map(
    call("GET", `/api/v1/schedules/next-runs?${query}&count=1`),
    (reply) => (reply.body as { readonly nextRuns: ReadonlyArray<string> }).nextRuns[0] ?? ""
  )

layer(Layer.mergeAll(dashboardServerLayer, Browser.layer), { timeout: 120_000, excludeTestServices: true })(
  "the overview",
  (it) => {
    it.effect(
      "every definition with its health, last run, next run and rows of 24 h, the failing first",
      () =>
        Effect.gen(function* () {
          const { fake } = yield* erpWithFailedRecords
          // customers: the ERP refuses every request of its sync, which fails; one failure is an alert.
          const threshold = yield* call("PATCH", "/api/v1/connectors/erp/entities/customers", {
            body: { alerts: { consecutiveFailures: 1 } }
          })
          assert.strictEqual(threshold.status, 200)
          yield* fake.faults.failNext(100, { status: 400 })
          const refused = yield* syncEntity("erp", "customers")
          assert.strictEqual(refused.status, "failed")
          yield* fake.faults.failNext(0)
          // The evaluator's pass (the test server's scheduler, which runs it, is off).
          yield* AlertEvaluator.evaluate().pipe(Effect.provide(AlertStore.layer))
          const firing = (yield* call("GET", "/api/v1/alerts?state=firing")).body as ReadonlyArray<{
            readonly rule: string
            readonly entity: string | null
            readonly summary: string
          }>
          assert.deepStrictEqual(
            firing.map((alert) => [alert.rule, alert.entity]),
            [["consecutive_failures", "customers"]]
          )
          // A user's definition on a cron, never run; orders disabled.
          const made = yield* call("POST", "/api/v1/definitions", {
            body: {
              id: "items-slim",
              name: "Items, slim",
              source: { connectorId: "erp", entity: "items" },
              destination: { kind: "postgres", table: "items_slim" },
              schedule: { cron: "*/15 * * * *" }
            }
          })
          assert.strictEqual(made.status, 201, JSON.stringify(made.body))
          const disabled = yield* call("PATCH", "/api/v1/connectors/erp/entities/orders", { body: { enabled: false } })
          assert.strictEqual(disabled.status, 200)

          const itemsRuns = (yield* call("GET", "/api/v1/runs?connector=erp&entity=items&limit=100"))
            .body as ReadonlyArray<Run>
          const itemsFetched = itemsRuns
            .filter((run) => run.definitionId === null)
            .reduce((sum, run) => sum + run.counts.fetched, 0)
          const items = (yield* call("GET", "/api/v1/connectors/erp/entities/items")).body as {
            readonly settings: { readonly intervalSeconds: number }
          }
          const itemsNext = yield* nextRun(`intervalSeconds=${items.settings.intervalSeconds}`)
          const slimNext = yield* nextRun(`cron=${encodeURIComponent("*/15 * * * *")}`)
          const definitions = (yield* call("GET", "/api/v1/definitions")).body as ReadonlyArray<{ readonly id: string }>

          const browser = yield* Browser
          const tab = yield* browser.openPage()
          const { page } = tab
          yield* signIn(tab, "/")
          const table = page.getByRole("table", { name: "Sync definitions" })
          const rows = table.locator("tbody tr")
          yield* step(() => rows.first().waitFor())
          const shown = yield* step(() =>
            rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute("data-definition")))
          )
          assert.sameMembers(
            shown,
            definitions.map((definition) => definition.id),
            "every definition"
          )
          // The failing first, then the one with failed records.
          assert.deepStrictEqual(shown.slice(0, 2), ["erp:customers", "erp:items"])

          const row = (id: string) => table.locator(`tr[data-definition="${id}"]`)
          const text = (id: string) => step(async () => (await row(id).textContent()) ?? "")
          assert.include(yield* text("erp:customers"), "failing")
          assert.include(yield* text("erp:customers"), "failed")
          const itemsText = yield* text("erp:items")
          assert.include(itemsText, "failed records")
          assert.include(itemsText, "succeeded")
          const failedCount = itemsRuns.find((run) => run.definitionId === null)?.counts.failed ?? 0
          assert.include(itemsText, `${failedCount.toLocaleString("en-US")} failed`)
          assert.strictEqual(
            yield* step(() => row("erp:items").getByTestId("rows-24h").textContent()),
            itemsFetched.toLocaleString("en-US")
          )
          assert.strictEqual(
            yield* step(() => row("erp:items").getByTestId("next-run").locator("time").getAttribute("datetime")),
            itemsNext
          )
          assert.strictEqual(
            yield* step(() => row("items-slim").getByTestId("next-run").locator("time").getAttribute("datetime")),
            slimNext
          )
          assert.include(yield* text("items-slim"), "never")
          assert.strictEqual(yield* step(() => row("erp:orders").getByTestId("next-run").textContent()), "disabled")
          // The alert firing, with its rule and summary.
          const alerts = page.locator("ul.alerts li")
          yield* step(() => alerts.first().waitFor())
          assert.strictEqual(yield* step(() => alerts.count()), 1)
          const alertText = (yield* step(() => alerts.first().textContent())) ?? ""
          assert.include(alertText, "consecutive_failures")
          assert.include(alertText, firing[0]?.summary ?? "no summary")
          // Every source is the fake, which answers its health probe.
          const health = yield* step(() => table.locator("tbody tr td:nth-child(3)").allTextContents())
          assert.isTrue(
            health.every((status) => status === "ok"),
            health.join()
          )
          const connector = page.locator('li[data-connector="erp"]')
          assert.include((yield* step(() => connector.textContent())) ?? "", "ok")
          assert.include((yield* step(() => connector.textContent())) ?? "", "1 failing")

          // From the overview to the failed records of items.
          assert.deepStrictEqual(unexpectedProblems(yield* screenshot(tab, "overview")), [])
          yield* step(() =>
            row("erp:items")
              .getByRole("link", { name: /failed$/ })
              .click()
          )
          yield* step(() => page.getByRole("table", { name: "Failed records" }).locator("tbody tr").first().waitFor())
          assert.include(page.url(), "entity=items")
          assert.strictEqual(
            yield* step(() => page.getByRole("table", { name: "Failed records" }).locator("tbody tr").count()),
            failedCount
          )
        }),
      browserTestTimeout
    )
  }
)
