/**
 * What the alert rules look at, read from the `syncflow` tables in two statements whose cost
 * grows with the number of entities and connectors (each reads a few index entries per entity),
 * not with the number of runs: per enabled entity (its default sync), its failed runs since its last success, its
 * oldest running run, its open failed records and its oldest parked child; per connector, how long
 * its runs have been failing because the upstream cannot be reached.
 */
import { Effect, Schema } from "effect"
import type { SqlClient } from "effect/sql"
import { storeError } from "../state/storeHelpers.ts"
import { AlertOverrides } from "./AlertThresholds.ts"

/**
 * A run's error that says the upstream could not be reached: the adapter's `UpstreamUnavailable`
 * (network error, 5xx, open circuit) or `RequestTimeout`, as runs record them (`Tag: message`).
 */
export const unreachablePattern = "^(UpstreamUnavailable|RequestTimeout):"

const Millis = Schema.NullOr(Schema.Number)

/** What the rules look at for one enabled entity; times in epoch milliseconds. */
export const EntityMeasure = Schema.Struct({
  connectorId: Schema.String,
  entity: Schema.String,
  intervalSeconds: Schema.Number,
  cron: Schema.NullOr(Schema.String),
  overrides: AlertOverrides,
  discoveredAt: Schema.Number,
  /** When its last successful run finished. */
  lastSuccessAt: Millis,
  /** When its first run started. */
  firstRunAt: Millis,
  /** Failed runs since its last successful one (started after it). */
  failures: Schema.Number,
  /** The latest failed run's error. */
  lastError: Schema.NullOr(Schema.String),
  /** Its oldest running run. */
  runningRunId: Schema.NullOr(Schema.String),
  runningSince: Millis,
  openFailedRecords: Schema.Number,
  pendingChildren: Schema.Number,
  oldestPendingAt: Millis
})
/** What the rules look at for one enabled entity. */
export type EntityMeasure = typeof EntityMeasure.Type

/** A connector whose latest finished runs failed because its upstream could not be reached. */
export const ConnectorMeasure = Schema.Struct({
  connectorId: Schema.String,
  /** When the first of those failures (since the last run that reached the upstream) finished. */
  unreachableSince: Schema.Number,
  failures: Schema.Number,
  lastError: Schema.String
})
/** A connector whose upstream could not be reached. */
export type ConnectorMeasure = typeof ConnectorMeasure.Type

const epoch = (column: string) => `(extract(epoch FROM ${column}) * 1000)::float8`

const entitiesStatement = `SELECT e.connector_id AS "connectorId", e.entity, e.interval_seconds::float8 AS "intervalSeconds",
  e.cron, e.alert_thresholds AS overrides, ${epoch("e.discovered_at")} AS "discoveredAt",
  ${epoch("ok.finished_at")} AS "lastSuccessAt", ${epoch("first_run.started_at")} AS "firstRunAt",
  failures.n::float8 AS failures, failures.error AS "lastError",
  running.id::text AS "runningRunId", ${epoch("running.started_at")} AS "runningSince",
  (SELECT count(*) FROM syncflow.failed_records f
   WHERE f.connector_id = e.connector_id AND f.entity = e.entity AND f.definition_id IS NULL AND f.resolved_at IS NULL)::float8 AS "openFailedRecords",
  pending.n::float8 AS "pendingChildren", ${epoch("pending.oldest")} AS "oldestPendingAt"
FROM syncflow.entities e
LEFT JOIN LATERAL (
  SELECT r.started_at, r.finished_at FROM syncflow.sync_runs r
  WHERE r.connector_id = e.connector_id AND r.entity = e.entity AND r.definition_id IS NULL AND r.status = 'succeeded'
  ORDER BY r.started_at DESC LIMIT 1
) ok ON true
LEFT JOIN LATERAL (
  SELECT r.started_at FROM syncflow.sync_runs r
  WHERE r.connector_id = e.connector_id AND r.entity = e.entity AND r.definition_id IS NULL
  ORDER BY r.started_at LIMIT 1
) first_run ON true
CROSS JOIN LATERAL (
  SELECT count(*) AS n, (array_agg(f.error ORDER BY f.started_at DESC))[1] AS error FROM (
    SELECT r.started_at, r.error FROM syncflow.sync_runs r
    WHERE r.connector_id = e.connector_id AND r.entity = e.entity AND r.definition_id IS NULL AND r.status = 'failed'
      AND r.started_at > coalesce(ok.started_at, '-infinity'::timestamptz)
    ORDER BY r.started_at DESC LIMIT 1000
  ) f
) failures
LEFT JOIN LATERAL (
  SELECT r.id, r.started_at FROM syncflow.sync_runs r
  WHERE r.connector_id = e.connector_id AND r.entity = e.entity AND r.definition_id IS NULL AND r.status = 'running'
  ORDER BY r.started_at LIMIT 1
) running ON true
CROSS JOIN LATERAL (
  SELECT count(*) AS n, min(p.created_at) AS oldest FROM syncflow.pending_children p
  WHERE p.connector_id = e.connector_id AND p.entity = e.entity AND p.definition_id IS NULL
) pending
WHERE e.enabled
ORDER BY e.connector_id, e.entity`

const connectorsStatement = `SELECT c.id AS "connectorId", ${epoch("down.since")} AS "unreachableSince",
  down.n::float8 AS failures, down.error AS "lastError"
FROM syncflow.connectors c
CROSS JOIN LATERAL (
  SELECT min(r.finished_at) AS since, count(*) AS n, (array_agg(r.error ORDER BY r.finished_at DESC))[1] AS error
  FROM syncflow.sync_runs r
  WHERE r.connector_id = c.id AND r.status = 'failed' AND r.error ~ $1
    AND r.finished_at > coalesce((
      SELECT reached.finished_at FROM syncflow.sync_runs reached
      WHERE reached.connector_id = c.id AND reached.status <> 'running'
        AND (reached.status = 'succeeded' OR (reached.status = 'failed' AND coalesce(reached.error, '') !~ $1))
      ORDER BY reached.finished_at DESC LIMIT 1
    ), '-infinity'::timestamptz)
) down
WHERE down.n > 0
ORDER BY c.id`

/** Reads what the rules look at, on `sql`. */
export const measureAlerts = Effect.fn("AlertMeasures.measure")(function* (sql: SqlClient.SqlClient) {
  const entities = yield* sql
    .unsafe(entitiesStatement)
    .pipe(Effect.flatMap(Schema.decodeUnknownEffect(Schema.Array(EntityMeasure))))
  const connectors = yield* sql
    .unsafe(connectorsStatement, [unreachablePattern])
    .pipe(Effect.flatMap(Schema.decodeUnknownEffect(Schema.Array(ConnectorMeasure))))
  return { entities, connectors }
}, storeError("measureAlerts"))
