/**
 * How an entity is synced: `incremental` lists only what changed since the last completed listing
 * (for row-version sources; others list everything), `full-refresh` lists everything, and
 * `reconcile` lists everything to find deletes. Complete listings soft-delete rows not seen.
 */
import { Schema } from "effect"

/** How an entity is synced. */
export const SyncMode = Schema.Literals(["incremental", "full-refresh", "reconcile"])
/** How an entity is synced. */
export type SyncMode = typeof SyncMode.Type
