/**
 * Migration 30, `field_mappings`: a sync definition's field mapping in versions (seed 002's
 * `field_mappings`): each change is a new row with the next version, the latest is the one runs
 * use; a run records the version it used in `sync_runs.mapping_version` (NULL: no field mapping).
 */
import type { Migration } from "../StateMigrations.ts"

/** Migration 30. */
export const fieldMappingsMigration: Migration = {
  id: 30,
  name: "field_mappings",
  statements: [
    `CREATE TABLE syncflow.field_mappings (
  definition_id text NOT NULL REFERENCES syncflow.sync_definitions (id) ON DELETE CASCADE,
  version integer NOT NULL CHECK (version > 0),
  entries jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (definition_id, version)
)`,
    "ALTER TABLE syncflow.sync_runs ADD COLUMN mapping_version integer"
  ]
}
