/**
 * Migration 31, `run_transform_stats`: what a run's Transform stage (its definition's field mapping)
 * did — `sync_runs.transformed`, the records it passed on, and `transform_ms`, the milliseconds it
 * took (lookups into other synced tables included), summed over the run's windows; both NULL for a
 * run without a field mapping.
 */
import type { Migration } from "../StateMigrations.ts"

/** Migration 31. */
export const runTransformStatsMigration: Migration = {
  id: 31,
  name: "run_transform_stats",
  statements: [
    "ALTER TABLE syncflow.sync_runs ADD COLUMN transformed bigint",
    "ALTER TABLE syncflow.sync_runs ADD COLUMN transform_ms double precision"
  ]
}
