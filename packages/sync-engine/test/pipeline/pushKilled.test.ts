/**
 * Exactly-once by protocol, with a real process: a pusher (`fixtures/pusher.ts`) is SIGKILLed after
 * ScheduleHub applied a batch and before the engine recorded it in the ledger (its window's
 * transaction never commits). The sync resumed here re-reads that window, finds the records already
 * in ScheduleHub by business-key hash and the batch's idempotency key, and ends with ScheduleHub's
 * records equal to the ERP's ground truth, with no duplicate.
 */
import { spawn } from "node:child_process"
import { fileURLToPath } from "node:url"
import { assert, layer } from "@effect/vitest"
import { PgTest } from "@syncflow/testing-pg"
import { Clock, Duration, Effect, Option, Redacted } from "effect"
import { SqlClient } from "effect/sql"
import { TestClock } from "effect/testing"
import { SyncEngine } from "../../src/pipeline/SyncEngine.ts"
import { ConnectorStore } from "../../src/state/ConnectorStore.ts"
import { defaultLeaseTtl } from "../../src/state/EntityLeases.ts"
import { waitFor } from "../workflow/processes.ts"
import { apiSmithStages, engineLayer, expectedIdentities, fakeErp } from "./fixtures.ts"
import { fakeScheduleHub, hubIdentities, scheduleHubSink } from "./scheduleHubFixtures.ts"

const pusher = fileURLToPath(new URL("./fixtures/pusher.ts", import.meta.url))

layer(engineLayer, { timeout: 120_000 })("a push killed between its write and its ledger commit", (it) => {
  it.effect(
    "resumes without a duplicate: ScheduleHub's records equal the ERP's ground truth",
    () =>
      Effect.gen(function* () {
        const { fake, adapter, manifests, manifest } = yield* fakeErp({ seed: 41, rows: { items: 600 } })
        const { hub, writer } = yield* fakeScheduleHub()
        const connectorStore = yield* ConnectorStore
        yield* connectorStore.createConnector({ id: "push-kill", adapter: "apismith", name: "push-kill" })
        const databaseUrl = Redacted.value(yield* PgTest.databaseUrl)

        // The pusher writes windows of 100 items; after ScheduleHub answered its third batch it hangs.
        const child = yield* Effect.acquireRelease(
          Effect.sync(() =>
            spawn(process.execPath, [pusher], {
              env: {
                ...process.env,
                DATABASE_URL: databaseUrl,
                ERP_URL: fake.baseUrl,
                HUB_URL: hub.baseUrl,
                CONNECTOR: "push-kill",
                ENTITY: "items",
                WINDOW_ROWS: "100",
                HANG_AFTER_BATCHES: "3"
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
        yield* waitFor(
          "the pusher to have written its third batch",
          Effect.sync(() => (output.includes("written 3") ? Option.some(true) : Option.none())),
          { timeout: "100 seconds", context: () => output }
        )
        child.kill("SIGKILL")
        yield* Effect.callback<void>((resume) => {
          if (child.exitCode !== null || child.signalCode !== null) resume(Effect.void)
          else child.once("exit", () => resume(Effect.void))
        })
        // Three windows are in ScheduleHub, two of them recorded in the ledger and the checkpoint.
        assert.strictEqual((yield* hubIdentities(hub, "items")).count, 300)
        const sql = yield* SqlClient.SqlClient
        const ledger = yield* sql<{ readonly n: number }>`
          SELECT count(*)::int AS n FROM syncflow.row_ledger WHERE sync_id = 'push-kill->schedulehub/items'`
        assert.strictEqual(ledger[0]?.n, 200)

        const sink = yield* scheduleHubSink("push-kill", writer, hub.entities, manifest("items"), manifests)
        // The dead process's lease lapses (nobody renews it): the resumed sync reads the time past its expiry.
        const clock = yield* TestClock.make()
        yield* clock.setTime(Date.now() + Duration.toMillis(defaultLeaseTtl) + 1000)
        const summary = yield* (yield* SyncEngine)
          .syncEntity({
            connectorId: "push-kill",
            adapter,
            manifest: manifest("items"),
            manifests,
            stages: apiSmithStages,
            sink,
            windowRows: 100,
            pageSize: 100
          })
          .pipe(Effect.provideService(Clock.Clock, clock))
        assert.isTrue(summary.resumed)
        const expected = yield* expectedIdentities(fake, manifest("items"))
        const actual = yield* hubIdentities(hub, "items")
        assert.strictEqual(actual.count, expected.size)
        const sorted = (map: ReadonlyMap<string, string>) => [...map].sort(([a], [b]) => a.localeCompare(b))
        assert.deepStrictEqual(sorted(actual.identities), sorted(expected))
      }).pipe(Effect.scoped, TestClock.withLive),
    120_000
  )
})
