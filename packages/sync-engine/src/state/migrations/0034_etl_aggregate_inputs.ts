/**
 * Migration 34: the contributions of the rows an ETL `aggregate` step has seen (`etl_aggregate_inputs`):
 * per definition, step (`step_key`: its table and a hash of its groups and metrics) and row identity,
 * the row's group and the values its metrics read, and the last run that saw it. The step keeps its
 * groups right from them as rows change and disappear (see `etl/aggregateStep.ts`).
 */
import type { Migration } from "../StateMigrations.ts"

/** Migration 34. */
export const etlAggregateInputsMigration: Migration = {
  id: 34,
  name: "etl_aggregate_inputs",
  statements: [
    `CREATE TABLE syncflow.etl_aggregate_inputs (
  definition_id text NOT NULL REFERENCES syncflow.sync_definitions (id) ON DELETE CASCADE,
  step_key text COLLATE "C" NOT NULL,
  row_key text COLLATE "C" NOT NULL,
  group_key text COLLATE "C" NOT NULL,
  vals jsonb NOT NULL,
  run_id uuid,
  PRIMARY KEY (definition_id, step_key, row_key)
)`,
    `CREATE INDEX etl_aggregate_inputs_group_idx ON syncflow.etl_aggregate_inputs (definition_id, step_key, group_key)`
  ]
}
