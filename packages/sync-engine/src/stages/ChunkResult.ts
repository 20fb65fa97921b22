/**
 * What a chunk-level stage returns: the records that passed and the records it rejected, in one pass.
 */
import type { RecordFailure } from "./RecordFailure.ts"

/** The records of a chunk that passed a stage, and those it rejected (never an exception). */
export interface ChunkResult<A> {
  readonly ok: ReadonlyArray<A>
  readonly failures: ReadonlyArray<RecordFailure>
}
