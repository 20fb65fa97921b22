/**
 * What one entity sync did: its run and the counts of every stage.
 */
import type { StageTimes } from "../stages/Stages.ts"
import type { RunCounts } from "../state/SyncRun.ts"
import type { SyncMode } from "./SyncMode.ts"

/** The outcome of syncing one entity. */
export interface SyncSummary {
  readonly runId: string
  readonly connectorId: string
  readonly entity: string
  readonly mode: SyncMode
  /** Whether this run resumed a listing an earlier (interrupted) process had started. */
  readonly resumed: boolean
  readonly counts: RunCounts
  /** Whether the run was cancelled (`RunControl.cancel`): it stopped at a window boundary, what committed stays. */
  readonly cancelled?: boolean | undefined
  /** Child rows parked in `pending_children` during this run (their parents were missing). */
  readonly pending: number
  /** Where this process's time went, in milliseconds of wall clock (stages overlap with writes). */
  readonly timings: SyncTimings
}

/** Where a sync's time went, in milliseconds. */
export interface SyncTimings {
  /** From start to finish. */
  readonly wallMs: number
  /** In stages 2-5 (normalize, validate, a field mapping's transform, map, identity), on this process's thread. */
  readonly stagesMs: number
  /** The same, stage by stage (syncs that run in one process: not the workflows). */
  readonly stages?: Readonly<StageTimes> | undefined
  /** Committing windows: resolve, delta, upsert, failed records, checkpoint, in their transactions. */
  readonly writeMs: number
  /** The writer waiting for the next window (fetching, parsing and staging were behind). */
  readonly waitMs: number
}
