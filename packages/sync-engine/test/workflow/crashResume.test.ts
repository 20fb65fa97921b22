/**
 * Crash-resume: a 100,000-row sync in a child process is killed (SIGKILL) mid-run; a new process
 * resumes the workflow by itself, the windows already committed are not read again, and the table
 * ends equal to the fake ERP's ground truth.
 */
import { assert, layer } from "@effect/vitest"
import { Effect, Option } from "effect"
import { ConnectorStore } from "../../src/state/ConnectorStore.ts"
import { engineLayer, expectedIdentities, fakeErp, storedIdentities } from "../pipeline/fixtures.ts"
import { rowsOrEmpty, spawnRunner, waitFor } from "./processes.ts"

const rows = 100_000
const windowRows = 5_000

layer(engineLayer, { timeout: 240_000, excludeTestServices: true })("durable SyncEntity across a crash", (it) => {
  it.effect(
    "resumes after SIGKILL without re-running completed windows; the table equals the ground truth",
    () =>
      Effect.gen(function* () {
        const { fake, manifest } = yield* fakeErp({ seed: 11, rows: { items: rows } })
        const connectorStore = yield* ConnectorStore
        yield* connectorStore.createConnector({ id: "erp", adapter: "apismith", name: "ERP" })
        const env = { ERP_URL: fake.baseUrl, WINDOW_ROWS: String(windowRows), PAGE_SIZE: "1000" }

        const first = yield* spawnRunner({ ...env, ROLE: "single", RUNNER_NAME: "first", START_ENTITY: "erp/items" })
        // Kill it once a good part of the listing is committed.
        yield* waitFor(
          "30,000 committed rows",
          rowsOrEmpty<{ readonly n: number }>(`SELECT count(*)::int AS n FROM erp.items`).pipe(
            Effect.map((r) => Option.filter(Option.fromUndefinedOr(r[0]?.n), (n) => n >= 30_000))
          ),
          { timeout: "90 seconds", context: first.output }
        )
        yield* first.kill
        const [atKill] = yield* rowsOrEmpty<{ readonly n: number }>(`SELECT count(*)::int AS n FROM erp.items`)
        assert.isBelow(atKill?.n ?? 0, rows, "killed before the end")

        // The next process is not asked to sync: it resumes the workflow the dead one left.
        const second = yield* spawnRunner({ ...env, ROLE: "single", RUNNER_NAME: "second" })
        const run = yield* waitFor(
          "the run to succeed",
          rowsOrEmpty<{ readonly id: string; readonly status: string; readonly inserted: number }>(
            `SELECT id::text, status, inserted::int FROM syncflow.sync_runs WHERE entity = 'items'`
          ).pipe(Effect.map((r) => Option.filter(Option.fromUndefinedOr(r[0]), (x) => x.status === "succeeded"))),
          { timeout: "120 seconds", context: second.output }
        )

        // One run, every row inserted exactly once over both processes.
        const runs = yield* rowsOrEmpty<{ readonly n: number }>(
          `SELECT count(*)::int AS n FROM syncflow.sync_runs WHERE entity = 'items'`
        )
        assert.strictEqual(runs[0]?.n, 1)
        assert.strictEqual(run.inserted, rows)
        assert.deepStrictEqual(yield* storedIdentities("items"), yield* expectedIdentities(fake, manifest("items")))

        // Every window activity starts one listing at its cursor. Completed windows were not read again:
        // each cursor was listed once, except the one window that was in flight when the process died.
        const listings = yield* rowsOrEmpty<{ readonly runner: string; readonly cursor: string }>(
          `SELECT runner, cursor FROM test_listings WHERE entity = 'items' ORDER BY id`
        )
        const perCursor = new Map<string, number>()
        for (const listing of listings) perCursor.set(listing.cursor, (perCursor.get(listing.cursor) ?? 0) + 1)
        const repeated = [...perCursor.values()].filter((n) => n > 1)
        assert.isAtMost(repeated.length, 1, "at most the interrupted window is read twice")
        assert.isTrue(repeated.every((n) => n === 2))
        assert.strictEqual(perCursor.size, rows / windowRows, "one listing per window")
        const byFirst = listings.filter((l) => l.runner === "first").length
        const bySecond = listings.filter((l) => l.runner === "second").length
        assert.isAtLeast(byFirst, 30_000 / windowRows)
        assert.isAtLeast(bySecond, 1)
        assert.strictEqual(byFirst + bySecond, listings.length)
        // The second process only read what the first had not committed.
        assert.isAtMost(bySecond, rows / windowRows - Math.floor((atKill?.n ?? 0) / windowRows) + 1)
      }).pipe(Effect.scoped),
    180_000
  )
})
