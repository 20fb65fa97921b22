/**
 * Keep the records of a chunk that satisfy a Select stage's predicates, in one pass. A skipped record
 * is not a failure: it is counted, and nothing is written for it.
 */
import type { Normalized } from "../Row.ts"
import type { Selector } from "./Selector.ts"

/** The records of a chunk that go to the destination, and how many were skipped. */
export interface SelectResult {
  readonly ok: ReadonlyArray<Normalized>
  readonly skipped: number
}

/** Filters a chunk of clean records with the selector's predicates (all go when it has none). */
export const selectChunk = (selector: Selector, records: ReadonlyArray<Normalized>): SelectResult => {
  const keep = selector.keep
  if (keep === undefined) return { ok: records, skipped: 0 }
  const ok: Array<Normalized> = []
  for (let index = 0; index < records.length; index++) {
    const record = records[index] as Normalized
    if (keep(record.normalized)) ok.push(record)
  }
  return { ok, skipped: records.length - ok.length }
}
