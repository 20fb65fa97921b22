/**
 * The `RowLedger` in SyncFlow's own database: `syncflow.row_ledger` (one row per sync and
 * business-key hash, with the target's id) and `syncflow.row_ledger_seen` (the keys a run saw
 * without writing them, one row per chunk). For destinations that cannot join the engine's
 * transaction: it writes through the ambient `SqlClient`, so the ledger commits with the window's
 * checkpoint in the engine's transaction, after the destination's idempotent writes.
 *
 * The interface is in `RowLedger.ts`; this file is only its SQL driver (the tables are created by
 * migration 14, see `state/StateMigrations.ts`).
 */
import { PgTypes } from "@effect/sql-pg"
import { Effect, Layer } from "effect"
import { SqlClient } from "effect/sql"
import { batches, textArray } from "../state/storeHelpers.ts"
import {
  type LedgerChange,
  type LedgerEntry,
  type LedgerScope,
  RowLedger,
  RowLedgerError,
  type UnseenRow
} from "./RowLedger.ts"

/** Keys per statement. */
const chunk = 10_000

const failure =
  (operation: string) =>
  <A, E extends { readonly message: string }, R>(effect: Effect.Effect<A, E, R>) =>
    Effect.mapError(effect, (cause) => new RowLedgerError({ operation, message: cause.message, cause }))

interface EntryRow {
  readonly bk: string
  readonly data: string
  readonly version: string | null
  readonly target: string | null
  readonly run: string | null
  readonly deleted: boolean
}

const toEntry = (row: EntryRow): LedgerEntry => ({
  bkHash: row.bk,
  dataHash: row.data,
  rowVersion: row.version,
  targetId: row.target,
  lastSeenRun: row.run,
  deleted: row.deleted
})

/** Builds the ledger on the ambient `SqlClient` (the `syncflow` schema must be migrated). */
export const make: Effect.Effect<RowLedger["Service"], never, SqlClient.SqlClient> = Effect.gen(function* () {
  const sql = (yield* SqlClient.SqlClient).withoutTransforms()

  const insertSeen = (scope: LedgerScope, bkHashes: ReadonlyArray<string>, runId: string) =>
    Effect.forEach(
      batches(bkHashes, chunk),
      (batch) =>
        Effect.flatMap(textArray(batch), (keys) =>
          sql.unsafe("INSERT INTO syncflow.row_ledger_seen (sync_id, run_id, bk_hashes) VALUES ($1, $2::uuid, $3)", [
            PgTypes.text(scope.syncId),
            PgTypes.uuid(runId),
            keys
          ])
        ),
      { discard: true }
    )

  const lookupRows = (scope: LedgerScope, bkHashes: ReadonlyArray<string>) =>
    Effect.forEach(batches(bkHashes, chunk), (batch) =>
      Effect.flatMap(textArray(batch), (keys) =>
        sql.unsafe<EntryRow>(
          `SELECT bk_hash AS bk, data_hash AS data, row_version AS version, target_id AS target,
             last_seen_run::text AS run, deleted
           FROM syncflow.row_ledger WHERE sync_id = $1 AND bk_hash = ANY($2::text[])`,
          [PgTypes.text(scope.syncId), keys]
        )
      )
    ).pipe(Effect.map((found) => new Map(found.flat().map((row) => [row.bk, toEntry(row)]))))

  return RowLedger.of({
    compare: Effect.fn("SqlRowLedger.compare")(function* (scope, rows, runId) {
      if (rows.length === 0) return []
      const known = yield* lookupRows(
        scope,
        rows.map((row) => row.bkHash)
      )
      const changes: Array<LedgerChange> = []
      const unchanged: Array<string> = []
      rows.forEach((row, index) => {
        const entry = known.get(row.bkHash)
        if (entry === undefined || entry.deleted) changes.push({ index, targetId: null })
        else if (entry.dataHash !== row.dataHash) changes.push({ index, targetId: entry.targetId })
        else unchanged.push(row.bkHash)
      })
      if (unchanged.length > 0) yield* insertSeen(scope, unchanged, runId)
      return changes
    }, failure("compare")),

    record: Effect.fn("SqlRowLedger.record")(function* (scope, rows, runId) {
      // The last write of a key wins when a chunk names it twice.
      const byKey = new Map(rows.map((row) => [row.bkHash, row]))
      for (const batch of batches([...byKey.values()], chunk)) {
        yield* sql.unsafe(
          `INSERT INTO syncflow.row_ledger (sync_id, bk_hash, data_hash, row_version, target_id, last_seen_run)
           SELECT $1, t.bk, t.data, t.version, t.target, $2::uuid
           FROM unnest($3::text[], $4::text[], $5::text[], $6::text[]) AS t(bk, data, version, target)
           ON CONFLICT (sync_id, bk_hash) DO UPDATE SET data_hash = excluded.data_hash,
             row_version = excluded.row_version,
             target_id = COALESCE(excluded.target_id, row_ledger.target_id),
             last_seen_run = excluded.last_seen_run, deleted = false, deleted_at = NULL, updated_at = now()`,
          [
            PgTypes.text(scope.syncId),
            PgTypes.uuid(runId),
            yield* textArray(batch.map((row) => row.bkHash)),
            yield* textArray(batch.map((row) => row.dataHash)),
            yield* textArray(batch.map((row) => row.rowVersion ?? null)),
            yield* textArray(batch.map((row) => row.targetId ?? null))
          ]
        )
      }
    }, failure("record")),

    touch: Effect.fn("SqlRowLedger.touch")(function* (scope, bkHashes, runId) {
      if (bkHashes.length > 0) yield* insertSeen(scope, bkHashes, runId)
    }, failure("touch")),

    unseen: Effect.fn("SqlRowLedger.unseen")(function* (scope, runId) {
      const rows = yield* sql.unsafe<{ readonly bk: string; readonly target: string | null }>(
        `WITH seen AS (
           SELECT DISTINCT unnest(bk_hashes) AS bk FROM syncflow.row_ledger_seen WHERE sync_id = $1 AND run_id = $2::uuid
         )
         SELECT l.bk_hash AS bk, l.target_id AS target FROM syncflow.row_ledger l
         WHERE l.sync_id = $1 AND NOT l.deleted AND l.last_seen_run IS DISTINCT FROM $2::uuid
           AND NOT EXISTS (SELECT 1 FROM seen WHERE seen.bk = l.bk_hash)
         ORDER BY l.bk_hash`,
        [PgTypes.text(scope.syncId), PgTypes.uuid(runId)]
      )
      return rows.map((row): UnseenRow => ({ bkHash: row.bk, targetId: row.target }))
    }, failure("unseen")),

    markDeleted: Effect.fn("SqlRowLedger.markDeleted")(function* (scope, bkHashes) {
      let marked = 0
      for (const batch of batches([...new Set(bkHashes)], chunk)) {
        const rows = yield* sql.unsafe<{ readonly n: number }>(
          `WITH marked AS (
             UPDATE syncflow.row_ledger SET deleted = true, deleted_at = now(), updated_at = now()
             WHERE sync_id = $1 AND bk_hash = ANY($2::text[]) AND NOT deleted RETURNING 1
           ) SELECT count(*)::int AS n FROM marked`,
          [PgTypes.text(scope.syncId), yield* textArray(batch)]
        )
        marked += rows[0]?.n ?? 0
      }
      return marked
    }, failure("markDeleted")),

    forgetSeen: Effect.fn("SqlRowLedger.forgetSeen")(function* (scope, runId) {
      yield* sql.unsafe("DELETE FROM syncflow.row_ledger_seen WHERE sync_id = $1 AND run_id = $2::uuid", [
        PgTypes.text(scope.syncId),
        PgTypes.uuid(runId)
      ])
    }, failure("forgetSeen")),

    isEmpty: Effect.fn("SqlRowLedger.isEmpty")(function* (scope) {
      const rows = yield* sql.unsafe<{ readonly found: boolean }>(
        "SELECT EXISTS (SELECT 1 FROM syncflow.row_ledger WHERE sync_id = $1) AS found",
        [PgTypes.text(scope.syncId)]
      )
      return rows[0]?.found !== true
    }, failure("isEmpty")),

    lookup: Effect.fn("SqlRowLedger.lookup")(function* (scope, bkHashes) {
      return yield* lookupRows(scope, bkHashes)
    }, failure("lookup"))
  })
})

/** The SQL ledger on the ambient `SqlClient`. */
export const layer: Layer.Layer<RowLedger, never, SqlClient.SqlClient> = Layer.effect(RowLedger, make)
