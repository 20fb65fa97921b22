/**
 * The metrics SyncFlow keeps per entity (table `syncflow.entity_metrics`): monotonic totals of rows
 * by outcome and of runs by how they ended, a histogram of run durations and the time of the last
 * successful run, per entity and sync definition. Triggers of migrations 19 and 24 keep them in the
 * transaction that changes a run (each window's counts, each run's end) or parks a child row, so
 * every process writing the database (the server, a CLI sync, another runner) counts into the same
 * totals, and reading them costs one row per entity, whatever the number of runs.
 */
import { Effect, Schema } from "effect"
import type { SqlClient, SqlError } from "effect/sql"

/** The row outcomes counted per entity, as `rows_<outcome>` columns. `parked`: child rows newly parked for a missing parent. */
export const rowOutcomes = [
  "fetched",
  "inserted",
  "updated",
  "unchanged",
  "deleted",
  "failed",
  "orphaned",
  "parked"
] as const

/** A row outcome counted per entity. */
export type CountedRowOutcome = (typeof rowOutcomes)[number]

/** The run statuses counted per entity when a run ends, as `runs_<status>` columns. */
export const endedRunStatuses = ["succeeded", "failed", "cancelled", "abandoned"] as const

/**
 * The upper bounds (seconds) of the run-duration histogram's buckets, before `+Inf`. Fixed by
 * migration 19: changing them takes a new migration.
 */
export const syncDurationBoundaries: ReadonlyArray<number> = [1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600, 7200, 21600]

/** One entity's metrics, as read back. */
export const EntityMetricsRow = Schema.Struct({
  connectorId: Schema.String,
  entity: Schema.String,
  /** The sync definition counted (migration 24); `null` for the entity's default sync. */
  definitionId: Schema.NullOr(Schema.String),
  rows: Schema.Record(Schema.String, Schema.Number),
  runs: Schema.Record(Schema.String, Schema.Number),
  /** Runs per duration bucket (not cumulative), one more than {@link syncDurationBoundaries} (`+Inf`). */
  durationBuckets: Schema.Array(Schema.Number),
  durationSecondsSum: Schema.Number,
  /** When the last successful run ended, in epoch seconds. */
  lastSuccessSeconds: Schema.NullOr(Schema.Number)
})
/** One entity's metrics. */
export type EntityMetricsRow = typeof EntityMetricsRow.Type

const decodeRows = Schema.decodeUnknownEffect(Schema.Array(EntityMetricsRow))

/**
 * Every entity's metrics: the discovered entities' default syncs (zeros until their first run) and
 * any other key a run counted under (a sync definition's, apart from its source entity's default
 * sync). A connector's rows go with it (its deletion cascades).
 */
export const readEntityMetrics = (
  sql: SqlClient.SqlClient
): Effect.Effect<ReadonlyArray<EntityMetricsRow>, SqlError.SqlError | Schema.SchemaError> =>
  Effect.flatMap(
    sql.unsafe(
      `SELECT k.connector_id AS "connectorId", k.entity, k.definition_id AS "definitionId",
         jsonb_build_object(${rowOutcomes.map((o) => `'${o}', coalesce(m.rows_${o}, 0)::float8`).join(", ")}) AS rows,
         jsonb_build_object(${endedRunStatuses.map((s) => `'${s}', coalesce(m.runs_${s}, 0)::float8`).join(", ")}) AS runs,
         coalesce(m.duration_buckets, array_fill(0::bigint, ARRAY[${syncDurationBoundaries.length + 1}]))::float8[] AS "durationBuckets",
         coalesce(m.duration_seconds_sum, 0)::float8 AS "durationSecondsSum",
         extract(epoch FROM m.last_success_at)::float8 AS "lastSuccessSeconds"
       FROM (
         SELECT connector_id, entity, NULL::text AS definition_id FROM syncflow.entities
         UNION SELECT connector_id, entity, definition_id FROM syncflow.entity_metrics
       ) k
       LEFT JOIN syncflow.entity_metrics m ON m.connector_id = k.connector_id AND m.entity = k.entity
         AND m.definition_id IS NOT DISTINCT FROM k.definition_id
       ORDER BY k.connector_id, k.entity, k.definition_id NULLS FIRST`
    ),
    decodeRows
  )
