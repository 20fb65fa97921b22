/**
 * The raw source records a window keeps for the rows it may park, so a parked child (orphans `park`)
 * keeps its record as the source gave it, and the failed record it becomes after its last attempt
 * has raw data like any other (a retry runs it through the stages again).
 *
 * Memory: only an entity that has parents and parks orphans keeps raw records, and only those of
 * the window being committed (a page's identified rows already hold them, so the map adds one entry
 * per row, not a copy); they are dropped with the window once it commits. The default policy `keep`
 * (and any entity without parents) builds no map at all, so its pages keep dropping their raw records
 * as soon as they are staged.
 */
import type { Identified, SourceRecord } from "../stages/Row.ts"
import type { OrphanPolicy } from "../state/EntitySettings.ts"
import type { Window } from "./Window.ts"

/** A page's raw records by business-key hash, when its entity parks orphans; `undefined` otherwise. */
export const rawsToPark = (
  orphans: OrphanPolicy,
  rows: ReadonlyArray<Identified>
): ReadonlyMap<string, SourceRecord> | undefined =>
  orphans === "park" ? new Map(rows.map((row) => [row.keyHash, row.raw])) : undefined

/**
 * The raw record of a window's row by its business-key hash: the last page's that has it (a key
 * listed twice in a window is parked with its last row, see `enqueuePendingChildren`).
 */
export const rawInWindow = (window: Window, bkHash: string): SourceRecord | undefined => {
  for (let index = window.pages.length - 1; index >= 0; index--) {
    const raw = window.pages[index]?.raws?.get(bkHash)
    if (raw !== undefined) return raw
  }
  return undefined
}
