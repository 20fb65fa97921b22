/**
 * Migration 19: per-entity metrics kept by triggers (see `EntityMetrics.ts`). A run's update adds
 * its new window counts to its entity's row totals; a run's end (from `running` to any other status,
 * whoever ends it: its sync, a lease sweep) counts it by status, in the duration histogram and, when
 * it succeeded, as the entity's last success; a child row newly parked counts as `parked`. The
 * totals start from the runs still recorded when the migration runs.
 */
import { endedRunStatuses, rowOutcomes, syncDurationBoundaries } from "../EntityMetrics.ts"
import type { Migration } from "../StateMigrations.ts"

/** The outcomes that are `sync_runs` count columns of the same name (all but `parked`). */
const runColumns = rowOutcomes.filter((outcome) => outcome !== "parked")
const bucketCount = syncDurationBoundaries.length + 1
const zeros = `array_fill(0::bigint, ARRAY[${bucketCount}])`

/** Migration 19. */
export const entityMetricsMigration: Migration = {
  id: 19,
  name: "entity_metrics",
  statements: [
    `CREATE TABLE syncflow.entity_metrics (
  connector_id text NOT NULL REFERENCES syncflow.connectors (id) ON DELETE CASCADE,
  entity text NOT NULL,
  ${rowOutcomes.map((outcome) => `rows_${outcome} bigint NOT NULL DEFAULT 0`).join(",\n  ")},
  ${endedRunStatuses.map((status) => `runs_${status} bigint NOT NULL DEFAULT 0`).join(",\n  ")},
  duration_buckets bigint[] NOT NULL DEFAULT ${zeros},
  duration_seconds_sum double precision NOT NULL DEFAULT 0,
  last_success_at timestamptz,
  PRIMARY KEY (connector_id, entity)
)`,
    // The 1-based bucket of a duration: the first whose upper bound is >= it (the last is +Inf).
    `CREATE FUNCTION syncflow.sync_duration_bucket(seconds double precision) RETURNS integer
  LANGUAGE sql IMMUTABLE AS $$
  SELECT 1 + count(*)::integer FROM unnest(ARRAY[${syncDurationBoundaries.join(", ")}]::double precision[]) AS b
  WHERE b < seconds
$$`,
    `CREATE FUNCTION syncflow.track_run_started() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO syncflow.entity_metrics (connector_id, entity) VALUES (NEW.connector_id, NEW.entity)
  ON CONFLICT DO NOTHING;
  RETURN NULL;
END
$$`,
    `CREATE FUNCTION syncflow.track_run_metrics() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  ended boolean := OLD.status = 'running' AND NEW.status <> 'running';
  seconds double precision := greatest(coalesce(NEW.duration_ms, 0), 0) / 1000.0;
  bucket integer := syncflow.sync_duration_bucket(greatest(coalesce(NEW.duration_ms, 0), 0) / 1000.0);
BEGIN
  INSERT INTO syncflow.entity_metrics (connector_id, entity) VALUES (NEW.connector_id, NEW.entity)
  ON CONFLICT DO NOTHING;
  UPDATE syncflow.entity_metrics SET
    ${runColumns.map((c) => `rows_${c} = rows_${c} + greatest(NEW.${c} - OLD.${c}, 0)`).join(",\n    ")},
    ${endedRunStatuses.map((s) => `runs_${s} = runs_${s} + (ended AND NEW.status = '${s}')::integer`).join(",\n    ")},
    duration_buckets[bucket] = duration_buckets[bucket] + ended::integer,
    duration_seconds_sum = duration_seconds_sum + CASE WHEN ended THEN seconds ELSE 0 END,
    last_success_at = CASE WHEN ended AND NEW.status = 'succeeded'
      THEN greatest(last_success_at, NEW.finished_at) ELSE last_success_at END
  WHERE connector_id = NEW.connector_id AND entity = NEW.entity;
  RETURN NULL;
END
$$`,
    `CREATE FUNCTION syncflow.track_parked_metrics() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO syncflow.entity_metrics AS m (connector_id, entity, rows_parked)
  SELECT connector_id, entity, count(*) FROM parked GROUP BY connector_id, entity ORDER BY connector_id, entity
  ON CONFLICT (connector_id, entity) DO UPDATE SET rows_parked = m.rows_parked + excluded.rows_parked;
  RETURN NULL;
END
$$`,
    `CREATE TRIGGER sync_runs_metrics_started AFTER INSERT ON syncflow.sync_runs
  FOR EACH ROW EXECUTE FUNCTION syncflow.track_run_started()`,
    `CREATE TRIGGER sync_runs_metrics AFTER UPDATE ON syncflow.sync_runs FOR EACH ROW
  WHEN (OLD.status IS DISTINCT FROM NEW.status OR ${runColumns.map((c) => `OLD.${c} <> NEW.${c}`).join(" OR ")})
  EXECUTE FUNCTION syncflow.track_run_metrics()`,
    `CREATE TRIGGER pending_children_metrics AFTER INSERT ON syncflow.pending_children
  REFERENCING NEW TABLE AS parked FOR EACH STATEMENT EXECUTE FUNCTION syncflow.track_parked_metrics()`,
    // The totals so far, from the runs still recorded.
    `INSERT INTO syncflow.entity_metrics (connector_id, entity, ${runColumns.map((c) => `rows_${c}`).join(", ")},
  ${endedRunStatuses.map((s) => `runs_${s}`).join(", ")}, duration_seconds_sum, last_success_at)
SELECT connector_id, entity, ${runColumns.map((c) => `sum(${c})`).join(", ")},
  ${endedRunStatuses.map((s) => `count(*) FILTER (WHERE status = '${s}')`).join(", ")},
  coalesce(sum(greatest(coalesce(duration_ms, 0), 0) / 1000.0) FILTER (WHERE status <> 'running'), 0),
  max(finished_at) FILTER (WHERE status = 'succeeded')
FROM syncflow.sync_runs GROUP BY connector_id, entity`,
    `UPDATE syncflow.entity_metrics m SET duration_buckets = b.buckets FROM (
  SELECT k.connector_id, k.entity, array_agg(coalesce(n.runs, 0)::bigint ORDER BY i) AS buckets
  FROM syncflow.entity_metrics k
  CROSS JOIN generate_series(1, ${bucketCount}) AS i
  LEFT JOIN (
    SELECT connector_id, entity, syncflow.sync_duration_bucket(greatest(coalesce(duration_ms, 0), 0) / 1000.0) AS bucket,
      count(*) AS runs
    FROM syncflow.sync_runs WHERE status <> 'running' GROUP BY 1, 2, 3
  ) n ON n.connector_id = k.connector_id AND n.entity = k.entity AND n.bucket = i
  GROUP BY k.connector_id, k.entity
) b WHERE m.connector_id = b.connector_id AND m.entity = b.entity`
  ]
}
