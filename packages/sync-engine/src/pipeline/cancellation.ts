/**
 * Cancellation at window boundaries: before a window commits, its sync looks whether someone asked
 * its run to stop (`RunControl.cancel`, from any process). If so the window is dropped, the listing
 * is abandoned without soft-deleting anything (a cancelled complete listing has not seen every row)
 * and the run ends `cancelled`; the committed windows stay. The next sync starts a new listing as
 * its mode says: an incremental one from the last finished listing's high-water mark, a full refresh
 * from the start. A listing that was loading its table without the unique indexes builds them
 * first (see `TableDestination.finishLoad`).
 */
import { PgTypes } from "@effect/sql-pg"
import { Effect, Schema } from "effect"
import type { SqlClient } from "effect/sql"
import type { TableDestination } from "../destination/TableDestination.ts"
import type { TableTarget } from "../destination/TableTarget.ts"
import type { ListingState } from "../state/Checkpoint.ts"
import type { CheckpointStore } from "../state/CheckpointStore.ts"
import type { RunStore } from "../state/RunStore.ts"

/** The run was asked to stop: raised at a window boundary, handled by `cancelListing`. */
export class RunCancelled extends Schema.TaggedError<RunCancelled>()("RunCancelled", {
  runId: Schema.String
}) {}

/** Fails with `RunCancelled` when the run has a cancel request. */
export const stopIfCancelled = (sql: SqlClient.SqlClient, runId: string) =>
  sql
    .unsafe(`SELECT 1 FROM syncflow.sync_runs WHERE id = $1 AND cancel_requested_at IS NOT NULL`, [PgTypes.uuid(runId)])
    .pipe(Effect.flatMap((rows) => (rows.length > 0 ? Effect.fail(new RunCancelled({ runId })) : Effect.void)))

/** What `cancelListing` writes with. */
export interface CancelContext {
  readonly sql: SqlClient.SqlClient
  readonly checkpointStore: CheckpointStore["Service"]
  readonly runStore: RunStore["Service"]
  readonly destination: TableDestination["Service"]
}

/**
 * Ends a cancelled listing in one transaction: forgets what it saw (nothing is soft-deleted), clears
 * the listing from the checkpoint (keeping the high-water mark it started from) and finishes the run
 * `cancelled`.
 */
export const cancelListing = (
  { sql, checkpointStore, runStore, destination }: CancelContext,
  connectorId: string,
  target: TableTarget,
  listing: ListingState,
  highWater: string | null
) =>
  sql.withTransaction(
    Effect.gen(function* () {
      if (listing.loading === true) {
        const folded = yield* destination.finishLoad(target)
        const repeated = folded.updated + folded.unchanged
        if (repeated > 0) yield* runStore.addRunCounts(listing.runId, { inserted: -repeated, ...folded })
      }
      if (listing.since === null) yield* destination.forgetSeen(target, listing.runId)
      yield* checkpointStore.saveCheckpoint({
        connectorId,
        entity: target.entity ?? target.table,
        cursor: null,
        rowVersion: highWater,
        runId: listing.runId,
        listing: null
      })
      const run = yield* runStore.finishRun(listing.runId, { status: "cancelled" })
      yield* Effect.logInfo("sync cancelled").pipe(Effect.annotateLogs({ runId: listing.runId }))
      return run
    })
  )

/**
 * Runs `effect`; when it stops with `RunCancelled`, runs `onCancel` instead (typically
 * `cancelListing`) and gives its result.
 */
export const withCancellation = <A, E, R, B, E2, R2>(
  effect: Effect.Effect<A, E | RunCancelled, R>,
  onCancel: () => Effect.Effect<B, E2, R2>
): Effect.Effect<A | B, Exclude<E, RunCancelled> | E2, R | R2> =>
  Effect.catchIf(
    effect,
    (error): error is RunCancelled => error instanceof RunCancelled,
    () => onCancel()
  ) as Effect.Effect<A | B, Exclude<E, RunCancelled> | E2, R | R2>
