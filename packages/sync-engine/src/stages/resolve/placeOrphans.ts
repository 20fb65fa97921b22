/**
 * Where a window's child rows whose parents are missing go, by the entity's orphan policy: `keep`
 * writes them like any row and flags them `_parent_missing`; `park` holds them in
 * `pending_children` until their parents arrive. A row the source lists is live in the table
 * either way (a parked row counts as seen by the listing, so a reconcile keeps it).
 */
import type { IngestRow } from "../../destination/TableDestination.ts"
import type { OrphanPolicy } from "../../state/EntitySettings.ts"
import type { Resolved, WaitingChild } from "./resolveParents.ts"

/** A window's rows, placed. */
export interface PlacedRows {
  /** The rows to write: every row with `keep`, the ones whose parents are present with `park`. */
  readonly write: ReadonlyArray<IngestRow>
  /** Business-key hashes of written rows whose parents are all present (their flag is cleared). */
  readonly present: ReadonlyArray<string>
  /** Business-key hashes of written rows with a parent missing (`keep`: flagged). */
  readonly missing: ReadonlyArray<string>
  /** Rows to park (`park`). */
  readonly parked: ReadonlyArray<WaitingChild>
}

/** Places the rows of a window (`rows`, split by `resolveParents` into `resolved`). */
export const placeOrphans = (
  policy: OrphanPolicy,
  rows: ReadonlyArray<IngestRow>,
  resolved: Resolved,
  hasParents: boolean
): PlacedRows => {
  const present = hasParents ? resolved.ready.map((row) => row._bk_hash) : []
  if (resolved.waiting.length === 0) return { write: resolved.ready, present, missing: [], parked: [] }
  if (policy === "park") return { write: resolved.ready, present, missing: [], parked: resolved.waiting }
  return { write: rows, present, missing: resolved.waiting.map((child) => child.row._bk_hash), parked: [] }
}
