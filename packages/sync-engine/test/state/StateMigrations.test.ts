/**
 * The `syncflow` migrations: they create the schema `syncflow`, apply each migration exactly once
 * even when two processes start at once, and do nothing when run again.
 */
import { PgClient } from "@effect/sql-pg"
import { assert, layer } from "@effect/vitest"
import { PgTest } from "@syncflow/testing-pg"
import { Effect, Layer } from "effect"
import { SqlClient } from "effect/sql"
import { migrate, migrations } from "../../src/state/StateMigrations.ts"

layer(PgTest.layer)("StateMigrations", (it) => {
  it.effect("two processes migrating at once apply each migration once; running again does nothing", () =>
    Effect.gen(function* () {
      const sql = yield* SqlClient.SqlClient
      const url = yield* PgTest.databaseUrl
      // A second process: its own client and pool on the same database.
      const otherProcess = migrate.pipe(Effect.provide(Layer.fresh(PgClient.layer({ url, maxConnections: 1 }))))
      const [first, second] = yield* Effect.all([migrate, otherProcess], { concurrency: 2 })
      const ids = migrations.map((migration) => migration.id)
      assert.deepStrictEqual(
        [...first, ...second].sort((a, b) => a - b),
        ids
      )

      const recorded = yield* sql<{ readonly id: number }>`SELECT id FROM syncflow.schema_migrations ORDER BY id`
      assert.deepStrictEqual(
        recorded.map((row) => row.id),
        ids
      )
      assert.deepStrictEqual(yield* migrate, [])
      assert.deepStrictEqual(yield* otherProcess, [])

      const tables = yield* sql<{ readonly name: string }>`
        SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'syncflow'
        ORDER BY table_name COLLATE "C"`
      assert.deepStrictEqual(
        tables.map((row) => row.name),
        [
          "alert_deliveries",
          "alerts",
          "checkpoints",
          "connectors",
          "destination_seen",
          "entities",
          "entity_leases",
          "entity_metrics",
          "entity_tables",
          "etl_aggregate_inputs",
          "execution_runs",
          "failed_records",
          "field_mappings",
          "pending_children",
          "rate_limits",
          "row_ledger",
          "row_ledger_seen",
          "run_notification_targets",
          "run_notifications",
          "schedule_fires",
          "schema_migrations",
          "sync_definitions",
          "sync_runs",
          "tokens",
          "two_way_changes",
          "two_way_conflicts",
          "two_way_cursors",
          "two_way_records",
          "workflow_triggers"
        ]
      )
    })
  )

  it.effect("migration 4 keeps a connector whose tables are in public (the old layout) writing there", () =>
    Effect.gen(function* () {
      const sql = yield* SqlClient.SqlClient
      yield* migrate
      // The database as it was before migration 4: connectors, their entities, and public.<entity> tables.
      yield* sql`DROP TABLE syncflow.entity_tables`
      yield* sql`ALTER TABLE syncflow.connectors DROP COLUMN target_schema`
      yield* sql`ALTER TABLE syncflow.entities DROP COLUMN target_table`
      yield* sql`DELETE FROM syncflow.schema_migrations WHERE id = 4`
      for (const id of ["old", "fresh", "foreign"]) {
        yield* sql`INSERT INTO syncflow.connectors (id, adapter, name, created_at, updated_at)
          VALUES (${id}, 'apismith', ${id}, now(), now())`
      }
      yield* sql`INSERT INTO syncflow.entities (connector_id, entity, manifest, discovered_at) VALUES
        ('old', 'legacy_items', '{}', now()), ('fresh', 'never_synced', '{}', now()), ('foreign', 'their_table', '{}', now())`
      yield* sql`CREATE TABLE public.legacy_items (_id bigint, code text, _bk_hash text NOT NULL, _data_hash text)`
      yield* sql`CREATE TABLE public.their_table (id int)`

      assert.deepStrictEqual(yield* migrate, [4])
      const targets = yield* sql<{ readonly id: string; readonly schema: string | null }>`
        SELECT id, target_schema AS schema FROM syncflow.connectors ORDER BY id`
      assert.deepStrictEqual(
        targets.map((row) => [row.id, row.schema]),
        [
          ["foreign", null],
          ["fresh", null],
          ["old", "public"]
        ]
      )
    })
  )

  it.effect("migration 16 adopts the tables services created themselves before, keeping their rows", () =>
    Effect.gen(function* () {
      const sql = yield* SqlClient.SqlClient
      yield* migrate
      // The database as a WorkflowTriggers of an early version left it: its first shapes, a trigger in use.
      yield* sql`DROP TABLE syncflow.workflow_triggers`
      yield* sql`DROP TABLE syncflow.schedule_fires`
      yield* sql`DELETE FROM syncflow.schema_migrations WHERE id = 16`
      yield* sql`CREATE TABLE syncflow.workflow_triggers (key text PRIMARY KEY, seq bigint NOT NULL DEFAULT 0,
        last_slot bigint, fired_at timestamptz, updated_at timestamptz NOT NULL DEFAULT now())`
      yield* sql`CREATE TABLE syncflow.schedule_fires (key text NOT NULL, slot bigint NOT NULL, fired_by text NOT NULL,
        fired_at timestamptz NOT NULL DEFAULT now(), PRIMARY KEY (key, slot))`
      yield* sql`INSERT INTO syncflow.workflow_triggers (key, seq) VALUES ('c:items', 7)`

      assert.deepStrictEqual(yield* migrate, [16])
      const [trigger] = yield* sql<{ readonly seq: string; readonly rerun: boolean; readonly mode: string | null }>`
        SELECT seq::text AS seq, rerun, mode FROM syncflow.workflow_triggers WHERE key = 'c:items'`
      assert.deepStrictEqual(trigger, { seq: "7", rerun: false, mode: null })
      const fireColumns = yield* sql<{ readonly name: string }>`
        SELECT column_name AS name FROM information_schema.columns
        WHERE table_schema = 'syncflow' AND table_name = 'schedule_fires' ORDER BY column_name`
      assert.deepStrictEqual(
        fireColumns.map((row) => row.name),
        ["fired_at", "fired_by", "key", "mode", "slot"]
      )
    })
  )
})
