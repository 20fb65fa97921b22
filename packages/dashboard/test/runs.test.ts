/**
 * The runs pages in a real browser against a real server and the fake ERP: a sync followed live
 * until its progress bar reaches 100 %, another cancelled from its card (the fake holds its pages so
 * the cancel lands between its windows, no sleeping), the history filtered by status with each
 * stage's counts, and a run's detail. Every page is screenshotted and has no console problem.
 */
import { assert, layer } from "@effect/vitest"
import { Effect, Layer } from "effect"
import { Browser, browserTestTimeout, screenshot, step, unexpectedProblems } from "./support/browser.ts"
import { call, dashboardServerLayer, erpConnector } from "./support/e2eServer.ts"
import { signIn } from "./support/signIn.ts"

layer(Layer.mergeAll(dashboardServerLayer, Browser.layer), { timeout: 120_000, excludeTestServices: true })(
  "the runs pages",
  (it) => {
    it.effect(
      "a sync reaches 100 %, another is cancelled, the history and a run's detail show them",
      () =>
        Effect.gen(function* () {
          // Two windows of 10,000 records (the workflows' window) of 1,000-record pages.
          const fake = yield* erpConnector({ rows: { items: 12_000 } })
          const browser = yield* Browser
          const tab = yield* browser.openPage()
          const { page } = tab
          yield* signIn(tab, "/")
          yield* step(() => page.getByRole("heading", { name: "Overview" }).waitFor())

          // 1. A sync whose first page waits until its card is on the page, then runs to its end.
          yield* fake.faults.holdNext(1)
          assert.strictEqual((yield* call("POST", "/api/v1/connectors/erp/entities/items/sync")).status, 202)
          const firstPage = yield* fake.faults.nextHeldRequest
          yield* step(() => page.getByRole("link", { name: "Runs" }).click())
          const card = page.locator("article.live-run")
          yield* step(() => card.first().waitFor())
          yield* firstPage.release
          yield* step(() => card.getByText("succeeded").waitFor({ timeout: 120_000 }))
          assert.strictEqual(yield* step(() => card.getByTestId("percent").textContent()), "100 %")
          assert.strictEqual(yield* step(() => card.locator("progress").getAttribute("value")), "100")
          assert.include((yield* step(() => card.textContent())) ?? "", "12,000")
          assert.deepStrictEqual(unexpectedProblems(yield* screenshot(tab, "runs-live")), [])

          // 2. A full refresh cancelled from its card once its first window has committed.
          yield* fake.faults.holdNext(11)
          assert.strictEqual((yield* call("POST", "/api/v1/connectors/erp/entities/items/full-refresh")).status, 202)
          const held = yield* fake.faults.nextHeldRequest
          yield* step(() => page.getByRole("button", { name: "Refresh live runs" }).click())
          const cancellable = page.locator("article.live-run", {
            has: page.getByRole("button", { name: "Cancel run" })
          })
          yield* step(() => cancellable.waitFor())
          const runId = yield* step(() => cancellable.getAttribute("data-run-id"))
          const running = page.locator(`article.live-run[data-run-id="${runId}"]`)
          yield* held.release
          for (let pageNo = 2; pageNo <= 10; pageNo++)
            yield* Effect.flatMap(fake.faults.nextHeldRequest, (h) => h.release)
          const secondWindow = yield* fake.faults.nextHeldRequest
          yield* step(() => running.getByText("10,000").waitFor({ timeout: 120_000 }))
          yield* step(() => running.getByRole("button", { name: "Cancel run" }).click())
          yield* step(() => running.getByText("Cancelling at the next window…").waitFor())
          yield* secondWindow.release
          yield* step(() => running.getByText("cancelled").waitFor({ timeout: 120_000 }))

          // 3. The history, filtered by status, with each stage's counts.
          yield* step(() => page.getByLabel("Status").selectOption("cancelled"))
          yield* step(() => page.getByRole("button", { name: "Filter" }).click())
          yield* step(() => page.waitForURL(/status=cancelled/))
          const rows = page.locator("table tbody tr")
          yield* step(() => rows.first().getByText("cancelled").waitFor())
          assert.strictEqual(yield* step(() => rows.count()), 1)
          assert.include((yield* step(() => rows.first().textContent())) ?? "", "10,000")
          yield* step(() => page.getByRole("button", { name: "Clear" }).click())
          yield* step(() => page.locator("table tbody tr").nth(1).waitFor())
          assert.deepStrictEqual(unexpectedProblems(yield* screenshot(tab, "runs")), [])

          // 4. A run's detail: its stages and errors.
          yield* step(() => page.locator("table tbody tr").first().getByRole("link").click())
          yield* step(() => page.getByRole("heading", { name: "Stages" }).waitFor())
          assert.include((yield* step(() => page.locator("main").textContent())) ?? "", "cancelled")
          assert.deepStrictEqual(unexpectedProblems(yield* screenshot(tab, "run-detail")), [])
        }),
      browserTestTimeout
    )
  }
)
