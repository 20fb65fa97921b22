/**
 * The PostgreSQL `Destination`: one table per entity, in the schema and under the name its
 * `TableTarget` gives (the engine puts each connector's tables in a schema of their own), created
 * and evolved from the manifest, written
 * with one `INSERT ... SELECT FROM unnest(<one array per column>) ON CONFLICT (_bk_hash) DO UPDATE
 * ... WHERE the data hash differs` statement per chunk. It writes through the ambient `SqlClient`,
 * so it joins the caller's `sql.withTransaction`.
 *
 * Reconciliation: rows the run writes get `_last_seen_run = run`; rows the delta stage found
 * unchanged (`compareHashes`, which compares a chunk's data hashes in the database and sends back
 * only the rows to write) are recorded in the same statement, or with `touch`: ONE row per call (the
 * chunk's hashes as a `text[]`) in a staging table, `syncflow.destination_seen`, instead of
 * rewriting every unchanged row (an UPDATE per row would cost as much as the upsert itself and
 * bloat the table). The staging rows are written in the window's transaction, so they survive a
 * crash exactly as far as the rows and the checkpoint do. `markDeletedNotSeen` consumes them in one
 * statement (hash anti-join) and leaves a marker, so reconciling the same run again is a no-op;
 * `forgetSeen` removes what is left.
 *
 * ```ts
 * const destination = yield* Destination
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
 */
import { PgTypes } from "@effect/sql-pg"
import type { EntityManifest } from "@syncflow/adapter-core"
import { type Duration, Effect, Layer, Result, Schema } from "effect"
import { SqlClient } from "effect/sql"
import { addableAuditColumns, auditColumnNames, auditColumns, requiredAuditColumnNames } from "./AuditColumns.ts"
import { dedupe, fieldNames, identityArray, resolveColumns } from "./ChunkRows.ts"
import { integerElements, Rejected, timestampElements } from "./ColumnEncoding.ts"
import { columnSqlType } from "./ColumnSqlType.ts"
import * as CopyLoader from "./CopyLoader.ts"
import { withDdlLock } from "./DdlLock.ts"
import {
  Destination,
  type EnsureEntityResult,
  type IngestRow,
  type ParentMissingPage,
  type ParentMissingRow,
  type RowHashes,
  type StoredRow,
  type TypeMismatch,
  type UpsertOptions,
  type UpsertResult
} from "./Destination.ts"
import {
  ColumnConflict,
  DatabaseFailure,
  DestinationError,
  type DestinationErrorReason,
  databaseFailure,
  ForeignTable,
  InvalidArgument,
  InvalidValue,
  MissingColumns,
  UnknownColumn,
  UnknownEntity
} from "./DestinationError.ts"
import * as Identifier from "./Identifier.ts"
import {
  clearParentMissingSql,
  flagParentMissingSql,
  listParentMissingSql,
  parentMissingIndexSql
} from "./ParentMissing.ts"
import type { PgBulkPool } from "./PgBulkPool.ts"
import { type RowCheck, rowCheckFor } from "./StorableValues.ts"
import {
  type CatalogColumn,
  catalogColumnsSql,
  compareHashesSql,
  existingSql,
  makeTablePlan,
  markDeletedKeysSql,
  markDeletedSql,
  type PlannedColumn,
  type TablePlan,
  upsertSql
} from "./TablePlan.ts"
import { entityOf, keyOf, type TableTarget } from "./TableTarget.ts"

/** Settings of the PostgreSQL destination. */
export interface PostgresDestinationOptions {
  /** The schema of the seen-keys staging table. Default `syncflow` (the StateStore's). */
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

/** The rows of `listParentMissingSql`. */
const decodeParentMissing = Schema.decodeUnknownEffect(
  Schema.Array(Schema.Struct({ bk: Schema.String, row: Schema.Record(Schema.String, Schema.Json) }))
)

/** Business-key hashes per `existingHashes` / `touch` statement. */
const keysPerStatement = 50_000

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

const noRows: UpsertResult = { inserted: 0, updated: 0, unchanged: 0, deduplicated: 0 }

/** An array parameter of the given element type. Cannot fail for the built-in element OIDs used here. */
const arrayParameter = (values: ReadonlyArray<unknown>, elementOid: number): PgTypes.Parameter =>
  Result.getOrThrow(PgTypes.array(values, elementOid))

/** The parameters of one upsert statement: an array per column, the identity arrays, the run id. */
const encodeChunk = (
  rows: ReadonlyArray<IngestRow>,
  columns: ReadonlyArray<PlannedColumn>,
  runId: string | null,
  position: (index: number) => number
): Result.Result<Array<PgTypes.Parameter>, InvalidValue> => {
  const n = rows.length
  const params: Array<PgTypes.Parameter> = []
  for (const column of columns) {
    const name = column.name
    const convert = column.encoding.convert
    const values: Array<unknown> = new Array(n)
    for (let i = 0; i < n; i++) {
      const value = rows[i]![name]
      if (value === null || value === undefined) {
        values[i] = null
        continue
      }
      const converted = convert(value)
      if (converted instanceof Rejected) {
        return Result.fail(new InvalidValue({ column: name, row: position(i), detail: converted.detail }))
      }
      values[i] = converted
    }
    const kind = column.encoding.kind
    const elementOid =
      kind === "timestamptz"
        ? timestampElements(values)
        : kind === "int8"
          ? integerElements(values)
          : column.encoding.elementOid
    params.push(arrayParameter(values, elementOid))
  }
  for (const field of ["_bk_hash", "_data_hash", "_row_version"] as const) {
    const values = identityArray(rows, field, position)
    if (Result.isFailure(values)) return Result.fail(values.failure)
    params.push(arrayParameter(values.success, PgTypes.OID.text))
  }
  params.push(PgTypes.uuid(runId))
  return Result.succeed(params)
}

/** Builds the destination on the ambient `SqlClient`, writing every chunk with unnest. */
export const make = (
  options: PostgresDestinationOptions = {}
): Effect.Effect<Destination["Service"], Identifier.InvalidIdentifier, SqlClient.SqlClient> => build(options, undefined)

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
const build = Effect.fnUntraced(function* (
  options: PostgresDestinationOptions,
  bulk: { readonly loader: CopyLoader.CopyLoader; readonly minRows: number; readonly always: boolean } | undefined
) {
  const sql = (yield* SqlClient.SqlClient).withoutTransforms()
  const stagingSchema = yield* Identifier.validate("schema", options.stagingSchema ?? "syncflow")
  const maxRows = Math.max(1, Math.floor(options.maxRowsPerStatement ?? 10_000))
  const seenTable = Identifier.qualified(stagingSchema, "destination_seen")
  /** Table plans by `schema.table`; dropped when a statement on the table fails, re-read on next use. */
  const plans = new Map<string, TablePlan>()
  /** Whether this process has made sure the staging table exists (reset when a statement on it fails). */
  let stagingReady = false
  /** Per `schema.table`, whether its last chunk had only new keys (bulk path only): decides between COPY and unnest. */
  const lastAllNew = new Map<string, boolean>()

  const fail = (entity: string, reason: DestinationErrorReason) => Effect.fail(new DestinationError({ entity, reason }))

  const checkRunId = (entity: string, runId: string) =>
    uuidPattern.test(runId)
      ? Effect.void
      : fail(entity, new InvalidArgument({ argument: "runId", detail: "expected a UUID (a sync run id)" }))

  const loadCatalog = (schema: string, table: string) => sql.unsafe<CatalogColumn>(catalogColumnsSql, [schema, table])

  const relationKind = (schema: string, table: string) =>
    Effect.map(
      sql.unsafe<{ readonly relkind: string }>(
        `SELECT c.relkind::text AS relkind FROM pg_catalog.pg_class c
         JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND c.relname = $2`,
        [schema, table]
      ),
      (rows) => rows[0]?.relkind
    )

  const ensureSchema = (name: string) =>
    Effect.flatMap(sql.unsafe(`SELECT 1 FROM pg_catalog.pg_namespace WHERE nspname = $1`, [name]), (rows) =>
      rows.length > 0 ? Effect.void : Effect.asVoid(sql.unsafe(`CREATE SCHEMA IF NOT EXISTS ${Identifier.quote(name)}`))
    )

  const createStagingTable = Effect.andThen(
    sql.unsafe(`CREATE TABLE IF NOT EXISTS ${seenTable} (
  run_id uuid NOT NULL,
  table_name text NOT NULL,
  bk_hashes text[] NOT NULL,
  reconciled boolean NOT NULL DEFAULT false,
  recorded_at timestamptz NOT NULL DEFAULT now()
)`),
    sql.unsafe(`CREATE INDEX IF NOT EXISTS destination_seen_run_idx ON ${seenTable} (run_id, table_name)`)
  )

  /** Makes sure the staging table exists, once per process. */
  const staging = (entity: string) =>
    Effect.suspend(() =>
      stagingReady
        ? Effect.void
        : withDdlLock(sql, Effect.andThen(ensureSchema(stagingSchema), createStagingTable)).pipe(
            Effect.tap(() =>
              Effect.sync(() => {
                stagingReady = true
              })
            ),
            databaseFailure(entity, "creating the staging table")
          )
    )

  const forgetStaging = Effect.sync(() => {
    stagingReady = false
  })

  /** A target whose schema and table pass the identifier rule, with its entity and key. */
  const validTarget = Effect.fnUntraced(function* (target: TableTarget) {
    const schema = yield* Identifier.validate("schema", target.schema)
    const table = yield* Identifier.validate("table", target.table)
    return { schema, table, entity: entityOf(target), key: keyOf({ schema, table }) }
  })

  /** The table's plan, from the cache or the catalog. */
  const planFor = Effect.fnUntraced(function* (
    { entity, schema, table, key }: { entity: string; schema: string; table: string; key: string },
    refresh: boolean
  ) {
    const cached = plans.get(key)
    if (cached !== undefined && !refresh) return cached
    const catalog = yield* loadCatalog(schema, table).pipe(databaseFailure(entity, "reading the table's columns"))
    if (catalog.length === 0) {
      return yield* fail(entity, new UnknownEntity({ table: Identifier.qualified(schema, table) }))
    }
    if (!catalog.some((column) => column.name === "_bk_hash")) {
      return yield* fail(entity, new ForeignTable({ table: Identifier.qualified(schema, table) }))
    }
    const plan = makeTablePlan(schema, table, catalog)
    plans.set(key, plan)
    return plan
  })

  const ensureEntity = Effect.fn("PostgresDestination.ensureEntity")(function* (
    target: TableTarget,
    manifest: EntityManifest
  ): Effect.fn.Return<EnsureEntityResult, DestinationError | Identifier.InvalidIdentifier> {
    const { entity, schema, table, key } = yield* validTarget(target)
    if (manifest.columns === undefined) return yield* fail(entity, new MissingColumns())
    const wanted: Array<{ readonly name: string; readonly type: string }> = []
    for (const column of manifest.columns) {
      const name = yield* Identifier.validate("column", column.name)
      if (auditColumnNames.has(name)) {
        return yield* fail(entity, new ColumnConflict({ column: name, detail: "is the name of an audit column" }))
      }
      if (wanted.some((other) => other.name === name)) {
        return yield* fail(entity, new ColumnConflict({ column: name, detail: "is declared twice" }))
      }
      wanted.push({ name, type: columnSqlType(column) })
    }
    const qualified = Identifier.qualified(schema, table)

    const outcome = yield* withDdlLock(
      sql,
      Effect.gen(function* () {
        yield* ensureSchema(schema)
        yield* ensureSchema(stagingSchema)
        yield* createStagingTable
        const kind = yield* relationKind(schema, table)
        let created = false
        let added: ReadonlyArray<string> = []
        let mismatches: ReadonlyArray<TypeMismatch> = []
        if (kind === undefined) {
          const [identity, ...rest] = auditColumns
          const definitions = [
            `${Identifier.quote(identity!.name)} ${identity!.definition}`,
            ...wanted.map((column) => `${Identifier.quote(column.name)} ${column.type}`),
            ...rest.map((column) => `${Identifier.quote(column.name)} ${column.definition}`)
          ]
          yield* sql.unsafe(`CREATE TABLE IF NOT EXISTS ${qualified} (\n  ${definitions.join(",\n  ")}\n)`)
          yield* sql.unsafe(parentMissingIndexSql(schema, table))
          created = true
        } else {
          const existing = new Map((yield* loadCatalog(schema, table)).map((column) => [column.name, column]))
          if ((kind !== "r" && kind !== "p") || ![...requiredAuditColumnNames].every((name) => existing.has(name))) {
            return { foreign: true as const }
          }
          const missing = [
            ...wanted.filter((column) => !existing.has(column.name)),
            ...addableAuditColumns
              .filter((column) => !existing.has(column.name))
              .map((column) => ({ name: column.name, type: column.definition }))
          ]
          if (missing.length > 0) {
            const clauses = missing.map(
              (column) => `ADD COLUMN IF NOT EXISTS ${Identifier.quote(column.name)} ${column.type}`
            )
            yield* sql.unsafe(`ALTER TABLE ${qualified} ${clauses.join(", ")}`)
            if (missing.some((column) => column.name === "_parent_missing")) {
              yield* sql.unsafe(parentMissingIndexSql(schema, table))
            }
          }
          added = missing.map((column) => column.name)
          mismatches = wanted.flatMap((column) => {
            const actual = existing.get(column.name)?.type
            return actual !== undefined && actual !== column.type
              ? [{ column: column.name, expected: column.type, actual }]
              : []
          })
        }
        const catalog = yield* loadCatalog(schema, table)
        return { foreign: false as const, created, added, mismatches, catalog }
      })
    ).pipe(databaseFailure(entity, "creating or altering the table"))

    if (outcome.foreign) return yield* fail(entity, new ForeignTable({ table: qualified }))
    stagingReady = true
    plans.set(key, makeTablePlan(schema, table, outcome.catalog))
    return {
      table: qualified,
      created: outcome.created,
      addedColumns: outcome.added,
      typeMismatches: outcome.mismatches
    }
  })

  const upsert = Effect.fn("PostgresDestination.upsert")(function* (
    target: TableTarget,
    rows: ReadonlyArray<IngestRow>,
    options?: UpsertOptions
  ): Effect.fn.Return<UpsertResult, DestinationError | Identifier.InvalidIdentifier> {
    const valid = yield* validTarget(target)
    const { entity, key } = valid
    const runId = options?.runId ?? null
    if (runId !== null) yield* checkRunId(entity, runId)
    if (rows.length === 0) return noRows
    let plan = yield* planFor(valid, false)
    const { rows: unique, positions } = dedupe(rows)
    const expectNew = lastAllNew.get(key) !== false
    if (bulk !== undefined && unique.length >= bulk.minRows && (expectNew || bulk.always)) {
      const names = fieldNames(unique)
      let columns = resolveColumns(plan, names)
      if (Result.isFailure(columns)) {
        plan = yield* planFor(valid, true)
        columns = resolveColumns(plan, names)
        if (Result.isFailure(columns)) return yield* fail(entity, new UnknownColumn({ column: columns.failure }))
      }
      const position = positions === undefined ? (index: number) => index : (index: number) => positions[index]!
      const written = yield* bulk.loader
        .write(entity, plan, columns.success, unique, position, { runId, insertFirst: expectNew })
        .pipe(Effect.tapError(() => Effect.sync(() => plans.delete(key))))
      lastAllNew.set(key, written.inserted === unique.length)
      return {
        inserted: written.inserted,
        updated: written.updated,
        unchanged: unique.length - written.inserted - written.updated,
        deduplicated: rows.length - unique.length
      }
    }
    // Every statement is encoded (and every value checked) before the first one runs.
    const statements: Array<{ readonly sql: string; readonly params: ReadonlyArray<PgTypes.Parameter> }> = []
    for (let start = 0; start < unique.length; start += maxRows) {
      const chunk = unique.length <= maxRows ? unique : unique.slice(start, start + maxRows)
      const position =
        positions === undefined ? (index: number) => start + index : (index: number) => positions[start + index]!
      const names = fieldNames(chunk)
      let columns = resolveColumns(plan, names)
      if (Result.isFailure(columns)) {
        // Another process may have added the column since the plan was read.
        plan = yield* planFor(valid, true)
        columns = resolveColumns(plan, names)
        if (Result.isFailure(columns)) return yield* fail(entity, new UnknownColumn({ column: columns.failure }))
      }
      const params = encodeChunk(chunk, columns.success, runId, position)
      if (Result.isFailure(params)) return yield* fail(entity, params.failure)
      statements.push({ sql: upsertSql(plan, columns.success), params: params.success })
    }
    const run = Effect.forEach(statements, (statement) =>
      sql.unsafe<{ readonly inserted: number; readonly updated: number }>(statement.sql, statement.params)
    )
    // Several statements commit together (a savepoint inside the caller's transaction).
    const results = yield* (statements.length > 1 ? sql.withTransaction(run) : run).pipe(
      Effect.tapError(() => Effect.sync(() => plans.delete(key))),
      databaseFailure(entity, "upsert")
    )
    let inserted = 0
    let updated = 0
    for (const counts of results) {
      inserted += counts[0]?.inserted ?? 0
      updated += counts[0]?.updated ?? 0
    }
    if (bulk !== undefined) lastAllNew.set(key, inserted === unique.length)
    return {
      inserted,
      updated,
      unchanged: unique.length - inserted - updated,
      deduplicated: rows.length - unique.length
    }
  })

  const existingHashes = Effect.fn("PostgresDestination.existingHashes")(function* (
    target: TableTarget,
    bkHashes: ReadonlyArray<string>
  ): Effect.fn.Return<ReadonlyMap<string, StoredRow>, DestinationError | Identifier.InvalidIdentifier> {
    const valid = yield* validTarget(target)
    const { entity } = valid
    const plan = yield* planFor(valid, false)
    const found = new Map<string, StoredRow>()
    for (let start = 0; start < bkHashes.length; start += keysPerStatement) {
      const batch = bkHashes.slice(start, start + keysPerStatement)
      const rows = yield* sql
        .unsafe<{
          readonly bk: string
          readonly data: string
          readonly version: string | null
          readonly deleted: boolean
          readonly run: string | null
        }>(existingSql(plan), [arrayParameter(batch, PgTypes.OID.text)])
        .pipe(databaseFailure(entity, "reading stored hashes"))
      for (const row of rows) {
        found.set(row.bk, { dataHash: row.data, rowVersion: row.version, deleted: row.deleted, lastSeenRun: row.run })
      }
    }
    return found
  })

  const compareHashes = Effect.fn("PostgresDestination.compareHashes")(function* (
    target: TableTarget,
    rows: ReadonlyArray<RowHashes>,
    runId: string
  ): Effect.fn.Return<ReadonlyArray<number>, DestinationError | Identifier.InvalidIdentifier> {
    const valid = yield* validTarget(target)
    const { entity } = valid
    yield* checkRunId(entity, runId)
    if (rows.length === 0) return []
    const plan = yield* planFor(valid, false)
    yield* staging(entity)
    const changed: Array<number> = []
    for (let start = 0; start < rows.length; start += keysPerStatement) {
      const batch = rows.length <= keysPerStatement ? rows : rows.slice(start, start + keysPerStatement)
      const found = yield* sql
        .unsafe<{ readonly n: number }>(compareHashesSql(plan, seenTable), [
          arrayParameter(
            batch.map((row) => row.bkHash),
            PgTypes.OID.text
          ),
          arrayParameter(
            batch.map((row) => row.dataHash),
            PgTypes.OID.text
          ),
          PgTypes.uuid(runId),
          PgTypes.text(plan.key)
        ])
        .pipe(
          Effect.tapError(() => forgetStaging),
          databaseFailure(entity, "comparing data hashes")
        )
      for (const row of found) changed.push(start + row.n - 1)
    }
    return changed.sort((a, b) => a - b)
  })

  const isEmpty = Effect.fn("PostgresDestination.isEmpty")(function* (
    target: TableTarget
  ): Effect.fn.Return<boolean, DestinationError | Identifier.InvalidIdentifier> {
    const valid = yield* validTarget(target)
    const { entity } = valid
    const plan = yield* planFor(valid, false)
    const rows = yield* sql
      .unsafe<{ readonly any: boolean }>(`SELECT EXISTS (SELECT 1 FROM ${plan.qualified}) AS any`)
      .pipe(databaseFailure(entity, "checking for rows"))
    return rows[0]?.any !== true
  })

  const touch = Effect.fn("PostgresDestination.touch")(function* (
    target: TableTarget,
    bkHashes: ReadonlyArray<string>,
    runId: string
  ): Effect.fn.Return<void, DestinationError | Identifier.InvalidIdentifier> {
    const valid = yield* validTarget(target)
    const { entity } = valid
    yield* checkRunId(entity, runId)
    if (bkHashes.length === 0) return
    const plan = yield* planFor(valid, false)
    yield* staging(entity)
    for (let start = 0; start < bkHashes.length; start += keysPerStatement) {
      const batch = bkHashes.slice(start, start + keysPerStatement)
      yield* sql
        .unsafe(`INSERT INTO ${seenTable} (run_id, table_name, bk_hashes) VALUES ($1::uuid, $2, $3::text[])`, [
          PgTypes.uuid(runId),
          PgTypes.text(plan.key),
          arrayParameter(batch, PgTypes.OID.text)
        ])
        .pipe(
          Effect.tapError(() => forgetStaging),
          databaseFailure(entity, "recording seen keys")
        )
    }
  })

  const markDeletedNotSeen = Effect.fn("PostgresDestination.markDeletedNotSeen")(function* (
    target: TableTarget,
    runId: string
  ): Effect.fn.Return<number, DestinationError | Identifier.InvalidIdentifier> {
    const valid = yield* validTarget(target)
    const { entity } = valid
    yield* checkRunId(entity, runId)
    const plan = yield* planFor(valid, false)
    yield* staging(entity)
    const rows = yield* sql
      .unsafe<{ readonly deleted: number }>(markDeletedSql(plan, seenTable), [
        PgTypes.uuid(runId),
        PgTypes.text(plan.key)
      ])
      .pipe(
        Effect.tapError(() => forgetStaging),
        databaseFailure(entity, "soft-deleting unseen rows")
      )
    return rows[0]?.deleted ?? 0
  })

  const markDeleted = Effect.fn("PostgresDestination.markDeleted")(function* (
    target: TableTarget,
    bkHashes: ReadonlyArray<string>
  ): Effect.fn.Return<number, DestinationError | Identifier.InvalidIdentifier> {
    const valid = yield* validTarget(target)
    const { entity } = valid
    if (bkHashes.length === 0) return 0
    const plan = yield* planFor(valid, false)
    let deleted = 0
    for (let start = 0; start < bkHashes.length; start += keysPerStatement) {
      const batch = bkHashes.slice(start, start + keysPerStatement)
      const rows = yield* sql
        .unsafe<{ readonly deleted: number }>(markDeletedKeysSql(plan), [arrayParameter(batch, PgTypes.OID.text)])
        .pipe(databaseFailure(entity, "soft-deleting rows"))
      deleted += rows[0]?.deleted ?? 0
    }
    return deleted
  })

  const forgetSeen = Effect.fn("PostgresDestination.forgetSeen")(function* (
    target: TableTarget,
    runId: string
  ): Effect.fn.Return<void, DestinationError | Identifier.InvalidIdentifier> {
    const { entity, key } = yield* validTarget(target)
    yield* checkRunId(entity, runId)
    yield* staging(entity)
    yield* sql
      .unsafe(`DELETE FROM ${seenTable} WHERE run_id = $1::uuid AND table_name = $2`, [
        PgTypes.uuid(runId),
        PgTypes.text(key)
      ])
      .pipe(
        Effect.tapError(() => forgetStaging),
        databaseFailure(entity, "forgetting seen keys")
      )
  })

  const markParentMissing = Effect.fn("PostgresDestination.markParentMissing")(function* (
    target: TableTarget,
    missing: ReadonlyArray<string>,
    present: ReadonlyArray<string>
  ): Effect.fn.Return<
    { readonly flagged: number; readonly cleared: number },
    DestinationError | Identifier.InvalidIdentifier
  > {
    const valid = yield* validTarget(target)
    const { entity } = valid
    if (missing.length === 0 && present.length === 0) return { flagged: 0, cleared: 0 }
    const plan = yield* planFor(valid, false)
    const run = (statement: string, keys: ReadonlyArray<string>) =>
      Effect.map(
        Effect.forEach(
          Array.from({ length: Math.ceil(keys.length / keysPerStatement) }, (_, i) =>
            keys.slice(i * keysPerStatement, (i + 1) * keysPerStatement)
          ),
          (batch) =>
            sql
              .unsafe<{ readonly n: number }>(statement, [arrayParameter(batch, PgTypes.OID.text)])
              .pipe(databaseFailure(entity, "flagging rows whose parent is missing"))
        ),
        (results) => results.reduce((sum, rows) => sum + (rows[0]?.n ?? 0), 0)
      )
    const flagged = yield* run(flagParentMissingSql(plan), missing)
    const cleared = yield* run(clearParentMissingSql(plan), present)
    return { flagged, cleared }
  })

  const listParentMissing = Effect.fn("PostgresDestination.listParentMissing")(function* (
    target: TableTarget,
    page?: ParentMissingPage
  ): Effect.fn.Return<ReadonlyArray<ParentMissingRow>, DestinationError | Identifier.InvalidIdentifier> {
    const valid = yield* validTarget(target)
    const { entity } = valid
    const plan = yield* planFor(valid, false)
    const limit = Math.min(10_000, Math.max(1, Math.floor(page?.limit ?? 1_000)))
    const rows = yield* sql
      .unsafe(listParentMissingSql(plan), [PgTypes.text(page?.afterBkHash ?? null), limit])
      .pipe(databaseFailure(entity, "listing rows whose parent is missing"))
    const decoded = yield* decodeParentMissing(rows).pipe(
      Effect.mapError(
        (cause) =>
          new DestinationError({
            entity,
            reason: new DatabaseFailure({
              operation: "listing rows whose parent is missing",
              detail: cause.message,
              cause
            })
          })
      )
    )
    return decoded.map((row) => ({ bkHash: row.bk, row: row.row }))
  })

  const rowCheck = Effect.fn("PostgresDestination.rowCheck")(function* (
    target: TableTarget,
    columns?: ReadonlyArray<string>
  ): Effect.fn.Return<RowCheck, DestinationError | Identifier.InvalidIdentifier> {
    // Read from the catalog: a column altered by hand since (to take the source's new type) counts.
    return rowCheckFor(yield* planFor(yield* validTarget(target), true), columns)
  })

  return Destination.of({
    rowCheck,
    ensureEntity,
    markParentMissing,
    listParentMissing,
    upsert,
    touch,
    compareHashes,
    isEmpty,
    markDeletedNotSeen,
    markDeleted,
    forgetSeen,
    existingHashes
  })
})

/** The PostgreSQL destination with the given settings. */
export const layerWith = (
  options: PostgresDestinationOptions
): Layer.Layer<Destination, Identifier.InvalidIdentifier, SqlClient.SqlClient> =>
  Layer.effect(Destination, make(options))

/** The PostgreSQL destination with default settings: seen keys and bulk staging in `syncflow`. */
export const layer: Layer.Layer<Destination, Identifier.InvalidIdentifier, SqlClient.SqlClient> = layerWith({})

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
): Layer.Layer<Destination, Identifier.InvalidIdentifier, SqlClient.SqlClient | PgBulkPool> =>
  Layer.effect(Destination, makeBulk(options))
