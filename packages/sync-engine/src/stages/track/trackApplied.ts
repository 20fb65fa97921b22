/**
 * Stage 9, Track, over a `RowLedger`: records what a window's writes did — written rows with their
 * target ids, deleted keys, and parked rows as seen (the source lists them: a reconcile must not
 * take them for deleted). Runs in the window's transaction, with its checkpoint.
 */
import { Effect } from "effect"
import type { LedgerScope, RowLedger } from "../../ledger/RowLedger.ts"
import type { Applied } from "../ingest/applyChanges.ts"

/** Records `applied` in `ledger` for `runId`. */
export const trackApplied = Effect.fnUntraced(function* (
  ledger: RowLedger["Service"],
  scope: LedgerScope,
  applied: Applied,
  runId: string
) {
  if (applied.written.length > 0) yield* ledger.record(scope, applied.written, runId)
  if (applied.deleted.length > 0) yield* ledger.markDeleted(scope, applied.deleted)
  if (applied.parked.length > 0) {
    yield* ledger.touch(
      scope,
      applied.parked.map((row) => row.bkHash),
      runId
    )
  }
})
