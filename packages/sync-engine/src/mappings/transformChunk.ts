/**
 * The Transform stage on a chunk, in one pass: each clean record becomes its destination fields
 * (the definition's field mapping); a record a transformation fails on becomes a failed record
 * (stage `transform`) with the expression and the values, and the chunk goes on.
 */
import type { ChunkResult } from "../stages/ChunkResult.ts"
import { type RecordFailure, recordFailure } from "../stages/RecordFailure.ts"
import type { Normalized } from "../stages/Row.ts"
import type { Transformer } from "./Transformer.ts"

/** Transforms a chunk: records whose `normalized` is now their destination fields, and the failures. */
export const transformChunk = (
  transformer: Transformer,
  records: ReadonlyArray<Normalized>
): ChunkResult<Normalized> => {
  const ok: Array<Normalized> = []
  const failures: Array<RecordFailure> = []
  for (let index = 0; index < records.length; index++) {
    const record = records[index] as Normalized
    const { row, issues } = transformer.apply(record.normalized)
    if (issues === undefined) ok.push({ raw: record.raw, normalized: row })
    else {
      failures.push(
        recordFailure("transform", issues, { raw: record.raw, normalized: record.normalized, mapped: row, index })
      )
    }
  }
  return { ok, failures }
}
