/**
 * The `RowLedger` of the PostgreSQL destination: the entity table's own audit columns (`_bk_hash`,
 * `_data_hash`, `_row_version`, `_last_seen_run`, `_deleted`) and its seen-keys staging table, read
 * and written through the `TableDestination`. Its rows are their own ledger entries, so nothing is
 * written twice: `record` has nothing left to do after the upsert (which set `_last_seen_run`), and a
 * row's target id is its business-key hash. It joins the caller's transaction like the destination.
 */
import { Effect } from "effect"
import type { TableDestination } from "../destination/TableDestination.ts"
import { type LedgerEntry, RowLedger, RowLedgerError } from "./RowLedger.ts"

const failure =
  (operation: string) =>
  <A, E extends { readonly message: string }, R>(effect: Effect.Effect<A, E, R>) =>
    Effect.mapError(effect, (cause) => new RowLedgerError({ operation, message: cause.message, cause }))

/** The ledger over the tables of `tables` (the scope's `target` names the table; its sync id is not needed). */
export const make = (tables: TableDestination["Service"]): RowLedger["Service"] =>
  RowLedger.of({
    compare: (scope, rows, runId) =>
      tables.compareHashes(scope.target, rows, runId).pipe(
        // A table row is upserted by its business key: it needs no target id.
        Effect.map((indexes) => indexes.map((index) => ({ index, targetId: null }))),
        failure("compare")
      ),
    record: () => Effect.void,
    touch: (scope, bkHashes, runId) => tables.touch(scope.target, bkHashes, runId).pipe(failure("touch")),
    unseen: (scope, runId) =>
      tables.unseen(scope.target, runId).pipe(
        Effect.map((keys) => keys.map((bkHash) => ({ bkHash, targetId: bkHash }))),
        failure("unseen")
      ),
    markDeleted: (scope, bkHashes) => tables.markDeleted(scope.target, bkHashes).pipe(failure("markDeleted")),
    forgetSeen: (scope, runId) => tables.forgetSeen(scope.target, runId).pipe(failure("forgetSeen")),
    isEmpty: (scope) =>
      tables.isEmpty(scope.target).pipe(
        Effect.catchReason("DestinationError", "UnknownEntity", () => Effect.succeed(true)),
        failure("isEmpty")
      ),
    lookup: (scope, bkHashes) =>
      tables.existingHashes(scope.target, bkHashes).pipe(
        Effect.map(
          (stored) =>
            new Map(
              [...stored].map(([bkHash, row]): [string, LedgerEntry] => [
                bkHash,
                {
                  bkHash,
                  dataHash: row.dataHash,
                  rowVersion: row.rowVersion,
                  targetId: bkHash,
                  lastSeenRun: row.lastSeenRun ?? null,
                  deleted: row.deleted
                }
              ])
            )
        ),
        failure("lookup")
      )
  })
