/**
 * The PostgreSQL destination's initial load: an empty table is loaded without its unique indexes
 * and indexed once, at the end, which PostgreSQL does several times faster than keeping the
 * indexes up to date row by row.
 *
 * - `beginLoad` drops the primary key and the unique constraint on `_bk_hash` (of an empty table:
 *   instant), in the caller's transaction.
 * - `load` inserts a chunk with no `ON CONFLICT` (nothing can conflict) through the ambient
 *   `SqlClient`, so it commits with the caller's window; with the bulk path (`layerBulk`), large
 *   chunks are COPYed into a staging table first and published in the same way.
 * - `finishLoad` builds the two constraints again; when a business key was written twice (pages
 *   that overlapped, a record that moved between pages), the build fails with a unique violation,
 *   and the repeated keys are folded into their last version first (see `foldRepeatsSql`).
 */
import { Effect, Result } from "effect"
import { dedupe } from "./ChunkRows.ts"
import type { DestinationCatalog } from "./DestinationCatalog.ts"
import { type DestinationError, databaseFailure } from "./DestinationError.ts"
import type * as Identifier from "./Identifier.ts"
import { foldRepeatsSql, loadConstraintsSql, loadSql } from "./LoadStatements.ts"
import type { IngestRow, LoadFinished, TableDestination, UpsertOptions, UpsertResult } from "./TableDestination.ts"
import type { TableTarget } from "./TableTarget.ts"
import { type BulkPath, encodeChunk } from "./UpsertOperation.ts"

const noRows: UpsertResult = { inserted: 0, updated: 0, unchanged: 0, deduplicated: 0 }

/** `beginLoad`, `load` and `finishLoad` of the destination with this catalog and bulk path. */
export const loadOperations = (
  catalog: DestinationCatalog,
  maxRows: number,
  bulk: BulkPath | undefined
): Pick<TableDestination["Service"], "beginLoad" | "load" | "finishLoad"> => {
  const { sql, plans, fail, checkRunId, validTarget, planFor, columnsFor } = catalog

  /** The table's primary key and unique `_bk_hash` constraint, as they are now. */
  const constraints = (qualified: string) =>
    sql.unsafe<{ readonly name: string; readonly kind: string }>(loadConstraintsSql, [qualified])

  const beginLoad = Effect.fn("PostgresDestination.beginLoad")(function* (
    target: TableTarget
  ): Effect.fn.Return<void, DestinationError | Identifier.InvalidIdentifier> {
    const valid = yield* validTarget(target)
    const plan = yield* planFor(valid, false)
    yield* Effect.gen(function* () {
      const found = yield* constraints(plan.qualified)
      if (found.length === 0) return
      const drops = found.map((constraint) => `DROP CONSTRAINT "${constraint.name.replaceAll('"', '""')}"`)
      yield* sql.unsafe(`ALTER TABLE ${plan.qualified} ${drops.join(", ")}`)
    }).pipe(databaseFailure(valid.entity, "dropping the indexes for an initial load"))
  })

  const load = Effect.fn("PostgresDestination.load")(function* (
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
    const deduplicated = rows.length - unique.length
    /** The chunk's columns (see `columnsFor`), keeping the plan they were found in. */
    const columnsOf = Effect.fnUntraced(function* (chunk: ReadonlyArray<IngestRow>) {
      const found = yield* columnsFor(valid, plan, chunk)
      plan = found.plan
      return found.columns
    })
    if (bulk !== undefined && unique.length >= bulk.minRows) {
      const columns = yield* columnsOf(unique)
      const position = positions === undefined ? (index: number) => index : (index: number) => positions[index]!
      const written = yield* bulk.loader
        .write(entity, plan, columns, unique, position, { runId, insertFirst: true })
        .pipe(Effect.tapError(() => Effect.sync(() => plans.delete(key))))
      return { inserted: written.inserted, updated: 0, unchanged: 0, deduplicated }
    }
    // Every statement is encoded (and every value checked) before the first one runs.
    const statements: Array<{ readonly sql: string; readonly params: ReadonlyArray<unknown> }> = []
    for (let start = 0; start < unique.length; start += maxRows) {
      const chunk = unique.length <= maxRows ? unique : unique.slice(start, start + maxRows)
      const position =
        positions === undefined ? (index: number) => start + index : (index: number) => positions[start + index]!
      const columns = yield* columnsOf(chunk)
      const params = encodeChunk(chunk, columns, runId, position)
      if (Result.isFailure(params)) return yield* fail(entity, params.failure)
      statements.push({ sql: loadSql(plan, columns), params: params.success })
    }
    const run = Effect.forEach(statements, (statement) => sql.unsafe(statement.sql, statement.params), {
      discard: true
    })
    // Several statements commit together (a savepoint inside the caller's transaction).
    yield* (statements.length > 1 ? sql.withTransaction(run) : run).pipe(
      Effect.tapError(() => Effect.sync(() => plans.delete(key))),
      databaseFailure(entity, "initial load")
    )
    return { inserted: unique.length, updated: 0, unchanged: 0, deduplicated }
  })

  const finishLoad = Effect.fn("PostgresDestination.finishLoad")(function* (
    target: TableTarget
  ): Effect.fn.Return<LoadFinished, DestinationError | Identifier.InvalidIdentifier> {
    const valid = yield* validTarget(target)
    const plan = yield* planFor(valid, false)
    return yield* Effect.gen(function* () {
      const found = yield* constraints(plan.qualified)
      // The unique index first: a key written twice fails it before the primary key is built for nothing.
      const adds = [
        ...(found.some((constraint) => constraint.kind === "u") ? [] : ['ADD UNIQUE ("_bk_hash")']),
        ...(found.some((constraint) => constraint.kind === "p") ? [] : ['ADD PRIMARY KEY ("_id")'])
      ]
      if (adds.length === 0) return { updated: 0, unchanged: 0 }
      const build = sql.unsafe(`ALTER TABLE ${plan.qualified} ${adds.join(", ")}`)
      // Most loads list every key once: the build itself finds out (in a savepoint of its own).
      const built = yield* sql.withTransaction(build).pipe(
        Effect.as(true),
        Effect.catchReason("SqlError", "UniqueViolation", () => Effect.succeed(false))
      )
      if (built) return { updated: 0, unchanged: 0 }
      const folded = yield* sql.unsafe<{ readonly updated: number; readonly unchanged: number }>(foldRepeatsSql(plan))
      yield* build
      return { updated: folded[0]?.updated ?? 0, unchanged: folded[0]?.unchanged ?? 0 }
    }).pipe(databaseFailure(valid.entity, "building the indexes after an initial load"))
  })

  return { beginLoad, load, finishLoad }
}
