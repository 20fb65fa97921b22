/**
 * Schemas of what the sync workflows store as activity and workflow results: an entity sync's
 * summary and a window's outcome (results are persisted as JSON, so they need a codec).
 */
import { Schema } from "effect"
import { SyncMode } from "../pipeline/SyncMode.ts"
import { RunCounts } from "../state/SyncRun.ts"

/** A `SyncSummary`, as a workflow result. */
export const SyncSummarySchema = Schema.Struct({
  runId: Schema.String,
  connectorId: Schema.String,
  entity: Schema.String,
  mode: SyncMode,
  resumed: Schema.Boolean,
  counts: RunCounts,
  pending: Schema.Number,
  timings: Schema.Struct({
    wallMs: Schema.Number,
    stagesMs: Schema.Number,
    writeMs: Schema.Number,
    waitMs: Schema.Number
  })
})

/** A `WindowOutcome`, as an activity result. */
export const WindowOutcomeSchema = Schema.Struct({
  runId: Schema.String,
  done: Schema.Boolean,
  resumed: Schema.Boolean,
  counts: RunCounts,
  pending: Schema.Number,
  /** Which process committed the window (`windowProcess`); absent in results stored before it was kept. */
  process: Schema.optional(Schema.String)
})

/**
 * This process, as window results name it: a resumed execution replays the windows another process
 * committed, and tells by their `process` that it carries on an interrupted run.
 */
export const windowProcess: string = globalThis.crypto.randomUUID()
