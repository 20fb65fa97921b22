/**
 * Stage 6, Delta, over a `RowLedger` (any destination): compares a window's rows with the ledger
 * and turns the ones to write into changes — a create where the ledger knows no live target id, an
 * update of that id otherwise. The ledger records the unchanged rows as seen by the run.
 */
import { Effect } from "effect"
import type { DestinationChanges, RowUpdate } from "../../destination/Destination.ts"
import type { IngestRow } from "../../destination/TableDestination.ts"
import type { LedgerScope, RowLedger } from "../../ledger/RowLedger.ts"

/** A window's changes, and how many of its rows were unchanged. */
export interface ChangePlan {
  readonly changes: DestinationChanges
  readonly unchanged: number
}

/**
 * The changes of `rows` (the last row of a business key wins) against `ledger`, recording the
 * unchanged ones as seen by `runId`. `compare: false` (a first listing into an empty ledger) writes
 * every row as a create without asking.
 */
export const planChanges = Effect.fnUntraced(function* (
  ledger: RowLedger["Service"],
  scope: LedgerScope,
  rows: ReadonlyArray<IngestRow>,
  runId: string,
  options: { readonly compare?: boolean | undefined } = {}
) {
  // One row per business key: the last one is the source's latest state.
  const byKey = new Map<string, IngestRow>()
  for (const row of rows) byKey.set(row._bk_hash, row)
  const unique = byKey.size === rows.length ? rows : [...byKey.values()]
  const duplicates = rows.length - unique.length
  if (options.compare === false) {
    return { changes: { inserts: unique, updates: [], deletes: [] }, unchanged: duplicates } satisfies ChangePlan
  }
  const found = yield* ledger.compare(
    scope,
    unique.map((row) => ({ bkHash: row._bk_hash, dataHash: row._data_hash })),
    runId
  )
  const inserts: Array<IngestRow> = []
  const updates: Array<RowUpdate> = []
  for (const change of found) {
    const row = unique[change.index]!
    if (change.targetId === null) inserts.push(row)
    else updates.push({ row, targetId: change.targetId })
  }
  return {
    changes: { inserts, updates, deletes: [] },
    unchanged: unique.length - found.length + duplicates
  } satisfies ChangePlan
})
