/**
 * What the SyncEntity and SyncDefinition workflows share: the course of one listing as durable
 * activities (windows until done, then finish, retry parked children, close the trigger; on failure
 * record the failed run and still close), and the run bookkeeping their activities do.
 */
import { Effect, Option, Schedule } from "effect"
import type { SyncMode } from "../pipeline/SyncMode.ts"
import type { SyncSummary } from "../pipeline/SyncSummary.ts"
import { EntityLeases } from "../state/EntityLeases.ts"
import { RunStore } from "../state/RunStore.ts"
import type { RunCounts, SyncRun } from "../state/SyncRun.ts"
import { windowProcess } from "./SyncSummarySchema.ts"
import { SyncWorkflowError } from "./SyncWorkflowError.ts"

/** A UUID derived from an execution id (hex), so a retried first window starts the same run. */
export const runIdOf = (executionId: string): string => {
  const hex = executionId
    .replace(/[^0-9a-f]/gi, "")
    .padEnd(32, "0")
    .slice(0, 32)
    .toLowerCase()
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`
}

/** Whose runs a listing records: a connector and an entity, and for a definition's, its id. */
export interface ListingKey {
  readonly connectorId: string
  readonly entity: string
  readonly definitionId?: string | undefined
}

/** What one window activity reports. */
export interface WindowStep {
  readonly runId: string
  readonly done: boolean
  readonly resumed: boolean
  readonly pending: number
  /** The process that committed the window (`windowProcess`), when it was recorded. */
  readonly process?: string | undefined
}

/** The activities of one listing, as a workflow builds them (each may need its own services). */
export interface ListingActivities<RW, RR, RF, RP, RC, RX> {
  readonly window: (index: number) => Effect.Effect<WindowStep, SyncWorkflowError, RW>
  readonly run: (runId: string) => Effect.Effect<void, SyncWorkflowError, RR>
  readonly finish: (runId: string) => Effect.Effect<RunCounts, SyncWorkflowError, RF>
  readonly pending: Effect.Effect<void, SyncWorkflowError, RP>
  readonly close: Effect.Effect<void, SyncWorkflowError, RC>
  readonly fail: (runId: string, error: SyncWorkflowError) => Effect.Effect<void, never, RX>
}

/**
 * Runs a listing's activities: windows until the listing is done (linking the execution with its
 * run after the first), then finish, pending and close. A failure records the failed run and still
 * closes the trigger, so what was queued behind it starts. Traced as a `sync` span whose spans (the
 * activities, their upstream requests and statements) all carry the `runId`.
 */
export const executeListing = <RW, RR, RF, RP, RC, RX>(
  executionId: string,
  key: ListingKey,
  mode: SyncMode,
  activities: ListingActivities<RW, RR, RF, RP, RC, RX>,
  /** Set: the execution fails at once with this message (a sync refused before it starts). */
  refused?: string | undefined
): Effect.Effect<SyncSummary, SyncWorkflowError, RW | RR | RF | RP | RC | RX> =>
  Effect.gen(function* () {
    const startedAt = yield* Effect.clockWith((clock) => clock.currentTimeMillis)
    let runId = runIdOf(executionId)
    let resumed = false
    let pending = 0
    /** Every span of an activity (its windows, upstream requests, statements) names the run. */
    const ofRun = <A, E, R>(activity: Effect.Effect<A, E, R>) => Effect.annotateSpans(activity, { runId })
    const body = Effect.gen(function* () {
      if (refused !== undefined) return yield* new SyncWorkflowError({ message: refused })
      for (let index = 0; ; index++) {
        const outcome = yield* ofRun(activities.window(index))
        runId = outcome.runId
        if (index === 0) {
          // Resumed: the listing continued an interrupted run, or this execution carries on after
          // the process that committed its first window was lost (its results are replayed here).
          resumed = outcome.resumed || (outcome.process !== undefined && outcome.process !== windowProcess)
          // A resumed listing continues an earlier run: the sync's span names the run it carries on.
          yield* Effect.annotateCurrentSpan({ runId })
          yield* ofRun(activities.run(runId))
        }
        pending += outcome.pending
        if (outcome.done) break
      }
      const finished = yield* ofRun(activities.finish(runId))
      yield* ofRun(activities.pending)
      yield* ofRun(activities.close)
      return finished
    })
    const counts = yield* body.pipe(
      Effect.tapError((error) =>
        Effect.andThen(ofRun(activities.fail(runId, error)), ofRun(activities.close).pipe(Effect.ignore))
      )
    )
    const finishedAt = yield* Effect.clockWith((clock) => clock.currentTimeMillis)
    const summary: SyncSummary = {
      runId,
      connectorId: key.connectorId,
      entity: key.entity,
      mode,
      resumed,
      counts,
      pending,
      timings: { wallMs: finishedAt - startedAt, stagesMs: 0, writeMs: 0, waitMs: 0 }
    }
    return summary
  }).pipe(
    Effect.withSpan("sync", {
      attributes: { runId: runIdOf(executionId), executionId, connectorId: key.connectorId, entity: key.entity, mode }
    })
  )

/**
 * Links the execution with its runs: the one allocated when it was triggered and the one its first
 * window opened (another when it resumed an interrupted listing), so either id finds it.
 */
export const linkExecutionRuns = (executionId: string, key: ListingKey, runId: string) =>
  RunStore.use((runs) =>
    runs.linkRuns(
      executionId,
      [...new Set([runIdOf(executionId), runId])].map((id) => ({ runId: id, ...key }))
    )
  )

/**
 * Records a failed execution: the run its first window opened (attached to the execution's lease)
 * or, when it failed before, the one allocated when it was triggered, started if it never was, linked
 * and finished `failed` with the cause; then releases the lease. Returns that run and what it was
 * before (none: the engine never saw it, so nothing logged its failure yet).
 */
export const recordFailedRun = Effect.fnUntraced(function* (options: {
  readonly executionId: string
  readonly key: ListingKey
  readonly mode: string
  readonly runId: string
  readonly holder: string
  readonly error: SyncWorkflowError
}) {
  const { executionId, key, holder } = options
  const runs = yield* RunStore
  const leases = yield* EntityLeases
  const lease = yield* leases.current(key).pipe(
    Effect.map(Option.getOrUndefined),
    Effect.orElseSucceed(() => undefined)
  )
  const failedRun = lease?.holder === holder && lease.runId !== null ? lease.runId : options.runId
  const recorded = yield* Effect.gen(function* () {
    const existing = Option.getOrUndefined(yield* runs.getRun(failedRun))
    if (existing === undefined) yield* runs.startRun({ id: failedRun, ...key, mode: options.mode })
    yield* runs.linkRuns(executionId, [{ runId: failedRun, ...key }])
    yield* runs.finishRun(failedRun, { status: "failed", error: options.error.message })
    return existing
  }).pipe(Effect.option)
  yield* leases.release(key, holder).pipe(Effect.ignore)
  const before: SyncRun | undefined = Option.getOrUndefined(recorded)
  return { failedRun, before }
})

/** How often an activity waiting for its lease (another sync holds it) tries again. */
const leaseRetry = Schedule.spaced("1 second")

/** Retries an activity's work while another sync holds its lease (`EntityBusy`). */
export const retryWhileBusy = <A, E extends { readonly _tag: string }, R>(effect: Effect.Effect<A, E, R>) =>
  Effect.retry(effect, { while: (error) => error._tag === "EntityBusy", schedule: leaseRetry })
