/**
 * Migration 25: two-way sync definitions (`direction: "bidirectional"`, see `bidirectional/`):
 * - `sync_definitions` takes the direction `bidirectional` and keeps its settings (`bidirectional`);
 * - `two_way_changes`: the change log the trigger of a two-way table fills (`two_way_log_change`,
 *   one row per inserted, updated or deleted row, but not the rows SyncFlow writes itself), so a
 *   cycle reads what users changed without scanning the table; the trigger also keeps the row's
 *   `_modified_at` (the time a user changed it, unless the statement set it);
 * - `two_way_records`: the two-way ledger, per definition and record: the connector's id, the last
 *   agreed version (`base`) and the hash of each side's fields as SyncFlow last wrote or saw them;
 * - `two_way_cursors`: how far a definition has read the connector's changes;
 * - `two_way_conflicts`: the conflict log and the manual queue (`status` held until resolved).
 */
import type { Migration } from "../StateMigrations.ts"

/** Migration 25. */
export const twoWayMigration: Migration = {
  id: 25,
  name: "two_way",
  statements: [
    "ALTER TABLE syncflow.sync_definitions DROP CONSTRAINT IF EXISTS sync_definitions_direction_check",
    `ALTER TABLE syncflow.sync_definitions ADD CONSTRAINT sync_definitions_direction_check
  CHECK (direction IN ('pull', 'push', 'bidirectional'))`,
    "ALTER TABLE syncflow.sync_definitions ADD COLUMN bidirectional jsonb",
    `CREATE TABLE syncflow.two_way_changes (
  seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  definition_id text NOT NULL,
  record_key text NOT NULL,
  changed_at timestamptz NOT NULL DEFAULT clock_timestamp()
)`,
    "CREATE INDEX two_way_changes_definition_idx ON syncflow.two_way_changes (definition_id, seq)",
    `CREATE FUNCTION syncflow.two_way_log_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF coalesce(current_setting('syncflow.two_way_writer', true), '') = TG_ARGV[0] THEN
    IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
    RETURN NEW;
  END IF;
  IF TG_OP = 'DELETE' THEN
    INSERT INTO syncflow.two_way_changes (definition_id, record_key) VALUES (TG_ARGV[0], OLD._key);
    RETURN OLD;
  END IF;
  IF TG_OP = 'INSERT' THEN
    IF NEW._modified_at IS NULL THEN NEW._modified_at := clock_timestamp(); END IF;
  ELSE
    IF NEW._modified_at IS NOT DISTINCT FROM OLD._modified_at THEN NEW._modified_at := clock_timestamp(); END IF;
    IF NEW._key <> OLD._key THEN
      INSERT INTO syncflow.two_way_changes (definition_id, record_key) VALUES (TG_ARGV[0], OLD._key);
    END IF;
  END IF;
  INSERT INTO syncflow.two_way_changes (definition_id, record_key) VALUES (TG_ARGV[0], NEW._key);
  RETURN NEW;
END
$$`,
    `CREATE TABLE syncflow.two_way_records (
  definition_id text NOT NULL REFERENCES syncflow.sync_definitions (id) ON DELETE CASCADE,
  record_key text NOT NULL,
  source_id text,
  base jsonb NOT NULL,
  source_hash text,
  table_hash text,
  state text NOT NULL DEFAULT 'synced' CHECK (state IN ('synced', 'creating', 'detached')),
  seen_cycle uuid,
  updated_at timestamptz NOT NULL,
  PRIMARY KEY (definition_id, record_key),
  UNIQUE (definition_id, source_id)
)`,
    `CREATE TABLE syncflow.two_way_cursors (
  definition_id text PRIMARY KEY REFERENCES syncflow.sync_definitions (id) ON DELETE CASCADE,
  cursor text,
  updated_at timestamptz NOT NULL
)`,
    `CREATE TABLE syncflow.two_way_conflicts (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  definition_id text NOT NULL REFERENCES syncflow.sync_definitions (id) ON DELETE CASCADE,
  record_key text NOT NULL,
  source_id text,
  fields jsonb NOT NULL,
  source_version jsonb,
  table_version jsonb,
  base jsonb,
  policy text NOT NULL,
  outcome text NOT NULL,
  status text NOT NULL CHECK (status IN ('held', 'resolved', 'closed')),
  resolution jsonb,
  fingerprint text NOT NULL,
  detected_at timestamptz NOT NULL,
  resolved_at timestamptz,
  UNIQUE (definition_id, fingerprint)
)`,
    "CREATE INDEX two_way_conflicts_status_idx ON syncflow.two_way_conflicts (definition_id, status, id)"
  ]
}
