/**
 * Migration 20, `run_notifications`: run-finished notifications to webhooks (an n8n workflow's), kept
 * durably. A target names a webhook URL and what it follows — a connector's runs or a sync
 * definition's — and the run statuses it wants. When a run ends (its row leaves `running`), a
 * trigger adds one outbox row per matching target in the same transaction as the run's finish, with
 * the run's summary as the payload: exactly one per run and target (a resumed run that ends again
 * adds nothing). A deliverer (`@syncflow/n8n`'s `RunNotifier`) sends the due rows and records the
 * answers.
 */
import type { Migration } from "../StateMigrations.ts"

const counts = ["fetched", "normalized", "validated", "mapped", "inserted", "updated", "unchanged", "deleted", "failed"]

/** The definition a run belongs to: `<entity>@<definition>` runs are the definition's, others the default one's. */
const definitionOfRun = `CASE WHEN position('@' IN NEW.entity) > 0
      THEN substr(NEW.entity, position('@' IN NEW.entity) + 1)
      ELSE NEW.connector_id || ':' || NEW.entity END`

/** Migration 20. */
export const runNotifications: Migration = {
  id: 20,
  name: "run_notifications",
  statements: [
    `CREATE TABLE syncflow.run_notification_targets (
  id text PRIMARY KEY,
  connector_id text REFERENCES syncflow.connectors (id) ON DELETE CASCADE,
  definition_id text REFERENCES syncflow.sync_definitions (id) ON DELETE CASCADE,
  webhook_url text NOT NULL,
  statuses text[] NOT NULL DEFAULT ARRAY['succeeded', 'failed', 'cancelled'],
  created_at timestamptz NOT NULL DEFAULT now(),
  CHECK ((connector_id IS NULL) <> (definition_id IS NULL))
)`,
    `CREATE TABLE syncflow.run_notifications (
  run_id uuid NOT NULL,
  target_id text NOT NULL REFERENCES syncflow.run_notification_targets (id) ON DELETE CASCADE,
  webhook_url text NOT NULL,
  payload jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  attempts integer NOT NULL DEFAULT 0,
  next_attempt_at timestamptz NOT NULL DEFAULT now(),
  delivered_at timestamptz,
  answer_status integer,
  answer text,
  last_error text,
  PRIMARY KEY (run_id, target_id)
)`,
    "CREATE INDEX run_notifications_due_idx ON syncflow.run_notifications (next_attempt_at) WHERE delivered_at IS NULL",
    `CREATE FUNCTION syncflow.enqueue_run_notifications() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO syncflow.run_notifications (run_id, target_id, webhook_url, payload)
  SELECT NEW.id, t.id, t.webhook_url, jsonb_build_object(
    'event', 'run.' || NEW.status,
    'runId', NEW.id,
    'connectorId', NEW.connector_id,
    'entity', NEW.entity,
    'definitionId', ${definitionOfRun},
    'mode', NEW.mode,
    'status', NEW.status,
    'startedAt', NEW.started_at,
    'finishedAt', NEW.finished_at,
    'durationMs', NEW.duration_ms,
    'counts', jsonb_build_object(${counts.map((c) => `'${c}', NEW.${c}`).join(", ")}),
    'error', NEW.error)
  FROM syncflow.run_notification_targets t
  WHERE NEW.status = ANY (t.statuses)
    AND (t.connector_id = NEW.connector_id OR t.definition_id = ${definitionOfRun})
  ON CONFLICT DO NOTHING;
  RETURN NULL;
END
$$`,
    `CREATE TRIGGER sync_runs_notify AFTER UPDATE OF status ON syncflow.sync_runs
  FOR EACH ROW WHEN (OLD.status = 'running' AND NEW.status <> 'running')
  EXECUTE FUNCTION syncflow.enqueue_run_notifications()`
  ]
}
