/**
 * What a run's Transform stage (its definition's field mapping) did, in `sync_runs.transformed` and
 * `transform_ms` (migration 31): the records it passed on and the milliseconds it took, its table
 * lookups included. Added to in each window's transaction, so a resumed run keeps counting.
 */
import { Effect } from "effect"
import { SqlClient } from "effect/sql"

/** Adds a window's transformed records and Transform milliseconds to its run's (in the caller's transaction). */
export const recordTransformStats = Effect.fnUntraced(function* (runId: string, transformed: number, ms: number) {
  const sql = (yield* SqlClient.SqlClient).withoutTransforms()
  yield* sql.unsafe(
    `UPDATE syncflow.sync_runs SET transformed = coalesce(transformed, 0) + $2::bigint,
       transform_ms = coalesce(transform_ms, 0) + $3::float8 WHERE id = $1`,
    [runId, transformed, ms]
  )
})
