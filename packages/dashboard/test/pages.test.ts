/**
 * Every page of the dashboard on a laptop's screen and on a phone's, against a real server with a
 * synced connector and failed records: each page loads (its heading, nothing left loading, no
 * error), fits the phone's width (wide tables scroll inside their own box), is screenshotted as
 * `<page>-laptop.png` / `<page>-phone.png`, and has no console problem.
 */
import { assert, layer } from "@effect/vitest"
import { Effect, Layer } from "effect"
import { Browser, browserTestTimeout, screenshot, step, unexpectedProblems, viewports } from "./support/browser.ts"
import { call, dashboardServerLayer } from "./support/e2eServer.ts"
import { signIn } from "./support/signIn.ts"
import { erpWithFailedRecords } from "./support/syncs.ts"

layer(Layer.mergeAll(dashboardServerLayer, Browser.layer), { timeout: 120_000, excludeTestServices: true })(
  "every page",
  (it) => {
    it.effect(
      "loads, fits a laptop and a phone, and has no console problem",
      () =>
        Effect.gen(function* () {
          const { run } = yield* erpWithFailedRecords
          const failed = (yield* call("GET", "/api/v1/failed-records?limit=1")).body as ReadonlyArray<{
            readonly id: string
          }>
          const recordId = failed[0]?.id ?? ""
          const pages: ReadonlyArray<{
            readonly name: string
            readonly path: string
            readonly heading: string | RegExp
          }> = [
            { name: "overview", path: "/", heading: "Overview" },
            { name: "connectors", path: "/connectors", heading: "Connectors" },
            { name: "connector-new", path: "/connectors/new", heading: "New connector" },
            { name: "connector", path: "/connectors/erp", heading: "erp" },
            { name: "runs", path: "/runs", heading: "Runs" },
            { name: "run-detail", path: `/runs/${run.id}`, heading: /^Run$/ },
            { name: "failed-records", path: "/failed", heading: "Failed records" },
            { name: "failed-record", path: `/failed/records/${recordId}`, heading: `Failed record #${recordId}` },
            { name: "pending-children", path: "/failed/pending", heading: "Failed records" },
            { name: "not-found", path: "/no-such-page", heading: /not found/i }
          ]
          const browser = yield* Browser
          for (const viewport of ["laptop", "phone"] as const) {
            const tab = yield* browser.openPage(viewport)
            const { page } = tab
            yield* signIn(tab, "/")
            yield* step(() => page.getByRole("heading", { name: "Overview", level: 1 }).waitFor())
            for (const { name, path, heading } of pages) {
              yield* step(() => page.goto(new URL(path, page.url()).href))
              yield* step(() => page.getByRole("heading", { name: heading, level: 1 }).waitFor())
              yield* step(() => page.waitForFunction(() => !document.body.textContent?.includes("Loading…")))
              assert.strictEqual(yield* step(() => page.locator("main [role=alert]").count()), 0, `${name}: no error`)
              const width = yield* step(() => page.evaluate(() => document.documentElement.scrollWidth))
              assert.isAtMost(width, viewports[viewport].width, `${name} fits the ${viewport}'s width`)
              assert.deepStrictEqual(
                unexpectedProblems(yield* screenshot(tab, `${name}-${viewport}`)),
                [],
                `${name} on a ${viewport}`
              )
            }
            yield* step(() => page.close())
          }
        }),
      browserTestTimeout
    )
  }
)
