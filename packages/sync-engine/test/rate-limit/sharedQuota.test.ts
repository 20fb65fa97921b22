/**
 * Shared quota: two processes syncing from the same upstream through one rate-limit budget never
 * exceed it together, with the PostgreSQL store and with Effect's Redis store. Each process reports
 * when every one of its requests left (same machine, same clock); together they are counted per window.
 */
import { assert, layer } from "@effect/vitest"
import { Effect } from "effect"
import { ConnectorStore } from "../../src/state/ConnectorStore.ts"
import { engineLayer, fakeErp } from "../pipeline/fixtures.ts"
import { ready, spawnRunner } from "../workflow/processes.ts"

const limit = 20
const windowMillis = 1000
const burst = 2

/** The most requests that arrived within any `windowMillis`. */
const busiestWindow = (arrivals: ReadonlyArray<number>): number => {
  const sorted = [...arrivals].sort((a, b) => a - b)
  let most = 0
  let start = 0
  for (let end = 0; end < sorted.length; end++) {
    while ((sorted[end] ?? 0) - (sorted[start] ?? 0) >= windowMillis) start++
    most = Math.max(most, end - start + 1)
  }
  return most
}

/** The request times a quota process printed. */
const sentTimes = (output: string): ReadonlyArray<number> => {
  const line = output.split("\n").find((l) => l.startsWith("sent "))
  const parsed: unknown = JSON.parse(line?.slice(5) ?? "[]")
  return Array.isArray(parsed) ? parsed.filter((t): t is number => typeof t === "number") : []
}

const syncTwice = (store: "postgres" | "redis") =>
  Effect.gen(function* () {
    const { fake } = yield* fakeErp({ seed: 31, rows: { items: 1000, customers: 1000 } })
    const env = {
      ROLE: "quota",
      ERP_URL: fake.baseUrl,
      PAGE_SIZE: "25",
      RATE_LIMIT: `${limit}/${windowMillis}/${burst}`,
      RATE_LIMIT_PREFIX: `test-${store}-${process.pid}-${Date.now()}:`,
      REDIS_URL: store === "redis" ? (process.env.REDIS_URL ?? "redis://127.0.0.1:6379") : ""
    }
    const one = yield* spawnRunner({ ...env, ENTITY: "items", RUNNER_NAME: "one" })
    const two = yield* spawnRunner({ ...env, ENTITY: "customers", RUNNER_NAME: "two" })
    yield* ready(one)
    yield* ready(two)
    const codes = yield* Effect.all([one.exited, two.exited], { concurrency: 2 })
    assert.deepStrictEqual(codes, [0, 0], `${one.output()}\n${two.output()}`)
    assert.include(one.output(), "done 1000", `${store}: ${one.output().slice(0, 3000)}`)
    assert.include(two.output(), "done 1000")
    return [one, two].flatMap((runner) => sentTimes(runner.output()))
  })

layer(engineLayer, { timeout: 120_000, excludeTestServices: true })("a rate limit shared by two processes", (it) => {
  it.effect(
    "holds with the PostgreSQL store and with the Redis store",
    () =>
      Effect.gen(function* () {
        const connectorStore = yield* ConnectorStore
        yield* connectorStore.createConnector({ id: "erp", adapter: "apismith", name: "ERP" })
        for (const store of ["postgres", "redis"] as const) {
          const arrivals = yield* syncTwice(store).pipe(Effect.scoped)
          // 40 pages per process and the discovery requests: enough to run into the budget many times.
          assert.isAtLeast(arrivals.length, 80, store)
          // The token bucket lets `burst` go at once, then `limit` per window: never more in any window
          // (one more for a window that starts exactly on a refill).
          assert.isAtMost(busiestWindow(arrivals), limit + burst + 1, store)
        }
      }),
    120_000
  )
})
