/**
 * `syncflow alerts` and `syncflow entities set --alerts` as a user runs them (real child processes,
 * the file's test database): the alerts the evaluator recorded, as text and `--json`, filtered by
 * state; an entity's own thresholds set from the command line (bad JSON and a bad threshold refused
 * with one line), after which the evaluator resolves the alert.
 */
import { assert, layer } from "@effect/vitest"
import { AlertEvaluator, AlertStore, StateMigrations } from "@syncflow/sync-engine"
import { PgTest } from "@syncflow/testing-pg"
import { Effect, Schema } from "effect"
import { SqlClient } from "effect/sql"
import { AlertView, EntityView } from "../src/api/Views.ts"
import { cliEnv, jsonOutput, ok, spawningTimeout, syncflow } from "./cliProcess.ts"

const evaluate = AlertEvaluator.evaluate().pipe(Effect.provide(AlertStore.layer))

layer(PgTest.layer, { timeout: spawningTimeout, excludeTestServices: true })("syncflow alerts", (it) => {
  it.effect(
    "lists the alerts; entities set --alerts changes an entity's thresholds",
    () =>
      Effect.gen(function* () {
        const sql = yield* SqlClient.SqlClient
        yield* StateMigrations.migrate
        yield* sql`INSERT INTO syncflow.connectors (id, adapter, name, created_at, updated_at)
                 VALUES ('erp', 'apismith', 'ERP', now(), now())`
        yield* sql`INSERT INTO syncflow.entities (connector_id, entity, manifest, discovered_at)
                 VALUES ('erp', 'items', ${JSON.stringify({
                   entity: "items",
                   endpoint: "items.list",
                   businessKey: ["id"],
                   deltaStrategy: "hash",
                   parents: []
                 })}::jsonb, now())`
        yield* sql`INSERT INTO syncflow.sync_runs (id, connector_id, entity, mode, status, started_at, finished_at)
                 VALUES ('00000000-0000-4000-8000-000000000001', 'erp', 'items', 'incremental', 'succeeded',
                   now() - interval '1 minute', now())`
        yield* sql`INSERT INTO syncflow.sync_runs (id, connector_id, entity, mode, status, started_at)
                 VALUES ('00000000-0000-4000-8000-000000000002', 'erp', 'items', 'incremental', 'running',
                   now() - interval '2 hours')`
        const env = yield* cliEnv
        assert.strictEqual(ok(yield* syncflow(["alerts"], env)).trim(), "No alerts")
        assert.deepInclude(yield* evaluate, { firing: 1 })

        const alerts = jsonOutput(Schema.Array(AlertView))(ok(yield* syncflow(["alerts", "--json"], env)))
        assert.deepStrictEqual(
          alerts.map((alert) => [alert.rule, alert.state, alert.connectorId, alert.entity]),
          [["long_run", "firing", "erp", "items"]]
        )
        assert.match(
          ok(yield* syncflow(["alerts", "--state", "firing"], env)),
          /^\S+ {2}firing {3}long_run\s+erp\/items {2}erp\/items: run 00000000-0000-4000-8000-000000000002 has been running for 120 minutes$/m
        )
        assert.strictEqual(ok(yield* syncflow(["alerts", "--state", "resolved"], env)).trim(), "No alerts")

        const notJson = yield* syncflow(["entities", "set", "erp", "items", "--alerts", "{longRun"], env)
        assert.strictEqual(notJson.code, 1)
        assert.include(notJson.stderr, "syncflow: Invalid settings: --alerts is not JSON")
        const bad = yield* syncflow(["entities", "set", "erp", "items", "--alerts", '{"longRunMinutes":-1}'], env)
        assert.strictEqual(bad.code, 1)
        assert.include(bad.stderr, "longRunMinutes")
        const set = yield* syncflow(
          ["entities", "set", "erp", "items", "--alerts", '{"longRunMinutes":180,"failedRecords":null}', "--json"],
          env
        )
        assert.deepStrictEqual(jsonOutput(EntityView)(ok(set)).settings.alerts, {
          longRunMinutes: 180,
          failedRecords: null
        })
        assert.deepInclude(yield* evaluate, { firing: 0 })
        const resolved = jsonOutput(Schema.Array(AlertView))(
          ok(yield* syncflow(["alerts", "--state", "resolved", "--json"], env))
        )
        assert.deepStrictEqual(
          resolved.map((alert) => [alert.rule, alert.state]),
          [["long_run", "resolved"]]
        )
      }),
    spawningTimeout * 2
  )
})
