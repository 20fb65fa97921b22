/**
 * The TwoWayCycle workflow: one cycle of a two-way definition (`direction: "bidirectional"`) run
 * durably on the cluster, as the definition scheduler triggers it. The cycle is one `cycle` activity
 * (`runTwoWayDefinition`): a runner killed mid-cycle leaves the activity unanswered, and the runner
 * that resumes the execution runs it again, which is safe by the cycle's design (it finds what was
 * written by the ledger's hashes and writes only what is missing). `close` closes the trigger and
 * starts the cycle queued behind this one. A failed cycle is logged and closed too.
 *
 * Cycles of a definition are serialised by their trigger key (`two-way:<id>`): a trigger while a
 * cycle runs queues one cycle behind it (a change may have come after the running cycle read its
 * side), never a second cycle at once.
 */
import { Effect, Option, Schema } from "effect"
import { Activity, Workflow } from "effect/workflow"
import { runTwoWayDefinition } from "../bidirectional/runTwoWayDefinition.ts"
import { SyncDefinition } from "../definitions/SyncDefinition.ts"
import { listingKind, SyncMode } from "../pipeline/SyncMode.ts"
import { requestSettled } from "./requestSettled.ts"
import { SyncWorkflowError } from "./SyncWorkflowError.ts"
import { untilShutdown } from "./WorkflowShutdown.ts"
import { WorkflowTriggers } from "./WorkflowTriggers.ts"

/** What a TwoWayCycle execution runs. `seq` tells cycles of the same definition apart (see `WorkflowTriggers`). */
export const TwoWayCyclePayload = Schema.Struct({
  definition: SyncDefinition,
  mode: SyncMode,
  seq: Schema.Number
})
/** What a TwoWayCycle execution runs. */
export type TwoWayCyclePayload = typeof TwoWayCyclePayload.Type

/** What a durable cycle did (the counts of `TwoWayCycleSummary`). */
export const TwoWayCycleOutcome = Schema.Struct({
  cycleId: Schema.String,
  listed: Schema.Number,
  tableChanges: Schema.Number,
  sourceWrites: Schema.Number,
  tableWrites: Schema.Number,
  conflicts: Schema.Number,
  held: Schema.Number,
  failed: Schema.Number
})
/** What a durable cycle did. */
export type TwoWayCycleOutcome = typeof TwoWayCycleOutcome.Type

/** The TwoWayCycle workflow definition. */
export const TwoWayCycleWorkflow = Workflow.make("TwoWayCycle", {
  payload: TwoWayCyclePayload,
  success: TwoWayCycleOutcome,
  error: SyncWorkflowError,
  idempotencyKey: (payload) => `${payload.definition.id}/${payload.seq}`
})

/** The trigger key of a two-way definition's cycles. */
export const twoWayTriggerKey = (definitionId: string): string => `two-way:${definitionId}`

/** The activity that runs the cycle (run again whole when its runner died before it answered). */
const cycleActivity = (payload: TwoWayCyclePayload) =>
  Activity.make({
    name: "cycle",
    success: TwoWayCycleOutcome,
    error: SyncWorkflowError,
    execute: Effect.gen(function* () {
      const mode = listingKind(payload.mode) === "complete" ? "complete" : "incremental"
      const summary = yield* runTwoWayDefinition(payload.definition, { mode })
      const outcome: TwoWayCycleOutcome = {
        cycleId: summary.cycleId,
        listed: summary.listed,
        tableChanges: summary.tableChanges,
        sourceWrites: summary.source.created + summary.source.updated + summary.source.deleted,
        tableWrites: summary.table.written + summary.table.deleted,
        conflicts: summary.conflicts,
        held: summary.held,
        failed: summary.failed.length
      }
      yield* Effect.logInfo("scheduled two-way cycle finished").pipe(
        Effect.annotateLogs({ definition: payload.definition.id, ...outcome })
      )
      return outcome
    }).pipe(untilShutdown, Effect.mapError(SyncWorkflowError.from))
  })

/** The last activity: closes this cycle's trigger and starts the cycle queued behind it, if any. */
const closeActivity = (payload: TwoWayCyclePayload) =>
  Activity.make({
    name: "close",
    error: SyncWorkflowError,
    execute: Effect.gen(function* () {
      const triggers = yield* WorkflowTriggers
      const next = yield* triggers.closeRun(twoWayTriggerKey(payload.definition.id), payload.seq)
      if (Option.isNone(next)) return
      yield* TwoWayCycleWorkflow.execute(
        { definition: payload.definition, mode: next.value.mode, seq: next.value.seq },
        { discard: true }
      )
    }).pipe(Effect.mapError(SyncWorkflowError.from))
  })

/** The TwoWayCycle workflow's implementation: register it on a runner. */
export const TwoWayCycleWorkflowLayer = TwoWayCycleWorkflow.toLayer((payload) =>
  Effect.gen(function* () {
    const outcome = yield* cycleActivity(payload).pipe(
      Effect.tapError((error) =>
        Effect.andThen(
          Effect.logError("two-way cycle failed").pipe(
            Effect.annotateLogs({ definition: payload.definition.id, error: error.message })
          ),
          closeActivity(payload).pipe(Effect.ignore)
        )
      )
    )
    yield* closeActivity(payload)
    return outcome
  })
)

/** What triggering a two-way cycle did: started, or queued behind the running one. */
export interface TwoWayCycleAnswer {
  readonly status: "started" | "joined" | "queued"
  readonly executionId: string
  readonly mode: SyncMode
}

/** Whether the definition's cycle `seq` has not completed. */
const isRunning = (definition: SyncDefinition, seq: number) =>
  Effect.gen(function* () {
    const executionId = yield* TwoWayCycleWorkflow.executionId({ definition, mode: "incremental", seq })
    const result = yield* TwoWayCycleWorkflow.poll(executionId)
    return result._tag === "None" || result.value._tag === "Suspended"
  })

/**
 * Triggers a durable cycle of a two-way definition: starts one when none runs, or queues one behind
 * the running one (a cycle already queued takes the request).
 */
export const triggerTwoWayCycle = Effect.fn("TwoWayCycleWorkflow.trigger")(function* (
  definition: SyncDefinition,
  mode: SyncMode
) {
  const triggers = yield* WorkflowTriggers
  const key = twoWayTriggerKey(definition.id)
  const idOf = (seq: number) => TwoWayCycleWorkflow.executionId({ definition, mode, seq })
  const answer = yield* requestSettled(
    triggers,
    key,
    mode,
    { followUp: true, isRunning: (seq) => isRunning(definition, seq) },
    "two-way cycle"
  )
  switch (answer.status) {
    case "running":
      return { status: "joined", executionId: yield* idOf(answer.seq), mode: answer.mode } satisfies TwoWayCycleAnswer
    case "queued":
      return { status: "queued", executionId: yield* idOf(answer.seq), mode: answer.mode } satisfies TwoWayCycleAnswer
    case "started": {
      const payload = { definition, mode: answer.mode, seq: answer.seq }
      const executionId = yield* TwoWayCycleWorkflow.execute(payload, { discard: true })
      return { status: "started", executionId, mode: answer.mode } satisfies TwoWayCycleAnswer
    }
  }
})
