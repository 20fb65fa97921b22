/**
 * `syncflow sync` and the entity lease, as a user runs it (real child processes, the fake ERP on
 * loopback): while another sync holds an entity's lease, the command is refused with one line that
 * names the holder and exit code 75, and syncs nothing; once the lease is gone it syncs, and the
 * table equals the fake's ground truth. With `--wait` it waits for the lease instead, then syncs.
 */
import { assert, layer } from "@effect/vitest"
import { FakeErp } from "@syncflow/apismith/testing"
import { PgTest } from "@syncflow/testing-pg"
import { Effect, Schedule } from "effect"
import { SqlClient } from "effect/sql"
import { entityBusyExitCode } from "../src/cli/CliFailure.ts"
import { addErpConnector } from "./cliConnector.ts"
import { cliEnv, spawningTimeout, spawnSyncflow, syncflow } from "./cliProcess.ts"
import { liveRows } from "./liveRows.ts"

/** `holder` holds the entity's lease for the next hour, as a running sync elsewhere would. */
const holdLease = (connector: string, entity: string, holder: string) =>
  Effect.flatMap(
    SqlClient.SqlClient,
    (sql) => sql`INSERT INTO syncflow.entity_leases (connector_id, entity, holder, acquired_at, renewed_at, expires_at)
      VALUES (${connector}, ${entity}, ${holder}, now(), now(), now() + interval '1 hour')`
  )

layer(PgTest.layer, { timeout: 120_000, excludeTestServices: true })("syncflow sync and the entity lease", (it) => {
  it.effect(
    "is refused with exit code 75 while another sync holds the entity, and syncs once it is free",
    () =>
      Effect.gen(function* () {
        const fake = yield* FakeErp.make({ seed: 13, rows: { items: 300, customers: 10, orders: 10 } })
        const env = yield* cliEnv
        const added = yield* addErpConnector(env, fake, "erp", "ERP")
        assert.strictEqual(added.code, 0, added.stderr)

        // The server's workflow holds the entity (as if its scheduled sync were running).
        const sql = yield* SqlClient.SqlClient
        yield* holdLease("erp", "items", "workflow SyncEntity/test")
        const refused = yield* syncflow(["sync", "erp", "items"], env)
        assert.strictEqual(refused.code, entityBusyExitCode)
        assert.strictEqual(refused.code, 75)
        const lines = refused.stderr.trim().split("\n")
        assert.strictEqual(lines.length, 1, refused.stderr)
        assert.match(
          lines[0] ?? "",
          /^syncflow: Sync refused: erp\/items is already being synced by workflow SyncEntity\/test/
        )
        assert.strictEqual(refused.stdout, "")
        assert.strictEqual(yield* liveRows("erp", "items"), 0)
        const [runs] = yield* sql<{ readonly n: number }>`SELECT count(*)::int AS n FROM syncflow.sync_runs`
        assert.strictEqual(runs?.n, 0)

        // Free again: the sync runs, and the table equals the truth.
        yield* sql`DELETE FROM syncflow.entity_leases`
        const synced = yield* syncflow(["sync", "erp", "items"], env)
        assert.strictEqual(synced.code, 0, synced.stderr)
        assert.strictEqual(fake.groundTruth.count("items"), 300)
        assert.strictEqual(yield* liveRows("erp", "items"), 300)
        const [lease] = yield* sql<{ readonly n: number }>`SELECT count(*)::int AS n FROM syncflow.entity_leases`
        assert.strictEqual(lease?.n, 0)
      }).pipe(Effect.scoped),
    spawningTimeout
  )

  it.effect(
    "with --wait, waits while another sync holds the entity, then syncs",
    () =>
      Effect.gen(function* () {
        const fake = yield* FakeErp.make({ seed: 14, rows: { items: 250, customers: 10, orders: 10 } })
        const env = yield* cliEnv
        const added = yield* addErpConnector(env, fake, "erpw", "ERP W")
        assert.strictEqual(added.code, 0, added.stderr)
        const sql = yield* SqlClient.SqlClient
        yield* holdLease("erpw", "items", "workflow SyncEntity/other")

        // It waits (and says whom for) instead of exiting.
        const child = yield* spawnSyncflow(["sync", "erpw", "items", "--wait"], env)
        let stderr = ""
        child.stderr.on("data", (chunk: Buffer) => {
          stderr += chunk.toString()
        })
        const exited = Effect.callback<number | null>((resume) => {
          if (child.exitCode !== null) return resume(Effect.succeed(child.exitCode))
          child.once("exit", (code) => resume(Effect.succeed(code)))
        })
        yield* Effect.sync(() => stderr.includes("waiting for the entity's lease")).pipe(
          Effect.repeat({ until: (waiting) => waiting, schedule: Schedule.spaced("100 millis") }),
          Effect.timeoutOrElse({
            duration: "60 seconds",
            orElse: () => Effect.fail(new Error(`never waited:\n${stderr}`))
          })
        )
        assert.include(stderr, "workflow SyncEntity/other")
        assert.strictEqual(child.exitCode, null)
        assert.strictEqual(yield* liveRows("erpw", "items"), 0)

        // The other sync ends: it syncs, and the table equals the truth.
        yield* sql`DELETE FROM syncflow.entity_leases WHERE connector_id = 'erpw'`
        assert.strictEqual(yield* exited, 0, stderr)
        assert.strictEqual(fake.groundTruth.count("items"), 250)
        assert.strictEqual(yield* liveRows("erpw", "items"), 250)
      }).pipe(Effect.scoped),
    spawningTimeout
  )
})
