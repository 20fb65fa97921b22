/**
 * The connectors pages in a real browser against a real server and the fake ERP: a connector created
 * through the form generated from the adapter's JSON Schemas (its secret stored, never shown back),
 * its connection tested, its entities discovered (the table lists what the fake serves), and an
 * entity's schedule changed to a cron whose next five times are the server's own. Every page is
 * screenshotted and has no console problem.
 */
import { assert, layer } from "@effect/vitest"
import { FakeErp } from "@syncflow/apismith/testing"
import { Effect, Layer, Redacted } from "effect"
import { Browser, browserTestTimeout, screenshot, step, unexpectedProblems } from "./support/browser.ts"
import { call, dashboardServerLayer } from "./support/e2eServer.ts"
import { signIn } from "./support/signIn.ts"

const cron = "30 6 * * 1-5"

layer(Layer.mergeAll(dashboardServerLayer, Browser.layer), { timeout: 120_000, excludeTestServices: true })(
  "the connectors pages",
  (it) => {
    it.effect(
      "a connector created through the form is tested, discovered, and an entity's schedule changed",
      () =>
        Effect.gen(function* () {
          const fake = yield* FakeErp.make({ seed: 21, rows: { items: 40, customers: 10, orders: 10 } })
          const secret = Redacted.value(fake.secret)
          const browser = yield* Browser
          const tab = yield* browser.openPage()
          const { page } = tab
          yield* signIn(tab, "/connectors")
          yield* step(() => page.getByRole("heading", { name: "Connectors", level: 1 }).waitFor())
          yield* step(() => page.getByText("No connector").first().waitFor())
          assert.deepStrictEqual(unexpectedProblems(yield* screenshot(tab, "connectors-empty")), [])

          // 1. The form, generated from the apismith adapter's schemas.
          yield* step(() => page.getByRole("link", { name: "New connector" }).click())
          yield* step(() => page.getByRole("heading", { name: "New connector" }).waitFor())
          const adapter = page.getByLabel("Adapter")
          const apismith = yield* step(() =>
            adapter
              .locator("option")
              .evaluateAll((options) =>
                options.flatMap((option) =>
                  option instanceof HTMLOptionElement && option.textContent?.includes("(apismith)")
                    ? [option.value]
                    : []
                )
              )
          )
          assert.deepStrictEqual(apismith, ["apismith"])
          yield* step(() => adapter.selectOption("apismith"))
          // Submitting empty: the form names what is missing, nothing is created.
          yield* step(() => page.getByRole("button", { name: "Create connector" }).click())
          yield* step(() => page.locator("#name-problem").waitFor())
          assert.strictEqual(yield* step(() => page.getByLabel("Name (required)").getAttribute("aria-invalid")), "true")
          assert.deepStrictEqual((yield* call("GET", "/api/v1/connectors")).body, [])

          yield* step(() => page.getByLabel("Name (required)").fill("The ERP"))
          yield* step(() => page.getByLabel("Id", { exact: true }).fill("erp"))
          yield* step(() => page.locator('input[name="config.baseUrl"]').fill(fake.baseUrl))
          const kind = page.locator('select[name="credentials.type"]')
          if ((yield* step(() => kind.count())) > 0) {
            const serviceJwt = yield* step(() =>
              kind
                .locator("option")
                .evaluateAll((options) =>
                  options.flatMap((option) =>
                    option instanceof HTMLOptionElement && option.textContent === "serviceJwt" ? [option.value] : []
                  )
                )
            )
            assert.strictEqual(serviceJwt.length, 1, "a serviceJwt credential kind")
            yield* step(() => kind.selectOption(serviceJwt[0] ?? ""))
          }
          const secretInput = page.locator('input[name="credentials.secret"]')
          assert.strictEqual(yield* step(() => secretInput.getAttribute("type")), "password")
          yield* step(() => secretInput.fill(secret))
          assert.deepStrictEqual(unexpectedProblems(yield* screenshot(tab, "connector-new")), [])
          yield* step(() => page.getByRole("button", { name: "Create connector" }).click())
          yield* step(() => page.getByRole("heading", { name: "The ERP", level: 1 }).waitFor())
          assert.match(page.url(), /\/connectors\/erp$/)

          // Stored as typed; the secret is never sent back, nor on the page.
          const stored = yield* call("GET", "/api/v1/connectors/erp")
          assert.strictEqual(stored.status, 200)
          assert.deepInclude(stored.body, { id: "erp", adapter: "apismith", name: "The ERP", hasCredentials: true })
          assert.notInclude(JSON.stringify(stored.body), secret)
          assert.notInclude(yield* step(() => page.content()), secret)
          yield* step(() => page.getByText("credentials stored").waitFor())

          // 2. Test the connection.
          yield* step(() => page.getByRole("button", { name: "Test connection" }).click())
          yield* step(() => page.getByText(/^Connected:/).waitFor())

          // 3. Discover: the table lists every entity the fake serves, each new.
          yield* step(() => page.getByRole("button", { name: "Discover entities" }).click())
          yield* step(() => page.getByText(/^Discovered \d+ entit/).waitFor())
          const listed = yield* call("GET", "/api/v1/connectors/erp/entities")
          assert.strictEqual(listed.status, 200)
          const names = (listed.body as ReadonlyArray<{ readonly entity: string }>).map((entity) => entity.entity)
          assert.includeMembers(names, ["items", "customers", "orders"])
          const entities = page.getByRole("table", { name: "Entities" })
          // The table is refetched after the discovery: wait for its last row before reading it.
          const entityRows = entities.locator("tbody th[scope=row]")
          yield* step(() => entityRows.nth(names.length - 1).waitFor())
          const rowNames = yield* step(() => entityRows.allTextContents())
          assert.deepStrictEqual([...rowNames].sort(), [...names].sort())
          const newBadges = yield* step(() => entities.locator(".badge.new").count())
          assert.strictEqual(newBadges, names.length, "every entity is new at the first discovery")
          assert.deepStrictEqual(unexpectedProblems(yield* screenshot(tab, "connector-discovered")), [])

          // 4. items' schedule: a cron on weekdays; the next five times shown are the server's.
          yield* step(() => entities.getByRole("button", { name: "items", exact: true }).click())
          const schedule = page.getByRole("form", { name: "Schedule of items" })
          yield* step(() => schedule.getByLabel("Cron (UTC)").check())
          yield* step(() => schedule.getByLabel(/^Cron expression/).fill(cron))
          const expected = yield* call("GET", `/api/v1/schedules/next-runs?cron=${encodeURIComponent(cron)}&count=5`)
          assert.strictEqual(expected.status, 200)
          const nextRuns = (expected.body as { readonly nextRuns: ReadonlyArray<string> }).nextRuns
          assert.strictEqual(nextRuns.length, 5)
          const shown = schedule.getByTestId("next-runs").locator("time")
          yield* step(() => shown.nth(4).waitFor())
          assert.deepStrictEqual(
            yield* step(() => shown.evaluateAll((times) => times.map((time) => time.getAttribute("datetime")))),
            [...nextRuns]
          )
          // A cron the server cannot read is named as such, with no times.
          yield* step(() => schedule.getByLabel(/^Cron expression/).fill("61 * * * *"))
          yield* step(() => schedule.locator("p.error").waitFor())
          assert.strictEqual(yield* step(() => shown.count()), 0)
          yield* step(() => schedule.getByLabel(/^Cron expression/).fill(cron))
          yield* step(() => shown.nth(4).waitFor())
          yield* step(() => schedule.getByRole("button", { name: "Save schedule" }).click())
          yield* step(() => schedule.getByRole("status").getByText("Saved").waitFor())
          const items = yield* call("GET", "/api/v1/connectors/erp/entities/items")
          assert.deepInclude((items.body as { readonly settings: object }).settings, { cron })
          yield* step(() => entities.getByText(`cron ${cron} (UTC)`).waitFor())
          assert.deepStrictEqual(unexpectedProblems(yield* screenshot(tab, "connector-schedule")), [])

          // The list shows the new connector.
          yield* step(() => page.getByRole("link", { name: "Connectors", exact: true }).first().click())
          yield* step(() => page.getByRole("link", { name: "The ERP" }).waitFor())
          assert.deepStrictEqual(unexpectedProblems(yield* screenshot(tab, "connectors")), [])
        }),
      browserTestTimeout
    )
  }
)
