/**
 * Migration 24: what migrations 19 and 20 keep of a run follows its `definition_id` (migration 17),
 * not the composite entity `<entity>@<definition id>` that no run carries any more:
 * - the per-entity metrics (`entity_metrics`) gain `definition_id` (NULL: the entity's default
 *   sync), so a definition's rows, runs and durations are counted apart from its source entity's
 *   default sync; rows kept under a composite entity move to the column, as migration 17 moved the
 *   state; the triggers of migration 19 key their rows by it;
 * - the run-finished notifications of migration 20 find a run's definition in `definition_id` (the
 *   default definition `<connector>:<entity>` when NULL).
 */
import { endedRunStatuses, rowOutcomes } from "../EntityMetrics.ts"
import type { Migration } from "../StateMigrations.ts"

/** The outcomes that are `sync_runs` count columns of the same name (all but `parked`). */
const runColumns = rowOutcomes.filter((outcome) => outcome !== "parked")
const counts = ["fetched", "normalized", "validated", "mapped", "inserted", "updated", "unchanged", "deleted", "failed"]
const metricsKey = "(connector_id, entity, (COALESCE(definition_id, '')))"
const sameKey =
  "connector_id = NEW.connector_id AND entity = NEW.entity AND definition_id IS NOT DISTINCT FROM NEW.definition_id"

/** Migration 24. */
export const definitionStateConsumersMigration: Migration = {
  id: 24,
  name: "definition_state_consumers",
  statements: [
    "ALTER TABLE syncflow.entity_metrics ADD COLUMN definition_id text",
    "ALTER TABLE syncflow.entity_metrics DROP CONSTRAINT entity_metrics_pkey",
    `UPDATE syncflow.entity_metrics t
SET entity = substring(t.entity from '^(.+)@[^@]+$'), definition_id = substring(t.entity from '^.+@([^@]+)$')
WHERE t.definition_id IS NULL AND t.entity ~ '^.+@[^@]+$'
  AND NOT EXISTS (SELECT 1 FROM syncflow.entities e WHERE e.connector_id = t.connector_id AND e.entity = t.entity)`,
    `CREATE UNIQUE INDEX entity_metrics_key_idx ON syncflow.entity_metrics ${metricsKey}`,
    `CREATE OR REPLACE FUNCTION syncflow.track_run_started() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO syncflow.entity_metrics (connector_id, entity, definition_id)
  VALUES (NEW.connector_id, NEW.entity, NEW.definition_id)
  ON CONFLICT DO NOTHING;
  RETURN NULL;
END
$$`,
    `CREATE OR REPLACE FUNCTION syncflow.track_run_metrics() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  ended boolean := OLD.status = 'running' AND NEW.status <> 'running';
  seconds double precision := greatest(coalesce(NEW.duration_ms, 0), 0) / 1000.0;
  bucket integer := syncflow.sync_duration_bucket(greatest(coalesce(NEW.duration_ms, 0), 0) / 1000.0);
BEGIN
  INSERT INTO syncflow.entity_metrics (connector_id, entity, definition_id)
  VALUES (NEW.connector_id, NEW.entity, NEW.definition_id)
  ON CONFLICT DO NOTHING;
  UPDATE syncflow.entity_metrics SET
    ${runColumns.map((c) => `rows_${c} = rows_${c} + greatest(NEW.${c} - OLD.${c}, 0)`).join(",\n    ")},
    ${endedRunStatuses.map((s) => `runs_${s} = runs_${s} + (ended AND NEW.status = '${s}')::integer`).join(",\n    ")},
    duration_buckets[bucket] = duration_buckets[bucket] + ended::integer,
    duration_seconds_sum = duration_seconds_sum + CASE WHEN ended THEN seconds ELSE 0 END,
    last_success_at = CASE WHEN ended AND NEW.status = 'succeeded'
      THEN greatest(last_success_at, NEW.finished_at) ELSE last_success_at END
  WHERE ${sameKey};
  RETURN NULL;
END
$$`,
    `CREATE OR REPLACE FUNCTION syncflow.track_parked_metrics() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO syncflow.entity_metrics AS m (connector_id, entity, definition_id, rows_parked)
  SELECT connector_id, entity, definition_id, count(*) FROM parked GROUP BY connector_id, entity, definition_id
  ORDER BY connector_id, entity, definition_id
  ON CONFLICT ${metricsKey} DO UPDATE SET rows_parked = m.rows_parked + excluded.rows_parked;
  RETURN NULL;
END
$$`,
    `CREATE OR REPLACE FUNCTION syncflow.enqueue_run_notifications() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO syncflow.run_notifications (run_id, target_id, webhook_url, payload)
  SELECT NEW.id, t.id, t.webhook_url, jsonb_build_object(
    'event', 'run.' || NEW.status,
    'runId', NEW.id,
    'connectorId', NEW.connector_id,
    'entity', NEW.entity,
    'definitionId', COALESCE(NEW.definition_id, NEW.connector_id || ':' || NEW.entity),
    'mode', NEW.mode,
    'status', NEW.status,
    'startedAt', NEW.started_at,
    'finishedAt', NEW.finished_at,
    'durationMs', NEW.duration_ms,
    'counts', jsonb_build_object(${counts.map((c) => `'${c}', NEW.${c}`).join(", ")}),
    'error', NEW.error)
  FROM syncflow.run_notification_targets t
  WHERE NEW.status = ANY (t.statuses)
    AND (t.connector_id = NEW.connector_id
      OR t.definition_id = COALESCE(NEW.definition_id, NEW.connector_id || ':' || NEW.entity))
  ON CONFLICT DO NOTHING;
  RETURN NULL;
END
$$`
  ]
}
