/**
 * How an entity is synced. There are two kinds of listing, and the modes name them:
 *
 * - `incremental`: for a `rowversion` entity, only what changed since the last completed listing
 *   (it cannot see deletes); for a `full`/`hash` entity, a complete listing (below).
 * - `reconcile` (also called `full-refresh`: the same thing under its older name): a complete
 *   listing. Data hashes are compared with the stored ones, only new and changed rows are written,
 *   and the rows the listing did not see are soft-deleted.
 *
 * `full-refresh` and `reconcile` are one mode on purpose: rewriting rows whose data hash is
 * unchanged would change nothing a user can see (the hash covers every mapped column), so a
 * "refresh that rewrites everything" would only cost time. Both names are accepted (API, CLI,
 * stored settings) and recorded as given; the engine treats them alike, and an interrupted listing
 * of one is resumed by the other.
 */
import { Schema } from "effect"

/** How an entity is synced: `incremental`, or a complete listing (`reconcile`, alias `full-refresh`). */
export const SyncMode = Schema.Literals(["incremental", "full-refresh", "reconcile"]).annotate({
  description:
    "incremental: only what changed (row-version entities; others are listed in full). reconcile (alias full-refresh): a complete listing that writes new and changed rows and soft-deletes rows the source no longer has."
})
/** How an entity is synced. */
export type SyncMode = typeof SyncMode.Type

/** The two kinds of listing a mode asks for. */
export type ListingKind = "incremental" | "complete"

/** The kind of listing a mode asks for: `full-refresh` and `reconcile` are both complete listings. */
export const listingKind = (mode: SyncMode | (string & {})): ListingKind =>
  mode === "incremental" ? "incremental" : "complete"

/** Whether two modes ask for the same listing (so one's interrupted listing is resumed by the other). */
export const sameListing = (a: SyncMode | (string & {}), b: SyncMode | (string & {})): boolean =>
  listingKind(a) === listingKind(b)
