/**
 * SyncFlow's sync metrics, read from the database at each scrape so that every process reports the
 * same values whoever ran the syncs (the server, a CLI sync, another runner): the per-entity totals
 * the database keeps (`syncflow.entity_metrics`: rows by outcome, runs by status, the run-duration
 * histogram, the last success, see sync-engine's `EntityMetrics`), the running runs and their rows
 * per second, unresolved failed records, pending children, type mismatches, and this process's
 * database pool. Each family is written with the series that exist now: a deleted connector's
 * series and a finished run's rate are gone from the next scrape. The work is one small query per
 * family over indexed rows: proportional to the entities (and the running runs, failed records
 * and pending children outstanding), never to the runs recorded.
 */
import { readEntityMetrics, syncDurationBoundaries } from "@syncflow/sync-engine"
import { Effect } from "effect"
import type { SqlClient } from "effect/sql"
import { type Family, histogramSamples, type Labels, type Sample } from "./PrometheusText.ts"

interface KeyCount {
  readonly connector: string
  readonly entity: string
  /** The sync definition (`""`: the entity's default sync), for the families labelled by it. */
  readonly definition?: string | undefined
  readonly n: number
}

interface Running extends KeyCount {
  readonly rate: number
  /** How long the oldest running run has been running, in seconds. */
  readonly longest: number
}

interface Pending extends KeyCount {
  /** The age of the oldest pending child, in seconds. */
  readonly oldest: number
}

/** What the scrape needs to know of this process's database pool. */
export interface PoolIdentity {
  /** The `application_name` this process's connections carry. */
  readonly applicationName: string
  readonly maxConnections: number
}

const entityLabels = (connector: string, entity: string): Labels => ({ connector, entity })

/** The labels of a sync's run and row metrics: its entity and its definition (`""`: the entity's default sync). */
const syncLabels = (connector: string, entity: string, definition: string | null | undefined): Labels => ({
  connector,
  entity,
  definition: definition ?? ""
})

const keyOf = (connector: string | undefined, entity: string | undefined, definition: string | undefined) =>
  `${connector}\u0000${entity}\u0000${definition ?? ""}`

/** A per-entity (or per-sync) gauge: every known key, 0 unless `counts` has it. */
const perEntity = <R extends KeyCount>(
  keys: ReadonlyArray<Labels>,
  counts: ReadonlyArray<R>,
  pick: (row: R) => number = (row) => row.n
): ReadonlyArray<Sample> => {
  const found = new Map(counts.map((row) => [keyOf(row.connector, row.entity, row.definition), pick(row)]))
  return keys.map((labels) => ({
    labels,
    value: found.get(keyOf(labels.connector, labels.entity, labels.definition)) ?? 0
  }))
}

/** The sync metric families, read from SyncFlow's database, and the ids of the connectors that exist. */
export const readSyncFamilies = Effect.fnUntraced(function* (sql: SqlClient.SqlClient, pool: PoolIdentity) {
  const entities = yield* readEntityMetrics(sql)
  const running = yield* sql.unsafe<Running>(
    `SELECT connector_id AS connector, entity, COALESCE(definition_id, '') AS definition, count(*)::float8 AS n,
       sum(fetched / greatest(extract(epoch FROM (now() - started_at)), 0.001))::float8 AS rate,
       greatest(max(extract(epoch FROM (now() - started_at))), 0)::float8 AS longest
     FROM syncflow.sync_runs WHERE status = 'running' GROUP BY connector_id, entity, definition_id`
  )
  const failed = yield* sql.unsafe<KeyCount>(
    `SELECT connector_id AS connector, entity, count(*)::float8 AS n FROM syncflow.failed_records
     WHERE resolved_at IS NULL GROUP BY connector_id, entity`
  )
  const pending = yield* sql.unsafe<Pending>(
    `SELECT connector_id AS connector, entity, count(*)::float8 AS n,
       greatest(extract(epoch FROM (now() - min(created_at))), 0)::float8 AS oldest
     FROM syncflow.pending_children GROUP BY connector_id, entity`
  )
  const mismatches = yield* sql.unsafe<KeyCount>(
    `SELECT connector_id AS connector, entity, jsonb_array_length(type_mismatches)::float8 AS n FROM syncflow.entities`
  )
  const intervals = yield* sql.unsafe<KeyCount>(
    `SELECT connector_id AS connector, entity, interval_seconds::float8 AS n FROM syncflow.entities
     WHERE enabled AND cron IS NULL`
  )
  const conflicts = yield* sql.unsafe<{
    readonly definition: string
    readonly policy: string
    readonly outcome: string
    readonly n: number
    readonly held: number
  }>(
    `SELECT definition_id AS definition, policy, CASE WHEN status = 'closed' THEN outcome ELSE 'held' END AS outcome,
       count(*)::float8 AS n, count(*) FILTER (WHERE status = 'held')::float8 AS held
     FROM syncflow.two_way_conflicts GROUP BY 1, 2, 3`
  )
  const connectors = yield* sql.unsafe<{ readonly id: string }>(`SELECT id FROM syncflow.connectors`)
  const connections = yield* sql.unsafe<{ readonly state: string; readonly n: number }>(
    `SELECT coalesce(state, 'unknown') AS state, count(*)::float8 AS n FROM pg_stat_activity
     WHERE application_name = $1 GROUP BY 1`,
    [pool.applicationName]
  )

  // The run and row families are per sync (entity and definition); the others per entity.
  const syncKeys = entities.map((row) => syncLabels(row.connectorId, row.entity, row.definitionId))
  const keys = [...new Map(entities.map((row) => [keyOf(row.connectorId, row.entity, ""), row])).values()].map((row) =>
    entityLabels(row.connectorId, row.entity)
  )
  const open = connections.reduce((total, row) => total + row.n, 0)
  const idle = connections.find((row) => row.state === "idle")?.n ?? 0
  const families: ReadonlyArray<Family> = [
    {
      name: "syncflow_rows_total",
      type: "counter",
      help: "Rows synced, by connector, entity, sync definition (empty: the entity's default sync) and outcome (fetched, inserted, updated, unchanged, deleted, failed, orphaned, parked)",
      samples: entities.flatMap((row) =>
        Object.entries(row.rows).map(([outcome, value]) => ({
          labels: { ...syncLabels(row.connectorId, row.entity, row.definitionId), outcome },
          value
        }))
      )
    },
    {
      name: "syncflow_runs_total",
      type: "counter",
      help: "Sync runs ended, by connector, entity, sync definition (empty: the entity's default sync) and status (succeeded, failed, cancelled, abandoned)",
      samples: entities.flatMap((row) =>
        Object.entries(row.runs).map(([status, value]) => ({
          labels: { ...syncLabels(row.connectorId, row.entity, row.definitionId), status },
          value
        }))
      )
    },
    {
      name: "syncflow_runs_running",
      type: "gauge",
      help: "Sync runs running now, by connector, entity and sync definition",
      samples: perEntity(syncKeys, running)
    },
    {
      name: "syncflow_running_run_duration_seconds",
      type: "gauge",
      help: "How long the oldest running run of an entity has been running (0 when none runs)",
      samples: perEntity(syncKeys, running, (row) => row.longest)
    },
    {
      name: "syncflow_sync_duration_seconds",
      type: "histogram",
      help: "How long sync runs took, by connector, entity and sync definition",
      samples: entities.flatMap((row) =>
        histogramSamples(
          syncLabels(row.connectorId, row.entity, row.definitionId),
          syncDurationBoundaries,
          row.durationBuckets,
          row.durationSecondsSum
        )
      )
    },
    {
      name: "syncflow_sync_rows_per_second",
      type: "gauge",
      help: "Rows fetched per second by the running syncs (since each run started), by connector and entity; absent when none runs",
      samples: running.map((row) => ({
        labels: syncLabels(row.connector, row.entity, row.definition),
        value: row.rate
      }))
    },
    {
      name: "syncflow_last_success_timestamp_seconds",
      type: "gauge",
      help: "When the last successful sync of an entity ended, in seconds since the Unix epoch",
      samples: entities.flatMap((row) =>
        row.lastSuccessSeconds === null
          ? []
          : [{ labels: syncLabels(row.connectorId, row.entity, row.definitionId), value: row.lastSuccessSeconds }]
      )
    },
    {
      name: "syncflow_failed_records",
      type: "gauge",
      help: "Unresolved failed records (the dead-letter queue), by connector and entity",
      samples: perEntity(keys, failed)
    },
    {
      name: "syncflow_pending_children",
      type: "gauge",
      help: "Child rows parked until their parent arrives, by connector and entity",
      samples: perEntity(keys, pending)
    },
    {
      name: "syncflow_pending_children_oldest_age_seconds",
      type: "gauge",
      help: "How long the oldest child row of an entity has been waiting for its parent (0 when none waits)",
      samples: perEntity(keys, pending, (row) => row.oldest)
    },
    {
      name: "syncflow_entity_sync_interval_seconds",
      type: "gauge",
      help: "The interval of an enabled entity's scheduled syncs (entities on a cron schedule or disabled have none)",
      samples: intervals.map((row) => ({ labels: entityLabels(row.connector, row.entity), value: row.n }))
    },
    {
      name: "syncflow_type_mismatches",
      type: "gauge",
      help: "Columns whose type in the table differs from the source's (schema drift), as each entity's latest sync found them",
      samples: mismatches.map((row) => ({ labels: entityLabels(row.connector, row.entity), value: row.n }))
    },
    {
      name: "syncflow_two_way_conflicts_total",
      type: "counter",
      help: "Conflicts two-way definitions met, by definition, policy and outcome (source, target, merged; held: in the manual queue or resolved by a user)",
      samples: conflicts.map((row) => ({
        labels: { definition: row.definition, policy: row.policy, outcome: row.outcome },
        value: row.n
      }))
    },
    {
      name: "syncflow_two_way_conflicts_held",
      type: "gauge",
      help: "Conflicts held in a two-way definition's manual queue, waiting for a user",
      samples: [...new Set(conflicts.map((row) => row.definition))].map((definition) => ({
        labels: { definition },
        value: conflicts.filter((row) => row.definition === definition).reduce((n, row) => n + row.held, 0)
      }))
    },
    {
      name: "syncflow_db_pool_connections_open",
      type: "gauge",
      help: "Connections this process's database pool holds open",
      samples: [{ value: open }]
    },
    {
      name: "syncflow_db_pool_connections_in_use",
      type: "gauge",
      help: "Connections of this process's database pool in use (running a statement or in a transaction; the scrape's own included)",
      samples: [{ value: open - idle }]
    },
    {
      name: "syncflow_db_pool_max_connections",
      type: "gauge",
      help: "The most connections this process's database pool opens",
      samples: [{ value: pool.maxConnections }]
    }
  ]
  return { families, connectors: new Set(connectors.map((row) => row.id)) }
})
