/**
 * The PostgreSQL destination's reconciliation: stored hashes, the rows a run has seen (staged in
 * `destination_seen`: the ids of the rows a window found unchanged, and the business keys `touch`
 * recorded), and soft deletes.
 */
import { PgTypes } from "@effect/sql-pg"
import { Effect } from "effect"
import type { DestinationCatalog } from "./DestinationCatalog.ts"
import { arrayParameter, keysPerStatement } from "./DestinationCatalog.ts"
import { type DestinationError, databaseFailure } from "./DestinationError.ts"
import type * as Identifier from "./Identifier.ts"
import type { RowHashes, StoredRow, TableDestination } from "./TableDestination.ts"
import { compareHashesSql, existingSql, markDeletedKeysSql, markDeletedSql, unseenSql } from "./TablePlan.ts"
import type { TableTarget } from "./TableTarget.ts"

/**
 * `existingHashes`, `compareHashes`, `touch`, `markDeletedNotSeen`, `unseen`, `markDeleted` and `forgetSeen` of the
 * destination with this catalog.
 */
export const reconcileOperations = (
  catalog: DestinationCatalog
): Pick<
  TableDestination["Service"],
  "existingHashes" | "compareHashes" | "touch" | "markDeletedNotSeen" | "markDeleted" | "forgetSeen" | "unseen"
> => {
  const { sql, seenTable, checkRunId, staging, forgetStaging, validTarget, planFor } = catalog

  /**
   * Runs a statement whose row counts the planner cannot estimate (the ranges of `compareHashesSql`,
   * the gaps of `markDeletedSql` and `unseenSql`) with JIT off, in a transaction of its own (a
   * savepoint in the caller's): it takes them for large, and JIT-compiling the statement would cost
   * more (0.9 s measured) than running it. `hashOverMerge` also turns merge joins off: the range of
   * `compareHashesSql` is then hashed against the window rather than both sorted (101 ms against
   * 200 ms for 10,000 keys on the loaded machine).
   */
  const withoutJit = <A, E, R>(statement: Effect.Effect<A, E, R>, hashOverMerge = false) =>
    sql.withTransaction(
      Effect.andThen(
        sql.unsafe(
          hashOverMerge
            ? "SELECT set_config('jit', 'off', true), set_config('enable_mergejoin', 'off', true)"
            : "SELECT set_config('jit', 'off', true)"
        ),
        statement
      )
    )

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

  /**
   * Per table (`schema.table`), the id after the last stored row the previous comparison found:
   * where the next window's rows are expected (see `compareHashesSql`). Only a guess, so this
   * process's memory is enough: the first window of a process starts at id 1.
   */
  const nextIds = new Map<string, bigint>()

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
      const from = nextIds.get(plan.key) ?? 1n
      // Room for the batch's rows and as many again: ids a listing skips (rows it no longer lists).
      const to = from + BigInt(batch.length * 2)
      const found = yield* withoutJit(
        sql.unsafe<{ readonly n: number | null; readonly last: string | null }>(compareHashesSql(plan, seenTable), [
          arrayParameter(
            batch.map((row) => row.bkHash),
            PgTypes.OID.text
          ),
          arrayParameter(
            batch.map((row) => row.dataHash),
            PgTypes.OID.text
          ),
          PgTypes.uuid(runId),
          PgTypes.text(plan.key),
          PgTypes.text(String(from)),
          PgTypes.text(String(to))
        ]),
        true
      ).pipe(
        Effect.tapError(() => forgetStaging),
        databaseFailure(entity, "comparing data hashes")
      )
      for (const row of found) {
        if (row.n !== null) changed.push(start + row.n - 1)
        else if (row.last !== null) nextIds.set(plan.key, BigInt(row.last) + 1n)
      }
    }
    return changed.sort((a, b) => a - b)
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
    const rows = yield* withoutJit(
      sql.unsafe<{ readonly deleted: number }>(markDeletedSql(plan, seenTable), [
        PgTypes.uuid(runId),
        PgTypes.text(plan.key)
      ])
    ).pipe(
      Effect.tapError(() => forgetStaging),
      databaseFailure(entity, "soft-deleting unseen rows")
    )
    return rows[0]?.deleted ?? 0
  })

  const unseen = Effect.fn("PostgresDestination.unseen")(function* (
    target: TableTarget,
    runId: string
  ): Effect.fn.Return<ReadonlyArray<string>, DestinationError | Identifier.InvalidIdentifier> {
    const valid = yield* validTarget(target)
    const { entity } = valid
    yield* checkRunId(entity, runId)
    const plan = yield* planFor(valid, false)
    yield* staging(entity)
    const rows = yield* withoutJit(
      sql.unsafe<{ readonly bk: string }>(unseenSql(plan, seenTable), [PgTypes.uuid(runId), PgTypes.text(plan.key)])
    ).pipe(
      Effect.tapError(() => forgetStaging),
      databaseFailure(entity, "reading unseen rows")
    )
    return rows.map((row) => row.bk)
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

  return { existingHashes, compareHashes, touch, markDeletedNotSeen, unseen, markDeleted, forgetSeen }
}
