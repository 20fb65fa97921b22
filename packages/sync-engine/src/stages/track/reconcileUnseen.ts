/**
 * Stage 9, Track, at the end of a complete listing, over a `RowLedger` and a `Destination`: the
 * rows the ledger holds live that the listing neither wrote nor saw are gone at the source, so they
 * are deleted in the target, then marked deleted in the ledger, and the run's seen marks forgotten.
 * Deleting a row already gone in the target is done, so a replayed reconcile is harmless.
 */
import { Effect } from "effect"
import type { Destination } from "../../destination/Destination.ts"
import type { TableTarget } from "../../destination/TableTarget.ts"
import type { LedgerScope, RowLedger } from "../../ledger/RowLedger.ts"
import { applyChanges } from "../ingest/applyChanges.ts"

/** Deletes what run `runId`'s complete listing did not see; returns how many rows it deleted. */
export const reconcileUnseen = Effect.fnUntraced(function* (
  ledger: RowLedger["Service"],
  destination: Destination["Service"],
  target: TableTarget,
  scope: LedgerScope,
  runId: string
) {
  const unseen = yield* ledger.unseen(scope, runId)
  // A row never given a target id was never written there: only the ledger forgets it.
  const deletes = unseen.flatMap((row) =>
    row.targetId === null ? [] : [{ bkHash: row.bkHash, targetId: row.targetId }]
  )
  const applied = yield* applyChanges(
    destination,
    target,
    { inserts: [], updates: [], deletes },
    { syncId: scope.syncId, runId, window: "reconcile" }
  )
  const gone = new Set(applied.deleted)
  for (const row of unseen) if (row.targetId === null) gone.add(row.bkHash)
  // The table ledger's rows are marked already by the table's own delete: count what went, not what was marked.
  yield* ledger.markDeleted(scope, [...gone])
  yield* ledger.forgetSeen(scope, runId)
  return gone.size
})
