/**
 * Migration 17: a sync definition's state in its own column. Runs, checkpoints, failed records,
 * pending children, leases, execution links and claimed tables gain `definition_id` (NULL: the
 * entity's default sync); the rows a definition kept under the composite entity `<entity>@<id>` move
 * to their source entity and the column. The keys that were (connector, entity) become (connector,
 * entity, definition), NULL counting as one value (unique indexes on `COALESCE(definition_id, '')`).
 */
import type { Migration } from "../StateMigrations.ts"

/** The tables a definition's state lives in, with the columns their key had after the connector's. */
const tables = [
  "sync_runs",
  "checkpoints",
  "failed_records",
  "pending_children",
  "entity_leases",
  "execution_runs",
  "entity_tables"
] as const

/**
 * Moves `<entity>@<id>` rows of `table` to `entity` and `definition_id`: only names that are not an
 * entity the connector discovered (a deleted definition's rows move too).
 */
const moveComposite = (table: string) => `UPDATE syncflow.${table} t
SET entity = substring(t.entity from '^(.+)@[^@]+$'), definition_id = substring(t.entity from '^.+@([^@]+)$')
WHERE t.definition_id IS NULL AND t.entity ~ '^.+@[^@]+$'
  AND NOT EXISTS (SELECT 1 FROM syncflow.entities e WHERE e.connector_id = t.connector_id AND e.entity = t.entity)`

/** Moves a definition's state from composite entity names to `definition_id`. */
export const definitionStateMigration: Migration = {
  id: 17,
  name: "definition_state",
  statements: [
    ...tables.map((table) => `ALTER TABLE syncflow.${table} ADD COLUMN definition_id text`),
    // The keys (connector, entity[, bk_hash]) now include the definition.
    "ALTER TABLE syncflow.checkpoints DROP CONSTRAINT checkpoints_pkey",
    "ALTER TABLE syncflow.pending_children DROP CONSTRAINT pending_children_pkey",
    "ALTER TABLE syncflow.entity_leases DROP CONSTRAINT entity_leases_pkey",
    "ALTER TABLE syncflow.entity_tables DROP CONSTRAINT entity_tables_pkey",
    ...tables.map(moveComposite),
    `CREATE UNIQUE INDEX checkpoints_key_idx
  ON syncflow.checkpoints (connector_id, entity, (COALESCE(definition_id, '')))`,
    `CREATE UNIQUE INDEX pending_children_key_idx
  ON syncflow.pending_children (connector_id, entity, (COALESCE(definition_id, '')), bk_hash)`,
    `CREATE UNIQUE INDEX entity_leases_key_idx
  ON syncflow.entity_leases (connector_id, entity, (COALESCE(definition_id, '')))`,
    `CREATE UNIQUE INDEX entity_tables_key_idx
  ON syncflow.entity_tables (connector_id, entity, (COALESCE(definition_id, '')))`,
    // A definition's runs and failed records, listed by definition.
    `CREATE INDEX sync_runs_definition_idx ON syncflow.sync_runs (definition_id, started_at DESC)
  WHERE definition_id IS NOT NULL`,
    `CREATE INDEX failed_records_definition_idx ON syncflow.failed_records (definition_id, id)
  WHERE definition_id IS NOT NULL`
  ]
}
