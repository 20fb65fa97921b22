/**
 * Stage 8, Ingest, over the write-side `Destination`: sends a window's changes in batches of the
 * destination's `maxBatch` and sorts the outcomes into what the ledger records (written, deleted),
 * what waits for a parent (parked) and what becomes a failed record (failed).
 */
import { Effect } from "effect"
import {
  type ApplyContext,
  batchChanges,
  type Destination,
  type DestinationChanges,
  type RowOutcome
} from "../../destination/Destination.ts"
import type { IngestRow } from "../../destination/TableDestination.ts"
import type { TableTarget } from "../../destination/TableTarget.ts"
import type { LedgerWrite } from "../../ledger/RowLedger.ts"

/** A row the destination parked: its parent is not in the target yet. */
export type ParkedRow = Extract<RowOutcome, { readonly _tag: "parked" }>

/** A row the destination refused. */
export type RefusedRow = Extract<RowOutcome, { readonly _tag: "failed" }>

/** What became of a window's changes. */
export interface Applied {
  /** Rows written, as the ledger records them (with the target's ids). */
  readonly written: ReadonlyArray<LedgerWrite>
  readonly inserted: number
  readonly updated: number
  /** Business keys deleted in the target. */
  readonly deleted: ReadonlyArray<string>
  readonly parked: ReadonlyArray<ParkedRow>
  readonly failed: ReadonlyArray<RefusedRow>
}

/**
 * Applies `changes` to `target` batch by batch; the batches are numbered from 0 in `context.batch`,
 * so a replayed window sends the same batches under the same context.
 */
export const applyChanges = Effect.fnUntraced(function* (
  destination: Destination["Service"],
  target: TableTarget,
  changes: DestinationChanges,
  context: Omit<ApplyContext, "batch">
) {
  const rows = new Map<string, IngestRow>()
  for (const row of changes.inserts) rows.set(row._bk_hash, row)
  for (const update of changes.updates) rows.set(update.row._bk_hash, update.row)
  const written: Array<LedgerWrite> = []
  const deleted: Array<string> = []
  const parked: Array<ParkedRow> = []
  const failed: Array<RefusedRow> = []
  let inserted = 0
  let updated = 0
  const batches = batchChanges(changes, destination.capabilities.maxBatch)
  for (let batch = 0; batch < batches.length; batch++) {
    const outcomes = yield* destination.apply(target, batches[batch]!, { ...context, batch })
    for (const outcome of outcomes) {
      switch (outcome._tag) {
        case "written": {
          const row = rows.get(outcome.bkHash)
          if (row === undefined) break
          written.push({
            bkHash: outcome.bkHash,
            dataHash: row._data_hash,
            rowVersion: row._row_version ?? null,
            targetId: outcome.targetId
          })
          if (outcome.operation === "inserted") inserted++
          else updated++
          break
        }
        case "deleted":
          deleted.push(outcome.bkHash)
          break
        case "parked":
          parked.push(outcome)
          break
        case "failed":
          failed.push(outcome.row === undefined ? { ...outcome, row: rows.get(outcome.bkHash) } : outcome)
          break
      }
    }
  }
  return { written, inserted, updated, deleted, parked, failed } satisfies Applied
})
