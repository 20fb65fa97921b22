/**
 * A real headless Chromium for the dashboard's tests: Debian's `chromium` (never a browser download)
 * driven by `playwright-core`, with a fresh profile, no network of its own (no sync, no component
 * updates, no QUIC), every console error or warning and every uncaught page error recorded, and
 * screenshots written to the repository's `docs/screenshots/` (the README shows them).
 */
import { mkdirSync, mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { Context, Effect, Layer } from "effect"
import { type BrowserContext, chromium, type Page } from "playwright-core"

/** How long one browser test may take: a real server and browser on a busy two-core machine. */
export const browserTestTimeout = 240_000

/** Where Debian's `chromium` package installs the browser (`.ci/run` installs it when absent). */
export const chromiumPath = "/usr/bin/chromium"

/** The flags the tests launch Chromium with (root needs `--no-sandbox`). */
export const chromiumArgs = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync"
]

/** Where the screenshots go: `docs/screenshots/` at the repository's root. */
export const screenshotsDir = fileURLToPath(new URL("../../../../docs/screenshots", import.meta.url))

/** A laptop's viewport, and a phone's. */
export const viewports = { laptop: { width: 1280, height: 800 }, phone: { width: 390, height: 844 } } as const

/** A page and what its console said. */
export interface TestPage {
  readonly page: Page
  /** Console errors and warnings and uncaught errors, in order. */
  readonly problems: Array<string>
}

/** The browser of a test file: one context (fresh profile), a new page per `openPage`. */
export class Browser extends Context.Service<
  Browser,
  {
    readonly context: BrowserContext
    readonly openPage: (viewport?: keyof typeof viewports) => Effect.Effect<TestPage>
  }
>()("dashboard-test/Browser") {
  /** Chromium for the test file, closed (and its profile removed) at the end. */
  static readonly layer = Layer.effect(
    Browser,
    Effect.gen(function* () {
      const profile = mkdtempSync(join(tmpdir(), "syncflow-chromium-"))
      const context = yield* Effect.acquireRelease(
        Effect.promise(() =>
          chromium.launchPersistentContext(profile, {
            executablePath: chromiumPath,
            headless: true,
            args: chromiumArgs,
            viewport: viewports.laptop
          })
        ),
        (context) =>
          Effect.promise(async () => {
            await context.close()
            rmSync(profile, { recursive: true, force: true })
          })
      )
      const openPage = (viewport: keyof typeof viewports = "laptop") =>
        Effect.promise(async () => {
          const page = await context.newPage()
          await page.setViewportSize(viewports[viewport])
          const problems: Array<string> = []
          page.on("console", (message) => {
            if (message.type() === "error" || message.type() === "warning")
              problems.push(`${message.type()}: ${message.text()} (${message.location().url})`)
          })
          page.on("pageerror", (error) => problems.push(`uncaught: ${error.message}`))
          return { page, problems }
        })
      return Browser.of({ context, openPage })
    })
  )
}

/** Runs a step of a test in the page (a Playwright promise) as an effect. */
export const step = <A>(run: () => Promise<A>): Effect.Effect<A> => Effect.promise(run)

/**
 * Writes the page's screenshot to `docs/screenshots/<name>.png` and returns the console problems
 * recorded so far, for the test to check (usually: none).
 */
export const screenshot = (testPage: TestPage, name: string) =>
  Effect.promise(async () => {
    mkdirSync(screenshotsDir, { recursive: true })
    await testPage.page.screenshot({ path: join(screenshotsDir, `${name}.png`), fullPage: true })
    return [...testPage.problems]
  })

/** The console problems not matched by any of `expected` (e.g. the 401 of a refused key). */
export const unexpectedProblems = (problems: ReadonlyArray<string>, expected: ReadonlyArray<RegExp> = []) =>
  problems.filter((problem) => !expected.some((pattern) => pattern.test(problem)))
