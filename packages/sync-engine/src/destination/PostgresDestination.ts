/**
 * The PostgreSQL `TableDestination`: one table per entity, in the schema and under the name its
 * `TableTarget` gives (the engine puts each connector's tables in a schema of their own), created
 * and evolved from the manifest, written
 * with one `INSERT ... SELECT FROM unnest(<one array per column>) ON CONFLICT (_bk_hash) DO UPDATE
 * ... WHERE the data hash differs` statement per chunk. It writes through the ambient `SqlClient`,
 * so it joins the caller's `sql.withTransaction`.
 *
 * Reconciliation: rows the run writes get `_last_seen_run = run`; rows the delta stage found
 * unchanged (`compareHashes`, which compares a chunk's data hashes in the database and sends back
 * only the rows to write) are recorded in the same statement, as ONE row per chunk in a staging
 * table, `syncflow.destination_seen`: their ids (`_id`) as an `int8multirange`, a few ranges for
 * rows loaded together. Keys given to `touch` (listed records the run does not write) are recorded
 * as a `text[]` of business-key hashes. Nothing rewrites an unchanged row (an UPDATE per row would
 * cost as much as the upsert itself and bloat the table). The staging rows are written in the
 * window's transaction, so they survive a crash exactly as far as the rows and the checkpoint do.
 * `markDeletedNotSeen` consumes them in one statement that visits only the ids between the seen
 * ranges (through the primary key, not a scan of the table) and leaves a marker, so reconciling the
 * same run again is a no-op; `forgetSeen` removes what is left.
 *
 * ```ts
 * const destination = yield* TableDestination
 * const items = TableTarget.make("erp", "items")
 * yield* destination.ensureEntity(items, manifest)
 * const counts = yield* destination.upsert(items, rows, { runId })
 * ```
 *
 * With `layerBulk` (on a `PgBulkPool`), large chunks take the bulk path instead (`CopyLoader`):
 * COPY into a staging table over a `pg` connection, then one `INSERT ... SELECT` from it through
 * the ambient `SqlClient`, so the rows still commit with the caller's transaction. It is used while
 * a table's chunks are all new (an initial load), where it is faster than unnest; a chunk with
 * existing keys sends the next ones back to unnest. Same counts, same semantics.
 *
 * An initial load (the engine's first listing into an empty table) does not upsert: `beginLoad`
 * drops the table's primary key and unique `_bk_hash` constraint, `load` appends each window's rows
 * with a plain INSERT (or, with the bulk path, COPY through a staging table), and `finishLoad` folds
 * keys written twice and builds the constraints again (`LoadOperations`).
 *
 * The operations are made by group, each in its own file, on a shared `DestinationCatalog`:
 * `TableOperations`, `UpsertOperation`, `LoadOperations`, `ReconcileOperations` and
 * `ParentMissingOperations`.
 */
import type { Duration } from "effect"
import { Effect, Layer } from "effect"
import { SqlClient } from "effect/sql"
import * as CopyLoader from "./CopyLoader.ts"
import { makeDestinationCatalog } from "./DestinationCatalog.ts"
import * as Identifier from "./Identifier.ts"
import { loadOperations } from "./LoadOperations.ts"
import { parentMissingOperations } from "./ParentMissingOperations.ts"
import type { PgBulkPool } from "./PgBulkPool.ts"
import { reconcileOperations } from "./ReconcileOperations.ts"
import { TableDestination } from "./TableDestination.ts"
import { tableOperations } from "./TableOperations.ts"
import { type BulkPath, upsertOperation } from "./UpsertOperation.ts"

/** Settings of the PostgreSQL destination. */
export interface PostgresDestinationOptions {
  /**
   * The schema of the bulk path's staging tables. Default `syncflow` (the state stores'). Seen keys
   * are always kept in `syncflow.destination_seen`, which the migrations create.
   */
  readonly stagingSchema?: string | undefined
  /**
   * Rows per statement: a larger chunk passed to `upsert` is written in several statements. Default
   * 10,000 (the measured sweet spot of unnest upserts).
   */
  readonly maxRowsPerStatement?: number | undefined
}

/** Settings of the bulk (COPY) path of {@link makeBulk} / {@link layerBulk}. */
export interface BulkOptions {
  /**
   * Chunks of at least this many rows (after folding repeated keys) are written with COPY through
   * a staging table; smaller ones with unnest. Default 5,000.
   */
  readonly minRows?: number | undefined
  /**
   * `"adaptive"` (the default): a large chunk goes through COPY when the table's previous chunk was
   * all new (or there was none), because only new keys are published faster than unnest; after a
   * chunk with existing keys, the next ones go to unnest until one is all new again.
   * `"always"`: every large chunk goes through COPY (chunks with existing keys are merged from the
   * staging table with `ON CONFLICT`): for measurements.
   */
  readonly strategy?: "adaptive" | "always" | undefined
  /**
   * Staging tables older than this, left by attempts that failed before their commit, are dropped
   * when the layer starts and then about as often. Default 1 hour.
   */
  readonly sweepAfter?: Duration.Input | undefined
}
/** Builds the destination on the ambient `SqlClient`, writing every chunk with unnest. */
export const make = (
  options: PostgresDestinationOptions = {}
): Effect.Effect<TableDestination["Service"], Identifier.InvalidIdentifier, SqlClient.SqlClient> =>
  build(options, undefined)

/**
 * Builds the destination on the ambient `SqlClient` and `PgBulkPool`: chunks of at least `minRows`
 * rows go, while they are all new, through COPY into a staging table and are published in the
 * caller's transaction (see `CopyLoader`); other chunks are written with unnest. Sweeps staging
 * tables left by failed attempts first (a failed sweep is logged, not fatal).
 */
export const makeBulk = Effect.fnUntraced(function* (options: PostgresDestinationOptions & BulkOptions = {}) {
  const sql = (yield* SqlClient.SqlClient).withoutTransforms()
  const loader = yield* CopyLoader.make(sql, {
    stagingSchema: options.stagingSchema ?? "syncflow",
    sweepAfter: options.sweepAfter
  })
  yield* loader
    .sweep(options.sweepAfter)
    .pipe(Effect.catch((error) => Effect.logWarning(`Could not sweep bulk staging tables: ${error.message}`)))
  return yield* build(options, {
    loader,
    minRows: Math.max(1, Math.floor(options.minRows ?? 5_000)),
    always: options.strategy === "always"
  })
})

/** The destination, with or without its bulk path. */
const build = Effect.fnUntraced(function* (options: PostgresDestinationOptions, bulk: BulkPath | undefined) {
  const sql = (yield* SqlClient.SqlClient).withoutTransforms()
  const stagingSchema = yield* Identifier.validate("schema", options.stagingSchema ?? "syncflow")
  const maxRows = Math.max(1, Math.floor(options.maxRowsPerStatement ?? 10_000))
  const catalog = makeDestinationCatalog(sql, stagingSchema)

  return TableDestination.of({
    ...tableOperations(catalog),
    ...upsertOperation(catalog, maxRows, bulk),
    ...loadOperations(catalog, maxRows, bulk),
    ...reconcileOperations(catalog),
    ...parentMissingOperations(catalog)
  })
})

/** The PostgreSQL destination with the given settings. */
export const layerWith = (
  options: PostgresDestinationOptions
): Layer.Layer<TableDestination, Identifier.InvalidIdentifier, SqlClient.SqlClient> =>
  Layer.effect(TableDestination, make(options))

/** The PostgreSQL destination with default settings: seen keys and bulk staging in `syncflow`. */
export const layer: Layer.Layer<TableDestination, Identifier.InvalidIdentifier, SqlClient.SqlClient> = layerWith({})

/**
 * The PostgreSQL destination with its bulk (COPY) path, on a `SqlClient` and a `PgBulkPool`:
 *
 * ```ts
 * const destination = PostgresDestination.layerBulk({ minRows: 5_000 }).pipe(
 *   Layer.provide(PgBulkPool.layerConfig({ url: Config.Redacted("DATABASE_URL") })),
 *   Layer.provideMerge(PgClient.layerConfig({ url: Config.Redacted("DATABASE_URL") }))
 * )
 * ```
 */
export const layerBulk = (
  options: PostgresDestinationOptions & BulkOptions = {}
): Layer.Layer<TableDestination, Identifier.InvalidIdentifier, SqlClient.SqlClient | PgBulkPool> =>
  Layer.effect(TableDestination, makeBulk(options))
