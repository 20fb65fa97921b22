/**
 * Migration 35, `destination_seen_ids`: `destination_seen.ids`, the rows (`_id`) a window of a
 * complete listing found unchanged, as one `int8multirange` per window instead of their business
 * keys. A window's unchanged rows are mostly consecutive ids (a table is loaded in listing order),
 * so the value is a few ranges rather than 10,000 keys, and the soft-delete at the listing's end
 * visits only the ids between them (see `destination/TablePlan.ts`). Keys recorded by `touch`, and
 * by releases before this one (a listing in progress across an upgrade), stay in `bk_hashes`.
 */
import type { Migration } from "../StateMigrations.ts"

/** Migration 35. */
export const destinationSeenIdsMigration: Migration = {
  id: 35,
  name: "destination_seen_ids",
  statements: ["ALTER TABLE syncflow.destination_seen ADD COLUMN IF NOT EXISTS ids int8multirange"]
}
