/**
 * Migration 18: alerts (see `alerts/`). Each alert is one episode of a rule holding for an entity
 * (or a connector), fired then resolved, kept as history; at most one firing per rule and key. Each
 * state change gets one outbox row per configured webhook, written in the same transaction as the
 * change, so a crash neither loses nor repeats a delivery. Entities get their own thresholds.
 */
import type { Migration } from "../StateMigrations.ts"

/** Alerts, their deliveries (the outbox) and each entity's alert thresholds. */
export const alertsMigration: Migration = {
  id: 18,
  name: "alerts",
  statements: [
    `CREATE TABLE syncflow.alerts (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  rule text NOT NULL,
  connector_id text NOT NULL,
  entity text NOT NULL DEFAULT '',
  state text NOT NULL CHECK (state IN ('firing', 'resolved')),
  summary text NOT NULL,
  value double precision NOT NULL,
  threshold double precision NOT NULL,
  fired_at timestamptz NOT NULL,
  resolved_at timestamptz,
  updated_at timestamptz NOT NULL
)`,
    // One firing alert per rule and entity ('' for a connector's rule).
    "CREATE UNIQUE INDEX alerts_firing_idx ON syncflow.alerts (rule, connector_id, entity) WHERE state = 'firing'",
    "CREATE INDEX alerts_fired_idx ON syncflow.alerts (fired_at DESC)",
    // Retention prunes resolved alerts by age (see Retention.ts).
    "CREATE INDEX alerts_resolved_idx ON syncflow.alerts (resolved_at) WHERE state = 'resolved'",
    // The outbox: one row per state change and webhook, with the alert as the change left it;
    // delivered (or given up) once.
    `CREATE TABLE syncflow.alert_deliveries (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  alert_id bigint NOT NULL REFERENCES syncflow.alerts (id) ON DELETE CASCADE,
  change text NOT NULL CHECK (change IN ('firing', 'resolved')),
  alert jsonb NOT NULL,
  webhook text NOT NULL,
  attempts integer NOT NULL DEFAULT 0,
  next_attempt_at timestamptz NOT NULL,
  delivered_at timestamptz,
  failed_at timestamptz,
  last_error text,
  created_at timestamptz NOT NULL,
  UNIQUE (alert_id, change, webhook)
)`,
    `CREATE INDEX alert_deliveries_due_idx ON syncflow.alert_deliveries (next_attempt_at)
  WHERE delivered_at IS NULL AND failed_at IS NULL`,
    // An entity's own thresholds (see alerts/AlertThresholds.ts): {} keeps the global ones.
    "ALTER TABLE syncflow.entities ADD COLUMN alert_thresholds jsonb NOT NULL DEFAULT '{}'::jsonb",
    // A connector's latest finished runs (the upstream_unreachable rule).
    `CREATE INDEX sync_runs_connector_finished_idx ON syncflow.sync_runs (connector_id, finished_at DESC)
  WHERE status <> 'running'`
  ]
}
