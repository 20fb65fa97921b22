/**
 * Migration 33: a sync definition's ETL steps (`pipeline`, the JSON array of its steps; empty: none)
 * and what each step did in a run (`sync_runs.etl_steps`: per step its label, rows in, rows out,
 * skipped, failed and milliseconds, summed over the run's windows).
 */
import type { Migration } from "../StateMigrations.ts"

/** Migration 33. */
export const etlPipelineMigration: Migration = {
  id: 33,
  name: "etl_pipeline",
  statements: [
    "ALTER TABLE syncflow.sync_definitions ADD COLUMN pipeline jsonb NOT NULL DEFAULT '[]'::jsonb",
    "ALTER TABLE syncflow.sync_runs ADD COLUMN etl_steps jsonb"
  ]
}
