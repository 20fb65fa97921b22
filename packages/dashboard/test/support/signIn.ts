/** Signing in to the dashboard as a user does: the admin key typed into the sign-in form. */
import { Effect } from "effect"
import type { TestPage } from "./browser.ts"
import { adminKey, dashboardUrl } from "./e2eServer.ts"

/** Opens `path` of the dashboard and signs in with `key` (the server's admin key by default). */
export const signIn = (testPage: TestPage, path = "/", key: string = adminKey) =>
  Effect.gen(function* () {
    const baseUrl = yield* dashboardUrl
    yield* Effect.promise(async () => {
      const { page } = testPage
      await page.goto(`${baseUrl}${path}`)
      await page.getByLabel("Admin API key").fill(key)
      await page.getByRole("button", { name: "Sign in" }).click()
    })
  })
