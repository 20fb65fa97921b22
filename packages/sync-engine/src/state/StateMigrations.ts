/**
 * The schema `syncflow` of the state stores, as ordered migrations, and the runner that applies them.
 *
 * The runner applies every pending migration in ONE transaction that first takes the advisory lock
 * SyncFlow's DDL shares (`hashtextextended('syncflow:ddl', 0)`, see `destination/DdlLock.ts`), so
 * two processes starting at once apply each migration exactly once: the second waits for the
 * first, then finds nothing to do. Applied migrations are recorded in `syncflow.schema_migrations`.
 * A migration is a list of statements (the extended protocol runs one statement at a time) and is
 * never edited once released: changes go in a new migration.
 */
import { Effect } from "effect"
import { SqlClient, type SqlError } from "effect/sql"
import { definitionStateMigration } from "./migrations/0017_definition_state.ts"
import { alertsMigration } from "./migrations/0018_alerts.ts"
import { entityMetricsMigration } from "./migrations/0019_entity_metrics.ts"
import { runNotifications } from "./migrations/0020_run_notifications.ts"
import { definitionStateConsumersMigration } from "./migrations/0024_definition_state_consumers.ts"
import { twoWayMigration } from "./migrations/0025_two_way.ts"
import { fieldMappingsMigration } from "./migrations/0030_field_mappings.ts"
import { runTransformStatsMigration } from "./migrations/0031_run_transform_stats.ts"
import { etlPipelineMigration } from "./migrations/0033_etl_pipeline.ts"
import { etlAggregateInputsMigration } from "./migrations/0034_etl_aggregate_inputs.ts"
import { destinationSeenIdsMigration } from "./migrations/0035_destination_seen_ids.ts"

/** One migration: an id (its order), a name, and its statements. */
export interface Migration {
  readonly id: number
  readonly name: string
  readonly statements: ReadonlyArray<string>
}

const counts = ["fetched", "normalized", "validated", "mapped", "inserted", "updated", "unchanged", "deleted", "failed"]

/** The migrations, in order. */
export const migrations: ReadonlyArray<Migration> = [
  {
    id: 1,
    name: "state_store",
    statements: [
      `CREATE TABLE syncflow.connectors (
  id text PRIMARY KEY,
  adapter text NOT NULL,
  name text NOT NULL UNIQUE,
  config jsonb NOT NULL DEFAULT '{}'::jsonb,
  credentials bytea,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL
)`,
      `CREATE TABLE syncflow.entities (
  connector_id text NOT NULL REFERENCES syncflow.connectors (id) ON DELETE CASCADE,
  entity text NOT NULL,
  manifest jsonb NOT NULL,
  discovered_at timestamptz NOT NULL,
  PRIMARY KEY (connector_id, entity)
)`,
      `CREATE TABLE syncflow.sync_runs (
  id uuid PRIMARY KEY,
  connector_id text NOT NULL REFERENCES syncflow.connectors (id) ON DELETE CASCADE,
  entity text NOT NULL,
  mode text NOT NULL,
  status text NOT NULL DEFAULT 'running' CHECK (status IN ('running', 'succeeded', 'failed', 'cancelled')),
  started_at timestamptz NOT NULL,
  finished_at timestamptz,
  duration_ms bigint,
  ${counts.map((count) => `${count} bigint NOT NULL DEFAULT 0`).join(",\n  ")},
  error text
)`,
      "CREATE INDEX sync_runs_entity_idx ON syncflow.sync_runs (connector_id, entity, started_at DESC)",
      `CREATE TABLE syncflow.checkpoints (
  connector_id text NOT NULL REFERENCES syncflow.connectors (id) ON DELETE CASCADE,
  entity text NOT NULL,
  cursor jsonb,
  row_version text,
  run_id uuid REFERENCES syncflow.sync_runs (id) ON DELETE SET NULL,
  updated_at timestamptz NOT NULL,
  PRIMARY KEY (connector_id, entity)
)`,
      `CREATE TABLE syncflow.failed_records (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  run_id uuid REFERENCES syncflow.sync_runs (id) ON DELETE SET NULL,
  connector_id text NOT NULL REFERENCES syncflow.connectors (id) ON DELETE CASCADE,
  entity text NOT NULL,
  stage text NOT NULL,
  error_type text NOT NULL,
  message text NOT NULL,
  raw_data jsonb,
  normalized_data jsonb,
  mapped_data jsonb,
  business_key text,
  attempts integer NOT NULL DEFAULT 0,
  next_attempt_at timestamptz,
  created_at timestamptz NOT NULL,
  resolved_at timestamptz
)`,
      `CREATE INDEX failed_records_due_idx ON syncflow.failed_records (connector_id, entity, next_attempt_at)
  WHERE resolved_at IS NULL`,
      "CREATE INDEX failed_records_run_idx ON syncflow.failed_records (run_id)",
      `CREATE TABLE syncflow.pending_children (
  connector_id text NOT NULL REFERENCES syncflow.connectors (id) ON DELETE CASCADE,
  entity text NOT NULL,
  bk_hash text COLLATE "C" NOT NULL,
  parent_entity text NOT NULL,
  parent_bk_hash text COLLATE "C" NOT NULL,
  row_data jsonb NOT NULL,
  run_id uuid REFERENCES syncflow.sync_runs (id) ON DELETE SET NULL,
  attempts integer NOT NULL DEFAULT 0,
  next_attempt_at timestamptz NOT NULL,
  last_error text,
  created_at timestamptz NOT NULL,
  PRIMARY KEY (connector_id, entity, bk_hash)
)`,
      "CREATE INDEX pending_children_parent_idx ON syncflow.pending_children (connector_id, parent_entity, parent_bk_hash)",
      "CREATE INDEX pending_children_due_idx ON syncflow.pending_children (connector_id, entity, next_attempt_at)",
      `CREATE TABLE syncflow.tokens (
  connection_id text PRIMARY KEY,
  token_set bytea NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
)`
    ]
  },
  {
    id: 2,
    name: "checkpoint_listing",
    statements: [
      // The listing in progress: its run, mode, the lower bound it lists from, and the newest row
      // version it has committed so far, so a resumed listing keeps its filter and its high-water mark.
      `ALTER TABLE syncflow.checkpoints ADD COLUMN listing jsonb`
    ]
  },
  {
    id: 3,
    name: "entity_settings",
    statements: [
      // Whether and when each entity is synced, and in which mode scheduled syncs run.
      `ALTER TABLE syncflow.entities
  ADD COLUMN enabled boolean NOT NULL DEFAULT true,
  ADD COLUMN interval_seconds integer NOT NULL DEFAULT 300 CHECK (interval_seconds > 0),
  ADD COLUMN cron text,
  ADD COLUMN mode text NOT NULL DEFAULT 'incremental' CHECK (mode IN ('incremental', 'full-refresh', 'reconcile'))`
    ]
  },
  {
    id: 4,
    name: "table_targets",
    statements: [
      // Where a connector's tables go (NULL: a schema named after the connector's id) and an
      // entity's table (NULL: the entity's name).
      "ALTER TABLE syncflow.connectors ADD COLUMN target_schema text",
      "ALTER TABLE syncflow.entities ADD COLUMN target_table text",
      // Which connector's entity each table holds: a table is never written by two of them.
      `CREATE TABLE syncflow.entity_tables (
  connector_id text NOT NULL REFERENCES syncflow.connectors (id) ON DELETE CASCADE,
  entity text NOT NULL,
  target_schema text NOT NULL,
  target_table text NOT NULL,
  claimed_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (connector_id, entity),
  UNIQUE (target_schema, target_table)
)`,
      // Entity tables used to be public.<entity>: a connector that has such a table keeps using
      // public until its tables are moved (`syncflow connectors move-tables`).
      `UPDATE syncflow.connectors c SET target_schema = 'public'
WHERE EXISTS (
  SELECT 1 FROM syncflow.entities e
  JOIN pg_catalog.pg_class t ON t.relname = e.entity AND t.relkind IN ('r', 'p')
  JOIN pg_catalog.pg_namespace n ON n.oid = t.relnamespace AND n.nspname = 'public'
  JOIN pg_catalog.pg_attribute a ON a.attrelid = t.oid AND a.attname = '_bk_hash' AND NOT a.attisdropped
  WHERE e.connector_id = c.id
)`
    ]
  },
  {
    id: 5,
    name: "orphans_and_superseded_failures",
    statements: [
      // What a child row whose parent is missing becomes: written and flagged (`keep`) or parked (`park`).
      `ALTER TABLE syncflow.entities
  ADD COLUMN orphans text NOT NULL DEFAULT 'keep' CHECK (orphans IN ('keep', 'park'))`,
      // Rows a run wrote (or kept) while their parent was missing.
      "ALTER TABLE syncflow.sync_runs ADD COLUMN orphaned bigint NOT NULL DEFAULT 0",
      // Why a failed record was closed: `retried` (a retry wrote it), `superseded` (its key was written
      // later), `stale` (the table holds a newer or deleted row), `resolved` (by hand).
      "ALTER TABLE syncflow.failed_records ADD COLUMN resolution text",
      `CREATE INDEX failed_records_key_idx ON syncflow.failed_records (connector_id, entity, business_key)
  WHERE resolved_at IS NULL`
    ]
  },
  {
    id: 6,
    name: "entity_leases",
    statements: [
      // One sync per entity: the lease its sync holds (see EntityLeases.ts).
      `CREATE TABLE syncflow.entity_leases (
  connector_id text NOT NULL REFERENCES syncflow.connectors (id) ON DELETE CASCADE,
  entity text NOT NULL,
  holder text NOT NULL,
  run_id uuid,
  acquired_at timestamptz NOT NULL,
  renewed_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL,
  PRIMARY KEY (connector_id, entity)
)`,
      // A run whose executor is gone (killed before it finished, its lease lapsed) is `abandoned`.
      `ALTER TABLE syncflow.sync_runs DROP CONSTRAINT sync_runs_status_check,
  ADD CONSTRAINT sync_runs_status_check
  CHECK (status IN ('running', 'succeeded', 'failed', 'cancelled', 'abandoned'))`,
      "CREATE INDEX sync_runs_running_idx ON syncflow.sync_runs (connector_id, entity) WHERE status = 'running'"
    ]
  },
  {
    id: 7,
    name: "type_mismatches",
    statements: [
      // Columns whose type changed upstream (schema drift): as a run found them, and as they are now.
      `ALTER TABLE syncflow.sync_runs ADD COLUMN type_mismatches jsonb NOT NULL DEFAULT '[]'::jsonb`,
      `ALTER TABLE syncflow.entities ADD COLUMN type_mismatches jsonb NOT NULL DEFAULT '[]'::jsonb`
    ]
  },
  {
    id: 8,
    name: "reconcile_schedule",
    statements: [
      // Each entity's reconciliation schedule (a complete listing that finds deletes), beside its
      // incremental one: daily by default, also for entities discovered before this migration;
      // off when both are NULL.
      `ALTER TABLE syncflow.entities
  ADD COLUMN reconcile_interval_seconds integer DEFAULT 86400 CHECK (reconcile_interval_seconds > 0),
  ADD COLUMN reconcile_cron text`
    ]
  },
  {
    id: 9,
    name: "pending_children_raw",
    statements: [
      // A parked child's record as the source gave it, so the failed record it becomes after its last
      // attempt keeps its raw data (and a retry runs it through the stages like any failed record).
      // NULL for children parked before this migration: their failed records are retried from the row.
      "ALTER TABLE syncflow.pending_children ADD COLUMN raw_data jsonb"
    ]
  },
  {
    id: 10,
    name: "execution_runs",
    statements: [
      // Which runs a workflow execution carries, known when it is triggered: an entity sync's run
      // (the one allocated up front, and the one it resumed when it continued an interrupted listing),
      // a connector sync's entity runs. A trigger's answer can thus always be looked up.
      `CREATE TABLE syncflow.execution_runs (
  execution_id text NOT NULL,
  run_id uuid NOT NULL,
  connector_id text NOT NULL,
  entity text NOT NULL,
  created_at timestamptz NOT NULL,
  PRIMARY KEY (execution_id, run_id)
)`,
      "CREATE INDEX execution_runs_run_idx ON syncflow.execution_runs (run_id)",
      "CREATE INDEX execution_runs_created_idx ON syncflow.execution_runs (created_at)",
      // Retention prunes finished runs by age (see Retention.ts).
      "CREATE INDEX sync_runs_finished_idx ON syncflow.sync_runs (finished_at) WHERE status <> 'running'"
    ]
  },
  {
    id: 11,
    name: "run_cancel_requests",
    statements: [
      // When someone asked a running run to stop (the API, `syncflow runs cancel`, from any process):
      // its sync checks at each window boundary and ends the run `cancelled`.
      "ALTER TABLE syncflow.sync_runs ADD COLUMN cancel_requested_at timestamptz"
    ]
  },
  {
    id: 12,
    name: "sync_definitions",
    statements: [
      // Sync definitions (see definitions/SyncDefinition.ts): a source connector's entity into a
      // destination (a PostgreSQL table, or a write-capable connector's entity), with a mapping,
      // filters, an operation, a match key, a direction and a schedule. Default definitions (one per
      // discovered entity, created with it) take their schedule and enabled flag from the entity.
      `CREATE TABLE syncflow.sync_definitions (
  id text PRIMARY KEY,
  name text NOT NULL UNIQUE,
  is_default boolean NOT NULL DEFAULT false,
  source_connector_id text NOT NULL REFERENCES syncflow.connectors (id) ON DELETE CASCADE,
  source_entity text NOT NULL,
  destination jsonb NOT NULL,
  destination_connector_id text REFERENCES syncflow.connectors (id) ON DELETE CASCADE,
  mapping jsonb,
  filters jsonb NOT NULL DEFAULT '[]'::jsonb,
  operation text NOT NULL DEFAULT 'upsert' CHECK (operation IN ('insert', 'update', 'upsert', 'delete')),
  match_key jsonb,
  direction text NOT NULL DEFAULT 'pull' CHECK (direction IN ('pull', 'push')),
  interval_seconds integer CHECK (interval_seconds > 0),
  cron text,
  enabled boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL
)`,
      `CREATE UNIQUE INDEX sync_definitions_default_idx ON syncflow.sync_definitions (source_connector_id, source_entity)
  WHERE is_default`,
      "CREATE INDEX sync_definitions_source_idx ON syncflow.sync_definitions (source_connector_id, source_entity)"
    ]
  },
  {
    id: 13,
    name: "default_sync_definitions",
    statements: [
      // The default definition of every entity discovered before definitions existed (discovery
      // creates it for the others): the entity into its table in the connector's schema.
      `INSERT INTO syncflow.sync_definitions (id, name, is_default, source_connector_id, source_entity, destination,
  direction, created_at, updated_at)
SELECT connector_id || ':' || entity, connector_id || ':' || entity, true, connector_id, entity,
  '{"kind":"postgres"}'::jsonb, 'pull', discovered_at, discovered_at
FROM syncflow.entities
ON CONFLICT DO NOTHING`
    ]
  },
  {
    id: 14,
    name: "row_ledger",
    statements: [
      // The RowLedger of syncs whose destination cannot join the engine's transaction (an API): per
      // sync and business-key hash, what was written and the target's id of it (see ledger/SqlRowLedger.ts).
      `CREATE TABLE syncflow.row_ledger (
  sync_id text NOT NULL,
  bk_hash text NOT NULL,
  data_hash text NOT NULL,
  row_version text,
  target_id text,
  last_seen_run uuid,
  deleted boolean NOT NULL DEFAULT false,
  deleted_at timestamptz,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (sync_id, bk_hash)
)`,
      // The keys a run saw without writing them, one row per chunk (as destination_seen does for tables).
      `CREATE TABLE syncflow.row_ledger_seen (
  sync_id text NOT NULL,
  run_id uuid NOT NULL,
  bk_hashes text[] NOT NULL
)`,
      "CREATE INDEX row_ledger_seen_run ON syncflow.row_ledger_seen (sync_id, run_id)"
    ]
  },
  {
    id: 16,
    name: "tables_created_by_services",
    statements: [
      // Tables that services used to create themselves when missing (WorkflowTriggers,
      // PgRateLimiterStore, the PostgreSQL destination's seen keys): `IF NOT EXISTS` throughout, so
      // a database where a service already created one, in any of its earlier shapes, ends the same.
      // The workflow triggers: per workflow key, the current execution's number and the one queued.
      `CREATE TABLE IF NOT EXISTS syncflow.workflow_triggers (
  key text PRIMARY KEY,
  seq bigint NOT NULL DEFAULT 0,
  last_slot bigint,
  fired_at timestamptz,
  updated_at timestamptz NOT NULL DEFAULT now()
)`,
      `ALTER TABLE syncflow.workflow_triggers
  ADD COLUMN IF NOT EXISTS rerun boolean NOT NULL DEFAULT false,
  ADD COLUMN IF NOT EXISTS closed_seq bigint,
  ADD COLUMN IF NOT EXISTS mode text,
  ADD COLUMN IF NOT EXISTS queued_mode text`,
      // The schedule's fires: one row per key and slot, whoever fired it first.
      `CREATE TABLE IF NOT EXISTS syncflow.schedule_fires (
  key text NOT NULL,
  slot bigint NOT NULL,
  fired_by text NOT NULL,
  fired_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (key, slot)
)`,
      "ALTER TABLE syncflow.schedule_fires ADD COLUMN IF NOT EXISTS mode text",
      // The shared rate limiters' state (see rate-limit/PgRateLimiterStore.ts).
      `CREATE TABLE IF NOT EXISTS syncflow.rate_limits (
  key text PRIMARY KEY,
  state jsonb NOT NULL,
  expires_at timestamptz
)`,
      // The keys a run saw in a table without writing them (the PostgreSQL destination's reconciliation).
      `CREATE TABLE IF NOT EXISTS syncflow.destination_seen (
  run_id uuid NOT NULL,
  table_name text NOT NULL,
  bk_hashes text[] NOT NULL,
  reconciled boolean NOT NULL DEFAULT false,
  recorded_at timestamptz NOT NULL DEFAULT now()
)`,
      "CREATE INDEX IF NOT EXISTS destination_seen_run_idx ON syncflow.destination_seen (run_id, table_name)"
    ]
  },
  definitionStateMigration,
  alertsMigration,
  entityMetricsMigration,
  runNotifications,
  definitionStateConsumersMigration,
  twoWayMigration,
  fieldMappingsMigration,
  runTransformStatsMigration,
  etlPipelineMigration,
  etlAggregateInputsMigration,
  destinationSeenIdsMigration
]

/**
 * Applies the pending migrations (creating the schema `syncflow` first), returning the ids it
 * applied: none when the database is up to date. Idempotent and safe to run concurrently.
 */
export const migrate: Effect.Effect<ReadonlyArray<number>, SqlError.SqlError, SqlClient.SqlClient> = Effect.gen(
  function* () {
    const sql = (yield* SqlClient.SqlClient).withoutTransforms()
    return yield* sql.withTransaction(
      Effect.gen(function* () {
        yield* sql.unsafe("SELECT pg_advisory_xact_lock(hashtextextended('syncflow:ddl', 0))")
        const schema = yield* sql.unsafe("SELECT 1 FROM pg_catalog.pg_namespace WHERE nspname = 'syncflow'")
        if (schema.length === 0) yield* sql.unsafe("CREATE SCHEMA IF NOT EXISTS syncflow")
        yield* sql.unsafe(`CREATE TABLE IF NOT EXISTS syncflow.schema_migrations (
  id integer PRIMARY KEY,
  name text NOT NULL,
  applied_at timestamptz NOT NULL DEFAULT now()
)`)
        const applied = new Set(
          (yield* sql.unsafe<{ readonly id: number }>("SELECT id FROM syncflow.schema_migrations")).map((row) => row.id)
        )
        const pending = migrations.filter((migration) => !applied.has(migration.id))
        for (const migration of pending) {
          for (const statement of migration.statements) yield* sql.unsafe(statement)
          yield* sql.unsafe("INSERT INTO syncflow.schema_migrations (id, name) VALUES ($1, $2)", [
            migration.id,
            migration.name
          ])
        }
        return pending.map((migration) => migration.id)
      })
    )
  }
).pipe(Effect.withSpan("StateMigrations.migrate"))
