/**
 * What one entity sync did: its run and the counts of every stage.
 */
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
  /** Child rows parked in `pending_children` during this run (their parents were missing). */
  readonly pending: number
}
