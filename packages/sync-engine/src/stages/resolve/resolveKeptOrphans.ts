/**
 * The second half of orphans `keep`: once parents arrive, the rows flagged `_parent_missing` whose
 * parents are now all present (and live) are cleared, a page at a time. Run after a parent entity's
 * sync and on the pending-children pass.
 */
import { Effect } from "effect"
import type { IngestRow, TableDestination } from "../../destination/TableDestination.ts"
import type { TableTarget } from "../../destination/TableTarget.ts"
import type { ParentLink } from "./ParentLink.ts"
import { resolveParents } from "./resolveParents.ts"

/** What a pass did: rows whose flag was cleared, rows still waiting for a parent. */
export interface KeptOrphansOutcome {
  readonly cleared: number
  readonly stillMissing: number
}

/** Clears the flag of an entity's kept orphans whose parents have arrived. */
export const resolveKeptOrphans = Effect.fnUntraced(function* (
  destination: TableDestination["Service"],
  target: TableTarget,
  links: ReadonlyArray<ParentLink>,
  pageSize = 1_000
) {
  let cleared = 0
  let stillMissing = 0
  if (links.length === 0) return { cleared, stillMissing } satisfies KeptOrphansOutcome
  let after: string | undefined
  while (true) {
    const page = yield* destination
      .listParentMissing(target, { afterBkHash: after, limit: pageSize })
      // A child entity not synced yet has no table, hence no orphans.
      .pipe(Effect.catchReason("DestinationError", "UnknownEntity", () => Effect.succeed([])))
    if (page.length === 0) break
    after = page[page.length - 1]?.bkHash
    // Only the foreign-key columns matter to `resolveParents`; the data hash is not used.
    const rows: Array<IngestRow> = page.map((orphan) => ({ ...orphan.row, _bk_hash: orphan.bkHash, _data_hash: "" }))
    const resolved = yield* resolveParents(destination, links, rows)
    if (resolved.ready.length > 0) {
      const done = yield* destination.markParentMissing(
        target,
        [],
        resolved.ready.map((row) => row._bk_hash)
      )
      cleared += done.cleared
    }
    stillMissing += resolved.waiting.length
    if (page.length < pageSize) break
  }
  return { cleared, stillMissing } satisfies KeptOrphansOutcome
})
