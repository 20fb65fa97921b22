/**
 * Stage 7, Resolve: a child row goes on only when every parent it names is already in the
 * destination; the others wait in `pending_children` and are retried when parents arrive.
 */
import { Effect } from "effect"
import type { IngestRow, TableDestination } from "../../destination/TableDestination.ts"
import { type ParentLink, parentHashOf } from "./ParentLink.ts"

/** A child row waiting for its parent. */
export interface WaitingChild {
  readonly row: IngestRow
  readonly parentEntity: string
  readonly parentBkHash: string
}

/** The rows whose parents exist, and the ones that must wait. */
export interface Resolved {
  readonly ready: ReadonlyArray<IngestRow>
  readonly waiting: ReadonlyArray<WaitingChild>
}

/** Splits rows by whether their parents are present (one lookup per parent entity for the whole window). */
export const resolveParents = Effect.fnUntraced(function* (
  destination: TableDestination["Service"],
  links: ReadonlyArray<ParentLink>,
  rows: ReadonlyArray<IngestRow>
) {
  if (links.length === 0 || rows.length === 0) return { ready: rows, waiting: [] } satisfies Resolved
  const missing = new Map<IngestRow, WaitingChild>()
  for (const link of links) {
    const hashes = rows.map((row) => parentHashOf(link, row))
    const wanted = [...new Set(hashes.filter((h): h is string => h !== undefined))]
    const present = yield* destination.existingHashes(link.parentTarget, wanted)
    rows.forEach((row, i) => {
      const hash = hashes[i]
      if (hash === undefined || missing.has(row)) return
      const stored = present.get(hash)
      if (stored === undefined || stored.deleted) {
        missing.set(row, { row, parentEntity: link.parentEntity, parentBkHash: hash })
      }
    })
  }
  return {
    ready: missing.size === 0 ? rows : rows.filter((row) => !missing.has(row)),
    waiting: [...missing.values()]
  } satisfies Resolved
})
