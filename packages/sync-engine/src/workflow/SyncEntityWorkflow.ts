/**
 * The SyncEntity workflow: one entity of one connector, one durable activity per page window.
 *
 * The first window rediscovers the connector's manifests when its discovery TTL has passed (see
 * `freshManifests`), so a scheduled sync picks up the columns the source gained. Each `window/<n>`
 * activity asks the engine for the next window of the listing: it reads the
 * entity's checkpoint, fetches at most `windowRows` records from the saved cursor, runs the stages
 * and commits rows, checkpoint and run counts in one transaction. The checkpoint in the database is
 * what makes it exactly-once: an activity that runs again after a crash (at-least-once) continues
 * from the committed checkpoint, so it never writes a window twice. Completed activities return
 * their stored results when the workflow replays on another process. A `finish` activity then
 * soft-deletes what a complete listing did not see and finishes the run, a `pending` activity
 * retries its children's parked rows, which this sync may have unblocked, and a `close` activity
 * starts the follow-up execution a trigger asked for while this one ran.
 *
 * The execution holds the entity's lease (see `EntityLeases`) by its execution id from its first
 * window to its finish, wherever it runs: while another sync holds it (a `syncflow sync` in a shell),
 * the first window waits for it. When the execution fails, its run is marked failed, its lease
 * released and its trigger closed, so a sync queued behind it still starts.
 *
 * A targeted sync (a webhook's `recordIds`) runs an incremental listing: adapters list entities,
 * not single records, so for row-version sources it reads only what changed, otherwise everything.
 */
import type { EntityManifest } from "@syncflow/adapter-core"
import { Context, Effect, Option, Schema } from "effect"
import { Activity, Workflow } from "effect/workflow"
import { pickCounts } from "../pipeline/engineCounts.ts"
import { freshManifests } from "../pipeline/freshManifests.ts"
import { workflowHolder } from "../pipeline/holdLease.ts"
import { SyncEngine } from "../pipeline/SyncEngine.ts"
import { SyncMode } from "../pipeline/SyncMode.ts"
import { ManifestStore } from "../state/ManifestStore.ts"
import { ConnectorAdapters } from "./ConnectorAdapters.ts"
import { executeListing, linkExecutionRuns, recordFailedRun, retryWhileBusy, runIdOf } from "./listingExecution.ts"
import { SyncSummarySchema, WindowOutcomeSchema, windowProcess } from "./SyncSummarySchema.ts"
import { SyncWorkflowError } from "./SyncWorkflowError.ts"
import { entityTriggerKey } from "./triggerKeys.ts"
import { untilShutdown } from "./WorkflowShutdown.ts"
import { WorkflowTriggers } from "./WorkflowTriggers.ts"

/** How the workflows read: records per page and per committed window, and connector concurrency. */
export interface SyncWorkflowSettings {
  /** Records per upstream page (capped by the adapter); the adapter's default when absent. */
  readonly pageSize?: number | undefined
  /** Records per window, i.e. per durable activity (10,000 by default). */
  readonly windowRows?: number | undefined
  /**
   * Upstream pages requested at once where the source's pages are numbered or offset (1 by default;
   * see `SyncEntityRequest.fetchConcurrency`): windows and checkpoints are the same whatever it is.
   */
  readonly fetchConcurrency?: number | undefined
  /** How many independent entities a SyncConnector workflow syncs at once (4 by default). */
  readonly entityConcurrency?: number | undefined
}

/** The settings the workflows run with (the same on every runner: replays depend on them). */
export class SyncWorkflowConfig extends Context.Reference<SyncWorkflowSettings>(
  "@syncflow/sync-engine/workflow/SyncWorkflowConfig",
  { defaultValue: () => ({}) }
) {}

/** What a SyncEntity execution syncs. `seq` tells executions of the same entity apart (see `WorkflowTriggers`). */
export const SyncEntityPayload = Schema.Struct({
  connectorId: Schema.String,
  entity: Schema.String,
  mode: SyncMode,
  /** Records a webhook said changed: a targeted sync (see the module comment). */
  recordIds: Schema.optional(Schema.Array(Schema.String)),
  seq: Schema.Number,
  /**
   * Set when a connector sync that claimed this execution will not run it (see
   * `SyncConnectorWorkflow`): the execution fails at once with this reason, recording a failed run.
   */
  skip: Schema.optional(Schema.String)
})
/** What a SyncEntity execution syncs. */
export type SyncEntityPayload = typeof SyncEntityPayload.Type

/** The SyncEntity workflow definition. */
export const SyncEntityWorkflow = Workflow.make("SyncEntity", {
  payload: SyncEntityPayload,
  success: SyncSummarySchema,
  error: SyncWorkflowError,
  idempotencyKey: (payload) => `${payload.connectorId}/${payload.entity}/${payload.seq}`
})

/**
 * Whether the SyncEntity execution of this payload has not completed: no result yet (running, or
 * about to start) or suspended.
 */
export const isEntityRunning = (payload: SyncEntityPayload) =>
  Effect.gen(function* () {
    const executionId = yield* SyncEntityWorkflow.executionId(payload)
    const result = yield* SyncEntityWorkflow.poll(executionId)
    return result._tag === "None" || result.value._tag === "Suspended"
  })

/**
 * The entity's manifest and the connector's others. `rediscover` (the first window of an execution)
 * rediscovers them when the connector's last discovery is older than its discovery TTL, so
 * scheduled and triggered syncs pick up the source's new columns; the other activities read the
 * stored ones (and discover when the entity was never discovered).
 */
const manifestsFor = Effect.fnUntraced(function* (connectorId: string, entity: string, rediscover: boolean) {
  const manifestStore = yield* ManifestStore
  const adapters = yield* ConnectorAdapters
  const runtime = yield* adapters.runtime(connectorId)
  let manifests: ReadonlyArray<EntityManifest> = rediscover
    ? (yield* freshManifests(connectorId, runtime.adapter, runtime.discoveryTtl, runtime.changedAt)).manifests
    : (yield* manifestStore.listManifests(connectorId)).map((discovered) => discovered.manifest)
  if (!manifests.some((manifest) => manifest.entity === entity)) {
    manifests = (yield* freshManifests(connectorId, runtime.adapter, 0)).manifests
  }
  const manifest = manifests.find((m) => m.entity === entity)
  if (manifest === undefined) {
    return yield* new SyncWorkflowError({ message: `connector ${connectorId} has no entity "${entity}"` })
  }
  return { runtime, manifest, manifests }
})

/** The mode the engine lists in: a targeted sync lists incrementally. */
const engineMode = (payload: SyncEntityPayload): SyncMode =>
  payload.recordIds !== undefined && payload.recordIds.length > 0 ? "incremental" : payload.mode

/** The activity that commits the next window of the listing (waiting while another sync holds the lease). */
const windowActivity = (payload: SyncEntityPayload, runId: string, index: number, holder: string) =>
  Activity.make({
    name: `window/${index}`,
    success: WindowOutcomeSchema,
    error: SyncWorkflowError,
    execute: Effect.gen(function* () {
      const engine = yield* SyncEngine
      const settings = yield* SyncWorkflowConfig
      const { runtime, manifest, manifests } = yield* manifestsFor(payload.connectorId, payload.entity, index === 0)
      const outcome = yield* engine.syncWindow({
        connectorId: payload.connectorId,
        adapter: runtime.adapter,
        manifest,
        manifests,
        mode: engineMode(payload),
        stages: runtime.stages(manifest),
        pageSize: settings.pageSize,
        windowRows: settings.windowRows,
        fetchConcurrency: settings.fetchConcurrency,
        runId,
        holder
      })
      return { ...outcome, process: windowProcess }
    }).pipe(
      // SIGTERM: the window stops at once, uncommitted, and is replayed by the next runner.
      untilShutdown,
      Effect.tapError((error) =>
        error._tag === "EntityBusy"
          ? Effect.logDebug("waiting for the entity's lease").pipe(Effect.annotateLogs({ error: error.message }))
          : Effect.void
      ),
      retryWhileBusy,
      Effect.mapError(SyncWorkflowError.from)
    )
  })

/** The activity that ends the listing and finishes the run. */
const finishActivity = (payload: SyncEntityPayload, runId: string, holder: string) =>
  Activity.make({
    name: "finish",
    success: SyncSummarySchema.fields.counts,
    error: SyncWorkflowError,
    execute: Effect.gen(function* () {
      const engine = yield* SyncEngine
      const { manifest } = yield* manifestsFor(payload.connectorId, payload.entity, false)
      const run = yield* engine.finishListing({ connectorId: payload.connectorId, manifest, runId, holder })
      return pickCounts(run)
    }).pipe(retryWhileBusy, Effect.mapError(SyncWorkflowError.from))
  })

/**
 * The activity that retries the rows of its children parked in `pending_children`: their parents
 * may have just arrived. Entities synced one by one (the scheduler, the API) thus resolve in
 * whatever order they run (within the parked rows' retry backoff).
 */
const pendingActivity = (payload: SyncEntityPayload) =>
  Activity.make({
    name: "pending",
    error: SyncWorkflowError,
    execute: Effect.gen(function* () {
      const engine = yield* SyncEngine
      const { manifest, manifests } = yield* manifestsFor(payload.connectorId, payload.entity, false)
      const waiting = manifests.filter((candidate) =>
        candidate.parents.some((parent) => parent.entity === manifest.entity)
      )
      for (const child of waiting) yield* engine.retryPendingChildren(payload.connectorId, child, manifests)
    }).pipe(Effect.mapError(SyncWorkflowError.from))
  })

/**
 * The last activity: closes this execution's trigger and, when a follow-up was asked for while it ran
 * (a webhook's change may have come after the listing passed it), starts that execution.
 */
const closeActivity = (payload: SyncEntityPayload) =>
  Activity.make({
    name: "close",
    error: SyncWorkflowError,
    execute: Effect.gen(function* () {
      const triggers = yield* WorkflowTriggers
      const next = yield* triggers.closeRun(entityTriggerKey(payload.connectorId, payload.entity), payload.seq)
      if (Option.isNone(next)) return
      // Idempotent: the next execution's id comes from its sequence number.
      yield* SyncEntityWorkflow.execute(
        { connectorId: payload.connectorId, entity: payload.entity, mode: next.value.mode, seq: next.value.seq },
        { discard: true }
      )
      yield* Effect.logInfo("queued sync started").pipe(Effect.annotateLogs({ entity: payload.entity, ...next.value }))
    }).pipe(Effect.mapError(SyncWorkflowError.from))
  })

/** Links the execution with its runs (see `linkExecutionRuns`). */
const runActivity = (payload: SyncEntityPayload, executionId: string, runId: string) =>
  Activity.make({
    name: "run",
    error: SyncWorkflowError,
    execute: linkExecutionRuns(executionId, { connectorId: payload.connectorId, entity: payload.entity }, runId).pipe(
      Effect.mapError(SyncWorkflowError.from)
    )
  })

/**
 * Marks the run failed when the workflow fails (the next trigger resumes its listing) and releases
 * the entity's lease. A sync that failed before its first window opened a run (the upstream
 * unreachable during discovery, bad credentials, a configuration error) still gets a `failed` run,
 * the one allocated when it was triggered, with the cause: logged at ERROR and readable like any
 * other run.
 */
const failActivity = (
  payload: SyncEntityPayload,
  executionId: string,
  runId: string,
  holder: string,
  error: SyncWorkflowError
) =>
  Activity.make({
    name: "fail",
    execute: Effect.gen(function* () {
      const key = { connectorId: payload.connectorId, entity: payload.entity }
      const { failedRun, before } = yield* recordFailedRun({
        executionId,
        key,
        mode: payload.mode,
        runId,
        holder,
        error
      })
      // The engine logs the failures of the windows it ran; this one it never saw.
      if (before === undefined || before.status === "running") {
        yield* Effect.logError("sync failed").pipe(
          Effect.annotateLogs({
            connector: payload.connectorId,
            entity: payload.entity,
            mode: payload.mode,
            runId: failedRun,
            executionId,
            error: error.message
          })
        )
      }
    })
  })

/** The SyncEntity workflow's implementation: register it on a runner. */
export const SyncEntityWorkflowLayer = SyncEntityWorkflow.toLayer((payload, executionId) => {
  const holder = workflowHolder(executionId)
  return executeListing(
    executionId,
    { connectorId: payload.connectorId, entity: payload.entity },
    payload.mode,
    {
      window: (index) => windowActivity(payload, runIdOf(executionId), index, holder),
      run: (runId) => runActivity(payload, executionId, runId),
      finish: (runId) => finishActivity(payload, runId, holder),
      pending: pendingActivity(payload),
      close: closeActivity(payload),
      fail: (runId, error) => failActivity(payload, executionId, runId, holder, error)
    },
    payload.skip
  )
})
