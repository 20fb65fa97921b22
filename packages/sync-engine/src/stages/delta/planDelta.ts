/**
 * Stage 6, Delta (hash strategy): compares incoming data hashes with the stored ones, so rows that
 * did not change are counted and never written. The destination records the unchanged rows as seen
 * by the run in the same round trip, for the delete detection after a complete listing.
 */
import { Effect } from "effect"
import type { IngestRow, TableDestination } from "../../destination/TableDestination.ts"
import type { TableTarget } from "../../destination/TableTarget.ts"

/** The rows to write, and how many were found unchanged. */
export interface DeltaPlan {
  readonly write: ReadonlyArray<IngestRow>
  readonly unchanged: number
}

/** Splits a window into rows to write (new, changed, or deleted before) and unchanged ones, recorded as seen by `runId`. */
export const planDelta = Effect.fnUntraced(function* (
  destination: TableDestination["Service"],
  target: TableTarget,
  rows: ReadonlyArray<IngestRow>,
  runId: string
) {
  if (rows.length === 0) return { write: rows, unchanged: 0 } satisfies DeltaPlan
  const changed = yield* destination.compareHashes(
    target,
    rows.map((row) => ({ bkHash: row._bk_hash, dataHash: row._data_hash })),
    runId
  )
  const write = changed.length === rows.length ? rows : changed.map((index) => rows[index]!)
  return { write, unchanged: rows.length - changed.length } satisfies DeltaPlan
})
