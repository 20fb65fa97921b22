/**
 * Retention: what SyncFlow's own tables keep. Rows older than the retention are deleted in small
 * batches (one statement per batch, so no statement holds many locks or runs long):
 *
 * - finished runs (`syncflow.sync_runs`: any status but `running`) that finished before the cutoff,
 *   except each entity's latest run (what a dashboard shows) and a run an interrupted listing will
 *   resume (named by the entity's checkpoint); a running run is never deleted. Failed records,
 *   parked children and checkpoints that named a deleted run keep their rows (`run_id` becomes NULL);
 * - the links of executions with their runs (`syncflow.execution_runs`) made before the cutoff;
 * - schedule fires (`syncflow.schedule_fires`) before the cutoff;
 * - closed failed records (`syncflow.failed_records` with `resolved_at`: retried, superseded, stale,
 *   resolved by hand) closed before the cutoff; open ones are kept whatever their age;
 * - rate-limit states (`syncflow.rate_limits`) that expired before the cutoff;
 * - resolved alerts (`syncflow.alerts`, with their deliveries) resolved before the cutoff; firing
 *   ones are kept whatever their age.
 */
import { Effect } from "effect"
import type { SqlClient, SqlError } from "effect/sql"

/** How many rows of each kind one pruning deleted. */
export interface Pruned {
  readonly runs: number
  readonly executionLinks: number
  readonly scheduleFires: number
  readonly failedRecords: number
  readonly rateLimits: number
  readonly alerts: number
}

/** The tables pruned, each with the statement that deletes one batch of its rows older than `$1`. */
const statements: ReadonlyArray<readonly [keyof Pruned, string, string | undefined]> = [
  [
    "runs",
    `DELETE FROM syncflow.sync_runs WHERE id IN (
       SELECT r.id FROM syncflow.sync_runs r
       WHERE r.status <> 'running' AND r.finished_at < $1
         AND r.id <> (
           SELECT l.id FROM syncflow.sync_runs l WHERE l.connector_id = r.connector_id AND l.entity = r.entity
             AND l.definition_id IS NOT DISTINCT FROM r.definition_id
           ORDER BY l.started_at DESC, l.id LIMIT 1
         )
         AND NOT EXISTS (
           SELECT 1 FROM syncflow.checkpoints c
           WHERE c.connector_id = r.connector_id AND c.entity = r.entity
             AND c.definition_id IS NOT DISTINCT FROM r.definition_id
             AND (c.run_id = r.id OR c.listing->>'runId' = r.id::text)
         )
       LIMIT $2
     ) AND status <> 'running'`,
    undefined
  ],
  [
    "executionLinks",
    `DELETE FROM syncflow.execution_runs WHERE ctid = ANY(ARRAY(
       SELECT ctid FROM syncflow.execution_runs WHERE created_at < $1 LIMIT $2
     ))`,
    undefined
  ],
  [
    "scheduleFires",
    `DELETE FROM syncflow.schedule_fires WHERE ctid = ANY(ARRAY(
       SELECT ctid FROM syncflow.schedule_fires WHERE fired_at < $1 LIMIT $2
     ))`,
    "syncflow.schedule_fires"
  ],
  [
    "failedRecords",
    `DELETE FROM syncflow.failed_records WHERE id IN (
       SELECT id FROM syncflow.failed_records WHERE resolved_at IS NOT NULL AND resolved_at < $1 LIMIT $2
     )`,
    undefined
  ],
  [
    "rateLimits",
    `DELETE FROM syncflow.rate_limits WHERE ctid = ANY(ARRAY(
       SELECT ctid FROM syncflow.rate_limits WHERE expires_at < $1 LIMIT $2
     ))`,
    "syncflow.rate_limits"
  ],
  [
    "alerts",
    `DELETE FROM syncflow.alerts WHERE id IN (
       SELECT id FROM syncflow.alerts WHERE state = 'resolved' AND resolved_at < $1 LIMIT $2
     )`,
    undefined
  ]
]

/**
 * Deletes what is older than `cutoff` (see the module comment), `batchSize` rows per statement,
 * until nothing is left to delete. A table created on demand by another service (schedule fires,
 * rate limits) and not there yet is skipped.
 */
export const pruneOlderThan = (
  sql: SqlClient.SqlClient,
  cutoff: Date,
  batchSize = 1000
): Effect.Effect<Pruned, SqlError.SqlError> =>
  Effect.gen(function* () {
    const raw = sql.withoutTransforms()
    const limit = Math.max(1, Math.floor(batchSize))
    const pruned: Record<keyof Pruned, number> = {
      runs: 0,
      executionLinks: 0,
      scheduleFires: 0,
      failedRecords: 0,
      rateLimits: 0,
      alerts: 0
    }
    for (const [kind, statement, table] of statements) {
      if (table !== undefined) {
        const [exists] = yield* raw.unsafe<{ readonly found: boolean }>(`SELECT to_regclass($1) IS NOT NULL AS found`, [
          table
        ])
        if (exists?.found !== true) continue
      }
      while (true) {
        const deleted = yield* raw.unsafe(`${statement} RETURNING 1`, [cutoff, limit])
        pruned[kind] += deleted.length
        if (deleted.length < limit) break
      }
    }
    return pruned
  }).pipe(Effect.withSpan("Retention.pruneOlderThan", { attributes: { cutoff: cutoff.toISOString() } }))
