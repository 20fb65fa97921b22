/**
 * The runs chart in a real browser against a real server and the fake ERP: the first load does not
 * carry the charting library (its chunk is fetched when the runs page shows the chart); the chart
 * plots every ended run of the entity (its table the same numbers); no console problem.
 */
import { assert, layer } from "@effect/vitest"
import { FakeErp } from "@syncflow/apismith/testing"
import { Effect, Layer } from "effect"
import { Browser, browserTestTimeout, screenshot, step, unexpectedProblems } from "./support/browser.ts"
import { call, dashboardServerLayer } from "./support/e2eServer.ts"
import { signIn } from "./support/signIn.ts"
import { createErpConnector, syncEntity } from "./support/syncs.ts"

interface Run {
  readonly status: string
  readonly durationMs: number | null
  readonly counts: { readonly fetched: number }
}

layer(Layer.mergeAll(dashboardServerLayer, Browser.layer), { timeout: 120_000, excludeTestServices: true })(
  "the runs chart",
  (it) => {
    it.effect(
      "is loaded only when shown and plots every ended run of the entity",
      () =>
        Effect.gen(function* () {
          const fake = yield* FakeErp.make({ seed: 22, rows: { items: 2_000, customers: 50, orders: 50 } })
          yield* createErpConnector("erp", fake)
          yield* syncEntity("erp", "items")
          yield* fake.mutate("items", { update: 300, insert: 100 })
          yield* syncEntity("erp", "items")
          yield* syncEntity("erp", "customers")
          const runs = (yield* call("GET", "/api/v1/runs?connector=erp&entity=items&limit=100"))
            .body as ReadonlyArray<Run>
          const ended = runs.filter((run) => run.status !== "running" && (run.durationMs ?? 0) > 0)
          assert.strictEqual(ended.length, 2)

          const browser = yield* Browser
          const tab = yield* browser.openPage()
          const { page } = tab
          const scripts: Array<string> = []
          page.on("request", (request) => {
            if (request.resourceType() === "script") scripts.push(new URL(request.url()).pathname)
          })
          yield* signIn(tab, "/")
          yield* step(() => page.getByRole("table", { name: "Sync definitions" }).waitFor())
          assert.isFalse(
            scripts.some((path) => path.includes("RunsChart")),
            scripts.join()
          )

          yield* step(() => page.getByRole("link", { name: "Runs", exact: true }).click())
          const chart = page.locator("figure.runs-chart")
          yield* step(() => chart.locator("canvas").first().waitFor())
          assert.isTrue(
            scripts.some((path) => path.includes("RunsChart")),
            scripts.join()
          )
          // The newest run's entity is charted first: customers; then items is chosen.
          assert.strictEqual(yield* step(() => chart.getAttribute("data-points")), "1")
          yield* step(() => page.getByLabel("Entity charted").selectOption("erp/items"))
          yield* step(() => page.locator('figure.runs-chart[data-points="2"] canvas').first().waitFor())
          yield* step(() => chart.getByText("As a table").click())
          const cells = yield* step(() =>
            chart
              .getByRole("table", { name: "Runs of erp/items" })
              .locator("tbody tr td:nth-child(2)")
              .allTextContents()
          )
          const expected = [...ended]
            .reverse()
            .map((run) =>
              (Math.round((run.counts.fetched / ((run.durationMs ?? 1) / 1000)) * 10) / 10).toLocaleString("en-US")
            )
          assert.deepStrictEqual(cells, expected)
          assert.deepStrictEqual(unexpectedProblems(yield* screenshot(tab, "runs-chart")), [])
        }),
      browserTestTimeout
    )
  }
)
