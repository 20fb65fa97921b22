/**
 * The SyncDefinition workflow: one run of a sync definition other than a default one (those are
 * their entity's SyncEntity workflow), one durable activity per page window, like SyncEntity.
 *
 * The payload carries the definition as it was when the run was triggered. Each `window/<n>`
 * activity resolves it (source connector's adapter and manifests, rediscovered by the first window
 * when the discovery TTL has passed; the definition's Select stage and sink) and asks the engine for
 * the next window of the sink's listing (`SyncEngine.syncWindow` with the sink, see
 * `pipeline/sinkWindow.ts`): writes, ledger, failed records, parked children, checkpoint and run
 * counts are committed per window, so an activity run again after a crash continues from the
 * checkpoint. `finish` ends the listing and the run, `pending` retries the sink's parked children,
 * `close` starts what a trigger queued behind this run. The execution holds the lease of the
 * definition's state (its source entity and definition id) from its first window to its finish; a
 * failed execution marks its run failed, releases the lease and closes its trigger.
 */
import { Duration, Effect, Option, Schema } from "effect"
import { Activity, Workflow } from "effect/workflow"
import { definitionStateKey } from "../definitions/definitionStateKey.ts"
import { resolveDefinition } from "../definitions/resolveDefinition.ts"
import { SyncDefinition } from "../definitions/SyncDefinition.ts"
import { pickCounts } from "../pipeline/engineCounts.ts"
import { freshManifests } from "../pipeline/freshManifests.ts"
import { workflowHolder } from "../pipeline/holdLease.ts"
import { SyncEngine } from "../pipeline/SyncEngine.ts"
import { SyncMode } from "../pipeline/SyncMode.ts"
import { ConnectorAdapters } from "./ConnectorAdapters.ts"
import { allocateRun, executionListed, runOfExecution } from "./executionRuns.ts"
import { executeListing, linkExecutionRuns, recordFailedRun, retryWhileBusy, runIdOf } from "./listingExecution.ts"
import { requestSettled } from "./requestSettled.ts"
import { SyncWorkflowConfig } from "./SyncEntityWorkflow.ts"
import { SyncSummarySchema, WindowOutcomeSchema, windowProcess } from "./SyncSummarySchema.ts"
import { SyncWorkflowError } from "./SyncWorkflowError.ts"
import { untilShutdown } from "./WorkflowShutdown.ts"
import { WorkflowTriggers } from "./WorkflowTriggers.ts"

/** What a SyncDefinition execution runs. `seq` tells runs of the same definition apart (see `WorkflowTriggers`). */
export const SyncDefinitionPayload = Schema.Struct({
  definition: SyncDefinition,
  mode: SyncMode,
  seq: Schema.Number
})
/** What a SyncDefinition execution runs. */
export type SyncDefinitionPayload = typeof SyncDefinitionPayload.Type

/** The SyncDefinition workflow definition. */
export const SyncDefinitionWorkflow = Workflow.make("SyncDefinition", {
  payload: SyncDefinitionPayload,
  success: SyncSummarySchema,
  error: SyncWorkflowError,
  idempotencyKey: (payload) => `${payload.definition.id}/${payload.seq}`
})

/** The trigger key of a definition's runs. */
export const definitionTriggerKey = (definitionId: string): string => `definition-run:${definitionId}`

/** Where a definition's state (checkpoint, runs, lease) is kept: its source connector and entity, and its id. */
const stateOf = definitionStateKey

/** The definition resolved for an activity: adapter, manifests, stages and sink. */
const resolve = Effect.fnUntraced(function* (definition: SyncDefinition, rediscover: boolean) {
  const { connectorId, entity } = definition.source
  const runtime = yield* (yield* ConnectorAdapters).runtime(connectorId)
  const { manifests } = yield* freshManifests(
    connectorId,
    runtime.adapter,
    rediscover ? runtime.discoveryTtl : Duration.infinity,
    rediscover ? runtime.changedAt : undefined
  )
  const manifest = manifests.find((m) => m.entity === entity)
  if (manifest === undefined) {
    return yield* new SyncWorkflowError({ message: `connector ${connectorId} no longer has entity "${entity}"` })
  }
  const resolved = yield* resolveDefinition(definition, { manifests, stages: runtime.stages })
  if (resolved.sink === undefined) {
    return yield* new SyncWorkflowError({ message: `definition ${definition.id} is its entity's default sync` })
  }
  return { runtime, manifest, manifests, sink: resolved.sink, stages: resolved.stages(runtime.stages(manifest)) }
})

/** The activity that commits the next window of the definition's listing. */
const windowActivity = (payload: SyncDefinitionPayload, runId: string, index: number, holder: string) =>
  Activity.make({
    name: `window/${index}`,
    success: WindowOutcomeSchema,
    error: SyncWorkflowError,
    execute: Effect.gen(function* () {
      const engine = yield* SyncEngine
      const settings = yield* SyncWorkflowConfig
      const resolved = yield* resolve(payload.definition, index === 0)
      const outcome = yield* engine.syncWindow({
        connectorId: payload.definition.source.connectorId,
        adapter: resolved.runtime.adapter,
        manifest: resolved.manifest,
        manifests: resolved.manifests,
        mode: payload.mode,
        stages: resolved.stages,
        pageSize: settings.pageSize,
        windowRows: settings.windowRows,
        fetchConcurrency: settings.fetchConcurrency,
        sink: resolved.sink,
        runId,
        holder
      })
      return { ...outcome, process: windowProcess }
    }).pipe(untilShutdown, retryWhileBusy, Effect.mapError(SyncWorkflowError.from))
  })

/** The activity that ends the listing and finishes the run. */
const finishActivity = (payload: SyncDefinitionPayload, runId: string, holder: string) =>
  Activity.make({
    name: "finish",
    success: SyncSummarySchema.fields.counts,
    error: SyncWorkflowError,
    execute: Effect.gen(function* () {
      const engine = yield* SyncEngine
      const resolved = yield* resolve(payload.definition, false)
      const run = yield* engine.finishListing({
        connectorId: payload.definition.source.connectorId,
        manifest: resolved.manifest,
        sink: resolved.sink,
        stages: resolved.stages,
        runId,
        holder
      })
      return pickCounts(run)
    }).pipe(retryWhileBusy, Effect.mapError(SyncWorkflowError.from))
  })

/** The activity that retries the children this definition's destination parked (their parents may have arrived). */
const pendingActivity = (payload: SyncDefinitionPayload) =>
  Activity.make({
    name: "pending",
    error: SyncWorkflowError,
    execute: Effect.gen(function* () {
      const engine = yield* SyncEngine
      const resolved = yield* resolve(payload.definition, false)
      yield* engine.retryPendingChildren(
        payload.definition.source.connectorId,
        resolved.manifest,
        resolved.manifests,
        resolved.sink
      )
    }).pipe(Effect.mapError(SyncWorkflowError.from))
  })

/** The last activity: closes this run's trigger and starts the run queued behind it, if any. */
const closeActivity = (payload: SyncDefinitionPayload) =>
  Activity.make({
    name: "close",
    error: SyncWorkflowError,
    execute: Effect.gen(function* () {
      const triggers = yield* WorkflowTriggers
      const next = yield* triggers.closeRun(definitionTriggerKey(payload.definition.id), payload.seq)
      if (Option.isNone(next)) return
      yield* SyncDefinitionWorkflow.execute(
        { definition: payload.definition, mode: next.value.mode, seq: next.value.seq },
        { discard: true }
      )
      yield* Effect.logInfo("queued definition run started").pipe(
        Effect.annotateLogs({ definition: payload.definition.id, ...next.value })
      )
    }).pipe(Effect.mapError(SyncWorkflowError.from))
  })

/** Links the execution with its runs (see `linkExecutionRuns`). */
const runActivity = (payload: SyncDefinitionPayload, executionId: string, runId: string) =>
  Activity.make({
    name: "run",
    error: SyncWorkflowError,
    execute: linkExecutionRuns(executionId, stateOf(payload.definition), runId).pipe(
      Effect.mapError(SyncWorkflowError.from)
    )
  })

/** Marks the run failed (recording one when none was opened) and releases the definition's lease. */
const failActivity = (
  payload: SyncDefinitionPayload,
  executionId: string,
  runId: string,
  holder: string,
  error: SyncWorkflowError
) =>
  Activity.make({
    name: "fail",
    execute: Effect.gen(function* () {
      const key = stateOf(payload.definition)
      const { failedRun } = yield* recordFailedRun({ executionId, key, mode: payload.mode, runId, holder, error })
      yield* Effect.logError("definition run failed").pipe(
        Effect.annotateLogs({
          definition: payload.definition.id,
          runId: failedRun,
          executionId,
          error: error.message
        })
      )
    })
  })

/** The SyncDefinition workflow's implementation: register it on a runner. */
export const SyncDefinitionWorkflowLayer = SyncDefinitionWorkflow.toLayer((payload, executionId) => {
  const holder = workflowHolder(executionId)
  return executeListing(executionId, stateOf(payload.definition), payload.mode, {
    window: (index) => windowActivity(payload, runIdOf(executionId), index, holder),
    run: (runId) => runActivity(payload, executionId, runId),
    finish: (runId) => finishActivity(payload, runId, holder),
    pending: pendingActivity(payload),
    close: closeActivity(payload),
    fail: (runId, error) => failActivity(payload, executionId, runId, holder, error)
  })
})

/** What triggering a definition's run did: started, joined (the running one covers it) or queued behind it. */
export interface DefinitionRunAnswer {
  readonly status: "started" | "joined" | "queued"
  readonly executionId: string
  readonly runId: string
  readonly mode: SyncMode
}

/** Whether the definition's execution `seq` has not completed. */
const isRunning = (definition: SyncDefinition, seq: number) =>
  Effect.gen(function* () {
    const executionId = yield* SyncDefinitionWorkflow.executionId({ definition, mode: "incremental", seq })
    const result = yield* SyncDefinitionWorkflow.poll(executionId)
    return result._tag === "None" || result.value._tag === "Suspended"
  })

/**
 * Triggers a run of a (non-default) definition through its durable workflow: starts one when none
 * runs, joins the running one when it covers `mode`, or queues one behind it; answers with the
 * execution and its run (readable at `/runs/{id}` at once).
 */
export const triggerDefinition = Effect.fn("SyncDefinitionWorkflow.trigger")(function* (
  definition: SyncDefinition,
  mode: SyncMode
) {
  const triggers = yield* WorkflowTriggers
  const key = definitionTriggerKey(definition.id)
  const idOf = (seq: number) => SyncDefinitionWorkflow.executionId({ definition, mode, seq })
  const answer = yield* requestSettled(
    triggers,
    key,
    mode,
    {
      isRunning: (seq) => isRunning(definition, seq),
      hasListed: (seq) => Effect.flatMap(idOf(seq), executionListed)
    },
    "definition run"
  )
  switch (answer.status) {
    case "running": {
      const executionId = yield* idOf(answer.seq)
      const runId = yield* runOfExecution(executionId)
      return { status: "joined", executionId, runId, mode: answer.mode } satisfies DefinitionRunAnswer
    }
    case "queued": {
      const executionId = yield* idOf(answer.seq)
      const runId = yield* allocateRun(executionId, stateOf(definition), undefined)
      return { status: "queued", executionId, runId, mode: answer.mode } satisfies DefinitionRunAnswer
    }
    case "started": {
      const payload = { definition, mode: answer.mode, seq: answer.seq }
      const executionId = yield* SyncDefinitionWorkflow.executionId(payload)
      const runId = yield* allocateRun(executionId, stateOf(definition), answer.mode)
      yield* SyncDefinitionWorkflow.execute(payload, { discard: true })
      return { status: "started", executionId, runId, mode: answer.mode } satisfies DefinitionRunAnswer
    }
  }
})
