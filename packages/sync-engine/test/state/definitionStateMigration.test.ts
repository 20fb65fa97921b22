/**
 * Migration 17: a database where sync definitions kept their state under the composite entity
 * `<entity>@<definition id>` ends with that state under the source entity and `definition_id`, the
 * default syncs' state untouched (an entity whose own name has an `@` too), and the stores read each
 * apart.
 */
import { assert, layer } from "@effect/vitest"
import { PgTest } from "@syncflow/testing-pg"
import { Effect, Option } from "effect"
import { SqlClient } from "effect/sql"
import { CheckpointStore } from "../../src/state/CheckpointStore.ts"
import { FailedRecordStore } from "../../src/state/FailedRecordStore.ts"
import { PendingChildStore } from "../../src/state/PendingChildStore.ts"
import { RunStore } from "../../src/state/RunStore.ts"
import { migrate, migrations } from "../../src/state/StateMigrations.ts"

const defaultRun = "00000000-0000-4000-8000-000000000001"
const definitionRun = "00000000-0000-4000-8000-000000000002"
const oddRun = "00000000-0000-4000-8000-000000000003"

/** The database as migrations 1 to 16 left it. */
const migrateBefore17 = Effect.gen(function* () {
  const sql = (yield* SqlClient.SqlClient).withoutTransforms()
  yield* sql.unsafe("DROP SCHEMA IF EXISTS syncflow CASCADE")
  yield* sql.unsafe("CREATE SCHEMA syncflow")
  yield* sql.unsafe(
    "CREATE TABLE syncflow.schema_migrations (id integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())"
  )
  for (const migration of migrations.filter((m) => m.id < 17)) {
    for (const statement of migration.statements) yield* sql.unsafe(statement)
    yield* sql.unsafe("INSERT INTO syncflow.schema_migrations (id, name) VALUES ($1, $2)", [
      migration.id,
      migration.name
    ])
  }
})

layer(PgTest.layer)("migration 17 (definition state)", (it) => {
  it.effect("moves `<entity>@<id>` rows to the entity and definition_id; the stores keep them apart", () =>
    Effect.gen(function* () {
      const sql = yield* SqlClient.SqlClient
      yield* migrateBefore17
      yield* sql`INSERT INTO syncflow.connectors (id, adapter, name, created_at, updated_at)
        VALUES ('erp', 'apismith', 'erp', now(), now())`
      yield* sql`INSERT INTO syncflow.entities (connector_id, entity, manifest, discovered_at)
        VALUES ('erp', 'items', '{}', now()), ('erp', 'odd@name', '{}', now())`
      // The default sync of items, definition `slim`'s state (as `items@slim`), and an entity named with an `@`.
      yield* sql`INSERT INTO syncflow.sync_runs (id, connector_id, entity, mode, started_at) VALUES
        (${defaultRun}::uuid, 'erp', 'items', 'incremental', now() - interval '2 minutes'),
        (${definitionRun}::uuid, 'erp', 'items@slim', 'incremental', now() - interval '1 minute'),
        (${oddRun}::uuid, 'erp', 'odd@name', 'incremental', now())`
      yield* sql`INSERT INTO syncflow.checkpoints (connector_id, entity, row_version, run_id, updated_at) VALUES
        ('erp', 'items', '10', ${defaultRun}::uuid, now()), ('erp', 'items@slim', '20', ${definitionRun}::uuid, now())`
      yield* sql`INSERT INTO syncflow.failed_records (run_id, connector_id, entity, stage, error_type, message, created_at)
        VALUES (${defaultRun}::uuid, 'erp', 'items', 'validate', 'Bad', 'default', now()),
               (${definitionRun}::uuid, 'erp', 'items@slim', 'ingest', 'Refused', 'definition', now())`
      yield* sql`INSERT INTO syncflow.pending_children (connector_id, entity, bk_hash, parent_entity, parent_bk_hash,
          row_data, next_attempt_at, created_at)
        VALUES ('erp', 'items', 'k1', 'groups', 'p1', '{}', now(), now()),
               ('erp', 'items@slim', 'k1', 'groups', 'p1', '{}', now(), now())`
      yield* sql`INSERT INTO syncflow.entity_leases (connector_id, entity, holder, acquired_at, renewed_at, expires_at)
        VALUES ('erp', 'items@slim', 'someone', now(), now(), now())`
      yield* sql`INSERT INTO syncflow.entity_tables (connector_id, entity, target_schema, target_table)
        VALUES ('erp', 'items', 'erp', 'items'), ('erp', 'items@slim', 'erp', 'slim_items')`
      yield* sql`INSERT INTO syncflow.execution_runs (execution_id, run_id, connector_id, entity, created_at)
        VALUES ('x1', ${definitionRun}::uuid, 'erp', 'items@slim', now())`

      assert.deepStrictEqual(
        yield* migrate,
        migrations.filter((m) => m.id >= 17).map((m) => m.id)
      )

      for (const table of [
        "sync_runs",
        "checkpoints",
        "failed_records",
        "pending_children",
        "entity_leases",
        "entity_tables",
        "execution_runs"
      ]) {
        const composite = yield* sql`SELECT 1 FROM ${sql(`syncflow.${table}`)} WHERE entity = 'items@slim'`
        assert.strictEqual(composite.length, 0, `${table}: no composite entity left`)
      }
      const leases = yield* sql<{ readonly entity: string; readonly definitionId: string | null }>`
        SELECT entity, definition_id AS "definitionId" FROM syncflow.entity_leases`
      assert.deepStrictEqual(leases, [{ entity: "items", definitionId: "slim" }])
      const tables = yield* sql<{ readonly table: string; readonly definitionId: string | null }>`
        SELECT target_table AS "table", definition_id AS "definitionId" FROM syncflow.entity_tables ORDER BY target_table`
      assert.deepStrictEqual(tables, [
        { table: "items", definitionId: null },
        { table: "slim_items", definitionId: "slim" }
      ])

      // The stores: the definition's state and the default sync's, each by its own key.
      const runs = yield* RunStore
      const definitionRuns = yield* runs.listRuns({ connectorId: "erp", entity: "items", definitionId: "slim" })
      assert.deepStrictEqual(
        definitionRuns.map((run) => [run.id, run.entity, Option.getOrNull(run.definitionId)]),
        [[definitionRun, "items", "slim"]]
      )
      const defaultRuns = yield* runs.listRuns({ connectorId: "erp" })
      assert.sameMembers(
        defaultRuns.map((run) => run.id),
        [defaultRun, oddRun]
      )
      assert.strictEqual(
        Option.getOrNull(defaultRuns.find((run) => run.id === oddRun)?.definitionId ?? Option.none()),
        null
      )
      const checkpoints = yield* CheckpointStore
      const slim = yield* checkpoints.getCheckpoint("erp", "items", "slim")
      assert.strictEqual(Option.getOrThrow(slim).rowVersion, "20")
      assert.strictEqual(Option.getOrThrow(yield* checkpoints.getCheckpoint("erp", "items")).rowVersion, "10")
      const failed = yield* FailedRecordStore
      assert.deepStrictEqual(
        (yield* failed.listFailedRecords({ connectorId: "erp", definitionId: "slim" })).map((r) => r.message),
        ["definition"]
      )
      assert.deepStrictEqual(
        (yield* failed.listFailedRecords({ connectorId: "erp" })).map((r) => r.message),
        ["default"]
      )
      const pending = yield* PendingChildStore
      assert.strictEqual((yield* pending.listPendingChildren({ connectorId: "erp", definitionId: "slim" })).length, 1)
      assert.strictEqual((yield* pending.listPendingChildren({ connectorId: "erp" })).length, 1)
      // The definition's key and the default sync's are distinct keys of one entity.
      yield* checkpoints.saveCheckpoint({ connectorId: "erp", entity: "items", definitionId: "slim", rowVersion: "21" })
      assert.strictEqual(Option.getOrThrow(yield* checkpoints.getCheckpoint("erp", "items")).rowVersion, "10")
      assert.strictEqual(Option.getOrThrow(yield* checkpoints.getCheckpoint("erp", "items", "slim")).rowVersion, "21")
    }).pipe(Effect.provide([RunStore.layer, CheckpointStore.layer, FailedRecordStore.layer, PendingChildStore.layer]))
  )
})
