/**
 * One orchestrator: `syncflow sync` runs the durable SyncConnector workflow, the one the API, the
 * scheduler and the webhooks trigger (real processes, the fake ERP on loopback). Without a server,
 * the command is a runner of its own and the workflow runs in its process; beside a running
 * `syncflow serve` on the same database, it only triggers: the server's runner runs the workflow
 * (its log has the run, the command's has none) and the command reports the outcome. Every table
 * equals the fake's ground truth.
 */
import { spawn } from "node:child_process"
import { assert, layer } from "@effect/vitest"
import { FakeErp } from "@syncflow/apismith/testing"
import { SyncCluster } from "@syncflow/sync-engine"
import { PgTest } from "@syncflow/testing-pg"
import { Duration, Effect, Schedule, Schema } from "effect"
import { SqlClient } from "effect/sql"
import { addErpConnector } from "./cliConnector.ts"
import { bin, cliEnv, jsonOutput, ok, spawningTimeout, syncflow } from "./cliProcess.ts"
import { apiKey } from "./fixtures.ts"
import { liveRows } from "./liveRows.ts"
import { exited, listening } from "./serverProcess.ts"

const Report = Schema.Struct({
  entities: Schema.Array(
    Schema.Struct({
      entity: Schema.String,
      runId: Schema.String,
      counts: Schema.Struct({
        fetched: Schema.Number,
        inserted: Schema.Number,
        updated: Schema.Number,
        deleted: Schema.Number
      })
    })
  )
})
const decodeReport = jsonOutput(Report)

/** The workflow entity types (`Workflow/SyncEntity`, ...) whose executions carry the run. */
const workflowsOfRun = (runId: string) =>
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const rows = yield* sql<{ readonly entityType: string }>`
      SELECT DISTINCT m.entity_type AS "entityType"
        FROM syncflow.execution_runs e JOIN cluster_messages m ON m.entity_id = e.execution_id
       WHERE e.run_id = ${runId}::uuid AND m.tag = 'run'`
    return rows.map((row) => row.entityType).sort()
  })

/** Log lines of a process (JSON lines on stderr) that say a sync of `runId` started. */
const syncStarted = (stderr: string, runId: string) =>
  stderr.split("\n").filter((line) => line.includes('"sync started"') && line.includes(runId))

layer(PgTest.layer, { timeout: spawningTimeout * 3, excludeTestServices: true })("one orchestrator", (it) => {
  it.effect(
    "syncflow sync runs the SyncConnector workflow: in its own process alone, on the server's runner beside one",
    () =>
      Effect.gen(function* () {
        const fake = yield* FakeErp.make({ seed: 31, rows: { items: 400, customers: 20, orders: 25 } })
        const env = yield* cliEnv
        ok(yield* addErpConnector(env, fake, "erp", "ERP"))
        const sql = yield* SqlClient.SqlClient

        // No server: the command's own runner runs the workflow.
        assert.isFalse(yield* SyncCluster.runnerServes())
        const alone = yield* syncflow(["sync", "erp", "--json"], env)
        const first = decodeReport(ok(alone))
        assert.includeMembers(
          first.entities.map((entity) => entity.entity),
          ["items", "customers", "orders", "order_lines"]
        )
        for (const entity of first.entities) {
          const truth = fake.groundTruth.count(entity.entity)
          assert.strictEqual(entity.counts.inserted, truth, entity.entity)
          assert.strictEqual(yield* liveRows("erp", entity.entity), truth, entity.entity)
          assert.deepStrictEqual(
            yield* workflowsOfRun(entity.runId),
            ["Workflow/SyncConnector", "Workflow/SyncEntity"],
            entity.entity
          )
          assert.lengthOf(syncStarted(alone.stderr, entity.runId), 1, alone.stderr)
        }
        // Its runner left the cluster when it ended.
        const [runners] = yield* sql<{ readonly n: number }>`SELECT count(*)::int AS n FROM cluster_runners`
        assert.strictEqual(runners?.n, 0)

        // A server on the same database, its scheduler off: only the command asks for syncs.
        const serverEnv: NodeJS.ProcessEnv = { ...env, SYNCFLOW_API_KEY: apiKey, SYNCFLOW_SCHEDULER: "false" }
        const output: Array<string> = []
        const server = yield* Effect.acquireRelease(
          Effect.sync(() => spawn(process.execPath, [bin, "serve", "--port", "0"], { env: serverEnv })),
          (child) =>
            Effect.promise(() => {
              child.kill("SIGKILL")
              return exited(child)
            })
        )
        yield* Effect.promise(() => listening(server, output)).pipe(Effect.timeout(Duration.seconds(90)))
        yield* SyncCluster.runnerServes().pipe(
          Effect.repeat({ until: (served) => served, schedule: Schedule.spaced("200 millis") }),
          Effect.timeout(Duration.seconds(60))
        )

        // Upstream changes; the command triggers a full refresh, the server's runner syncs them.
        yield* fake.mutate("items", { insert: 7, update: 11, delete: 5 })
        const beside = yield* syncflow(["sync", "erp", "items", "--full-refresh", "--json"], env)
        const second = decodeReport(ok(beside))
        assert.deepStrictEqual(
          second.entities.map((entity) => entity.entity),
          ["items"]
        )
        const run = second.entities[0]!
        assert.deepInclude(run.counts, { inserted: 7, updated: 11, deleted: 5 })
        assert.strictEqual(yield* liveRows("erp", "items"), fake.groundTruth.count("items"))
        assert.deepStrictEqual(yield* workflowsOfRun(run.runId), ["Workflow/SyncConnector", "Workflow/SyncEntity"])
        assert.lengthOf(syncStarted(output.join(""), run.runId), 1, output.join(""))
        assert.lengthOf(syncStarted(beside.stderr, run.runId), 0, beside.stderr)
        // The command was no runner: only the server's is registered.
        const [registered] = yield* sql<{ readonly n: number }>`SELECT count(*)::int AS n FROM cluster_runners`
        assert.strictEqual(registered?.n, 1)
      }).pipe(Effect.scoped),
    spawningTimeout * 3
  )
})
