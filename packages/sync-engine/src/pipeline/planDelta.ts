/**
 * Stage 6, Delta (hash strategy): compares incoming data hashes with the stored ones, so rows that
 * did not change are counted and never written.
 */
import { Effect } from "effect"
import type { Destination, IngestRow } from "../destination/Destination.ts"

/** The rows to write, and the business-key hashes of the ones found unchanged. */
export interface DeltaPlan {
  readonly write: ReadonlyArray<IngestRow>
  readonly unchanged: ReadonlyArray<string>
}

/** Splits a window into rows to write (new, changed, or deleted before) and unchanged ones. */
export const planDelta = Effect.fnUntraced(function* (
  destination: Destination["Service"],
  entity: string,
  rows: ReadonlyArray<IngestRow>
) {
  if (rows.length === 0) return { write: rows, unchanged: [] } satisfies DeltaPlan
  const stored = yield* destination.existingHashes(
    entity,
    rows.map((row) => row._bk_hash)
  )
  const write: Array<IngestRow> = []
  const unchanged: Array<string> = []
  for (const row of rows) {
    const current = stored.get(row._bk_hash)
    if (current !== undefined && !current.deleted && current.dataHash === row._data_hash) unchanged.push(row._bk_hash)
    else write.push(row)
  }
  return { write, unchanged } satisfies DeltaPlan
})
