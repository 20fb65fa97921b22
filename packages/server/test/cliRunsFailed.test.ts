/**
 * `syncflow runs show` and `failed discard` as a user runs them (real child processes, the file's
 * test database, the fake ERP on loopback): each command's answer, its `--json`, and bad input as
 * one `syncflow: ...` line with exit code 1.
 */
import { assert, layer } from "@effect/vitest"
import { FakeErp } from "@syncflow/apismith/testing"
import { SecretBox, StateStore } from "@syncflow/sync-engine"
import { PgTest } from "@syncflow/testing-pg"
import { Effect, Layer, Option, Schema } from "effect"
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

const stateStore = StateStore.layer.pipe(Layer.provide(SecretBox.layer({ key: secretKey })))

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
        const report = jsonOutput(Report)(ok(yield* syncflow(["sync", "erp", "items", "--json"], env)))
        const runId = report.entities[0]!.runId

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
          const state = yield* StateStore
          yield* state.recordFailedRecords([
            { connectorId: "erp", entity: "items", stage: "ingest", errorType: "DestinationError", message: "gone" }
          ])
          const [record] = yield* state.listFailedRecords({ connectorId: "erp" })
          return record!.id
        }).pipe(Effect.provide(stateStore))
        failsWith(yield* syncflow(["failed", "discard", id, "999999"], env), "No failed record 999999")
        assert.include(ok(yield* syncflow(["failed", "discard", id, "--json"], env)), '{"discarded":1}')
        const left = yield* Effect.flatMap(StateStore, (state) => state.getFailedRecord(id)).pipe(
          Effect.provide(stateStore)
        )
        assert.isTrue(Option.isNone(left))
      }).pipe(Effect.scoped),
    spawningTimeout * 2
  )
})
