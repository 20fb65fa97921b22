/**
 * `syncflow runs show|cancel` and `failed discard` as a user runs them (real child processes, the file's
 * test database, the fake ERP on loopback): each command's answer, its `--json`, and bad input as
 * one `syncflow: ...` line with exit code 1.
 */
import { assert, layer } from "@effect/vitest"
import { FakeErp } from "@syncflow/apismith/testing"
import { ConnectorStore, FailedRecordStore, RunStore, SecretBox, StateStores } from "@syncflow/sync-engine"
import { PgTest } from "@syncflow/testing-pg"
import { Effect, Layer, Option, Schema } from "effect"
import { SqlClient } from "effect/sql"
import { RunView } from "../src/api/Views.ts"
import { addErpConnector } from "./cliConnector.ts"
import { type CliResult, cliEnv, jsonOutput, ok, spawningTimeout, syncflow } from "./cliProcess.ts"
import { secretKey } from "./fixtures.ts"

/** A failed command: exit code 1 and a `syncflow: ...` line on stderr including `text`, no stack trace. */
const failsWith = (result: CliResult, text: string) => {
  assert.strictEqual(result.code, 1, result.stdout)
  const message = result.stderr.split("\n").find((line) => line.startsWith("syncflow: "))
  assert.isDefined(message, result.stderr)
  assert.include(message, text)
  assert.notMatch(result.stderr, /^\s+at /m, "no stack trace")
}

const stateStores = StateStores.layer.pipe(Layer.provide(SecretBox.layer({ key: secretKey })))

const Report = Schema.Struct({
  entities: Schema.Array(Schema.Struct({ entity: Schema.String, runId: Schema.String }))
})

layer(PgTest.layer, { timeout: spawningTimeout, excludeTestServices: true })("syncflow runs, failed", (it) => {
  it.effect(
    "runs show: a run with its counts; failed discard: the record is gone; unknown ids named",
    () =>
      Effect.gen(function* () {
        const fake = yield* FakeErp.make({ seed: 23, rows: { items: 60, customers: 5, orders: 5 } })
        const env = yield* cliEnv
        ok(yield* addErpConnector(env, fake, "erp"))
        const synced = yield* syncflow(["sync", "erp", "items", "--json"], env)
        const report = jsonOutput(Report)(ok(synced))
        const runId = report.entities[0]!.runId
        // With --json, the progress on stderr is the run's events as JSON lines, ending with its end.
        assert.include(synced.stderr, `{"_tag":"RunFinished","runId":"${runId}","connectorId":"erp","entity":"items"`)

        const run = jsonOutput(RunView)(ok(yield* syncflow(["runs", "show", runId, "--json"], env)))
        assert.deepInclude(run, { id: runId, status: "succeeded", entity: "items", error: null })
        assert.strictEqual(run.counts.fetched, fake.groundTruth.count("items"))
        assert.strictEqual(run.counts.inserted, fake.groundTruth.count("items"))
        assert.match(
          ok(yield* syncflow(["runs", "show", runId], env)),
          new RegExp(`^${runId}\\s+succeeded\\s+erp/items`, "m")
        )
        failsWith(yield* syncflow(["runs", "show", "nope"], env), "No run nope")

        // A record whose write failed waits in the dead-letter queue; discarding it removes it.
        const id = yield* Effect.gen(function* () {
          const failedRecordStore = yield* FailedRecordStore
          yield* failedRecordStore.recordFailedRecords([
            { connectorId: "erp", entity: "items", stage: "ingest", errorType: "DestinationError", message: "gone" }
          ])
          const [record] = yield* failedRecordStore.listFailedRecords({ connectorId: "erp" })
          return record!.id
        }).pipe(Effect.provide(stateStores))
        failsWith(yield* syncflow(["failed", "discard", id, "999999"], env), "No failed record 999999")
        assert.include(ok(yield* syncflow(["failed", "discard", id, "--json"], env)), '{"discarded":1}')
        const left = yield* Effect.flatMap(FailedRecordStore, (failedRecordStore) =>
          failedRecordStore.getFailedRecord(id)
        ).pipe(Effect.provide(stateStores))
        assert.isTrue(Option.isNone(left))
      }).pipe(Effect.scoped),
    spawningTimeout * 2
  )

  it.effect(
    "runs cancel: a running run is asked to stop (from this other process); an ended one cannot be",
    () =>
      Effect.gen(function* () {
        const env = yield* cliEnv
        // A run that another process (say, the server) is running.
        const run = yield* Effect.gen(function* () {
          const connectorStore = yield* ConnectorStore
          const runStore = yield* RunStore
          yield* connectorStore.createConnector({ id: "held", adapter: "apismith", name: "Held" })
          return yield* runStore.startRun({ connectorId: "held", entity: "items", mode: "incremental" })
        }).pipe(Effect.provide(stateStores))
        const asked = ok(yield* syncflow(["runs", "cancel", run.id], env))
        assert.include(asked, `Cancel requested: run ${run.id} (held/items) stops at its next window boundary`)
        const requested = yield* Effect.flatMap(
          SqlClient.SqlClient,
          (sql) =>
            sql<{ readonly asked: boolean }>`
            SELECT cancel_requested_at IS NOT NULL AS asked FROM syncflow.sync_runs WHERE id = ${run.id}::uuid`
        )
        assert.deepStrictEqual(requested, [{ asked: true }])

        // Once it has ended (as the sync ends it at its window boundary), there is nothing to cancel.
        yield* Effect.flatMap(RunStore, (runStore) => runStore.finishRun(run.id, { status: "cancelled" })).pipe(
          Effect.provide(stateStores)
        )
        failsWith(yield* syncflow(["runs", "cancel", run.id], env), "is not running (it is cancelled)")
        failsWith(yield* syncflow(["runs", "cancel", "00000000-0000-4000-8000-000000000000"], env), "No run")
      }),
    spawningTimeout * 2
  )
})
