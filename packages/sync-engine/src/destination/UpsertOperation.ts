/**
 * The PostgreSQL destination's upsert: one unnest statement per chunk, or the bulk (COPY) path for
 * large chunks of new keys.
 */
import { PgTypes } from "@effect/sql-pg"
import { Effect, Result } from "effect"
import { dedupe, identityArray } from "./ChunkRows.ts"
import { integerElements, Rejected, timestampElements } from "./ColumnEncoding.ts"
import type * as CopyLoader from "./CopyLoader.ts"
import type { DestinationCatalog } from "./DestinationCatalog.ts"
import { arrayParameter } from "./DestinationCatalog.ts"
import { type DestinationError, databaseFailure, InvalidValue } from "./DestinationError.ts"
import type * as Identifier from "./Identifier.ts"
import type { IngestRow, TableDestination, UpsertOptions, UpsertResult } from "./TableDestination.ts"
import { type PlannedColumn, upsertSql } from "./TablePlan.ts"
import type { TableTarget } from "./TableTarget.ts"

const noRows: UpsertResult = { inserted: 0, updated: 0, unchanged: 0, deduplicated: 0 }

/** The parameters of one upsert (or load) statement: an array per column, the identity arrays, the run id. */
export const encodeChunk = (
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

/** The bulk (COPY) path of a destination: its loader, its smallest chunk, and whether it takes every large one. */
export interface BulkPath {
  readonly loader: CopyLoader.CopyLoader
  readonly minRows: number
  readonly always: boolean
}

/** `upsert` of the destination with this catalog, `maxRows` rows per statement, with or without its bulk path. */
export const upsertOperation = (
  catalog: DestinationCatalog,
  maxRows: number,
  bulk: BulkPath | undefined
): Pick<TableDestination["Service"], "upsert"> => {
  const { sql, plans, fail, checkRunId, validTarget, planFor, columnsFor } = catalog

  /** Per `schema.table`, whether its last chunk had only new keys (bulk path only): decides between COPY and unnest. */
  const lastAllNew = new Map<string, boolean>()

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
      const found = yield* columnsFor(valid, plan, unique)
      plan = found.plan
      const columns = found.columns
      const position = positions === undefined ? (index: number) => index : (index: number) => positions[index]!
      const written = yield* bulk.loader
        .write(entity, plan, columns, unique, position, { runId, insertFirst: expectNew })
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
      const found = yield* columnsFor(valid, plan, chunk)
      plan = found.plan
      const params = encodeChunk(chunk, found.columns, runId, position)
      if (Result.isFailure(params)) return yield* fail(entity, params.failure)
      statements.push({ sql: upsertSql(plan, found.columns), params: params.success })
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

  return { upsert }
}
