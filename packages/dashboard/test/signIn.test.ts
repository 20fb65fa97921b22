/**
 * Signing in to the dashboard in a real browser against a real server: a wrong key is refused with
 * a clear message and nothing is kept; the admin key opens the overview, lasts across reloads of
 * the tab (sessionStorage, never localStorage) and is forgotten on sign-out.
 */
import { assert, layer } from "@effect/vitest"
import { Effect, Layer } from "effect"
import { Browser, browserTestTimeout, screenshot, step, unexpectedProblems } from "./support/browser.ts"
import { dashboardServerLayer } from "./support/e2eServer.ts"
import { signIn } from "./support/signIn.ts"

layer(Layer.mergeAll(dashboardServerLayer, Browser.layer), { timeout: 120_000, excludeTestServices: true })(
  "signing in",
  (it) => {
    it.effect(
      "a wrong key is refused with a clear message; the admin key is kept for the session only",
      () =>
        Effect.gen(function* () {
          const browser = yield* Browser
          const tab = yield* browser.openPage()
          const { page } = tab

          yield* signIn(tab, "/runs", "not-the-key")
          const refusal = yield* step(() => page.getByRole("alert").textContent())
          assert.include(refusal ?? "", "The server refused this API key")
          assert.strictEqual(yield* step(() => page.evaluate(() => sessionStorage.length)), 0)
          assert.deepStrictEqual(
            unexpectedProblems(yield* screenshot(tab, "sign-in-refused"), [/status of 401/]),
            [],
            "only the refused request's 401 in the console"
          )

          yield* signIn(tab, "/")
          yield* step(() => page.getByRole("heading", { name: "Overview" }).waitFor())
          assert.strictEqual(yield* step(() => page.evaluate(() => localStorage.length)), 0)
          assert.strictEqual(yield* step(() => page.evaluate(() => sessionStorage.length)), 1)

          // A reload keeps the session; a client route is served the page.
          yield* step(() => page.goto(new URL("/runs", page.url()).href))
          yield* step(() => page.getByRole("heading", { name: "Runs", level: 1 }).waitFor())

          yield* step(() => page.getByRole("button", { name: "Sign out" }).click())
          yield* step(() => page.getByLabel("Admin API key").waitFor())
          assert.strictEqual(yield* step(() => page.evaluate(() => sessionStorage.length)), 0)
          assert.deepStrictEqual(unexpectedProblems(yield* screenshot(tab, "sign-in"), [/status of 401/]), [])
        }),
      browserTestTimeout
    )
  }
)
