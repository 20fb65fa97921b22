/**
 * Pages fetched four at a time (`fetchConcurrency`), with a real process SIGKILLed mid-listing:
 * the syncer (`fixtures/tableSyncer.ts`) commits its first windows while later pages are in flight,
 * dies, and the sync resumed here (also four pages at a time) ends with the table equal to the ERP's
 * ground truth, every row inserted once: the concurrent pages leave windows and checkpoints as one
 * page at a time does.
 */
import { spawn } from "node:child_process"
import { fileURLToPath } from "node:url"
import { assert, layer } from "@effect/vitest"
import { PgTest } from "@syncflow/testing-pg"
import { Clock, Duration, Effect, Option, Redacted } from "effect"
import { SqlClient } from "effect/sql"
import { TestClock } from "effect/testing"
import { SyncEngine } from "../../src/pipeline/SyncEngine.ts"
import { CheckpointStore } from "../../src/state/CheckpointStore.ts"
import { ConnectorStore } from "../../src/state/ConnectorStore.ts"
import { defaultLeaseTtl } from "../../src/state/EntityLeases.ts"
import { waitFor } from "../workflow/processes.ts"
import { apiSmithStages, engineLayer, expectedIdentities, fakeErp, storedIdentities } from "./fixtures.ts"

const syncer = fileURLToPath(new URL("./fixtures/tableSyncer.ts", import.meta.url))

layer(engineLayer, { timeout: 120_000 })("pages fetched concurrently, the syncer killed mid-listing", (it) => {
  it.effect(
    "resumes exactly: the table equals the ERP's ground truth, every row inserted once",
    () =>
      Effect.gen(function* () {
        const { fake, adapter, manifests, manifest } = yield* fakeErp({ seed: 23, rows: { items: 1500 } })
        const items = manifest("items")
        yield* (yield* ConnectorStore).createConnector({ id: "erp", adapter: "apismith", name: "ERP" })
        const databaseUrl = Redacted.value(yield* PgTest.databaseUrl)
        // Every data request waits until it is let go: the first 12 pages (3 windows) are, the rest
        // wait while the syncer commits those windows, and it is killed with pages 13-16 in flight.
        yield* fake.faults.holdNext(1_000_000)
        const child = yield* Effect.acquireRelease(
          Effect.sync(() =>
            spawn(process.execPath, [syncer], {
              env: {
                ...process.env,
                DATABASE_URL: databaseUrl,
                ERP_URL: fake.baseUrl,
                CONNECTOR: "erp",
                ENTITY: "items",
                PAGE_SIZE: "50",
                WINDOW_ROWS: "200",
                FETCH_CONCURRENCY: "4"
              },
              stdio: ["ignore", "pipe", "pipe"]
            })
          ),
          (child) => Effect.sync(() => child.kill("SIGKILL"))
        )
        let output = ""
        child.stdout?.on("data", (chunk: Buffer) => {
          output += chunk.toString()
        })
        child.stderr?.on("data", (chunk: Buffer) => {
          output += chunk.toString()
        })
        const asked: Array<string> = []
        for (let i = 0; i < 12; i++) {
          const held = yield* fake.faults.nextHeldRequest
          asked.push(held.request.url.searchParams.get("page") ?? "?")
          yield* held.release
        }
        // Pages are asked for before the ones before them arrive.
        assert.deepStrictEqual(asked.slice(0, 4).sort(), ["1", "2", "3", "4"])
        const checkpointStore = yield* CheckpointStore
        yield* waitFor(
          "the syncer to commit its third window",
          checkpointStore
            .getCheckpoint("erp", "items")
            .pipe(
              Effect.map((saved) =>
                Option.filter(saved, (c) => c.cursor?._tag === "PageNumber" && c.cursor.page === 13)
              )
            ),
          { timeout: "100 seconds", context: () => output }
        )
        child.kill("SIGKILL")
        yield* Effect.callback<void>((resume) => {
          if (child.exitCode !== null || child.signalCode !== null) resume(Effect.void)
          else child.once("exit", () => resume(Effect.void))
        })
        // Exactly the three committed windows are in the table, whatever pages were in flight.
        const sql = yield* SqlClient.SqlClient
        const [committed] = yield* sql.unsafe<{ readonly n: number }>(`SELECT count(*)::int AS n FROM erp.items`)
        assert.strictEqual(committed?.n, 600)

        // Whatever waits from now on (the dead syncer's requests, the resumed sync's) is let go.
        yield* Effect.forkScoped(Effect.forever(Effect.flatMap(fake.faults.nextHeldRequest, (held) => held.release)))
        // The dead process's lease lapses (nobody renews it): the resumed sync reads the time past its expiry.
        const clock = yield* TestClock.make()
        yield* clock.setTime(Date.now() + Duration.toMillis(defaultLeaseTtl) + 1000)
        const resumed = yield* (yield* SyncEngine)
          .syncEntity({
            connectorId: "erp",
            adapter,
            manifest: items,
            manifests,
            stages: apiSmithStages,
            pageSize: 50,
            windowRows: 200,
            fetchConcurrency: 4
          })
          .pipe(Effect.provideService(Clock.Clock, clock))
        assert.isTrue(resumed.resumed)
        // Counted over both processes: every row inserted once, nothing updated or re-inserted.
        assert.deepInclude(resumed.counts, { inserted: 1500, updated: 0, failed: 0 })
        assert.deepStrictEqual(yield* storedIdentities("items"), yield* expectedIdentities(fake, items))
      }).pipe(Effect.scoped, TestClock.withLive),
    120_000
  )
})
