/**
 * The runs of workflow executions, known when they are triggered: an entity execution's run is
 * allocated up front (its id derived from the execution id, see `runIdOf`, or the run of the
 * interrupted listing it continues) and linked with the execution in `syncflow.execution_runs`, so a
 * trigger can answer with it and either id finds it later.
 */
import { Effect, Option } from "effect"
import { type SyncMode, sameListing } from "../pipeline/SyncMode.ts"
import { CheckpointStore } from "../state/CheckpointStore.ts"
import { RunStore } from "../state/RunStore.ts"
import { runIdOf } from "./listingExecution.ts"

/**
 * The run an entity execution carries: the one its first window opened, once it has, or the one
 * allocated when it was triggered (derived from the execution id for an execution older than the links).
 */
export const runOfExecution = Effect.fnUntraced(function* (executionId: string) {
  const runStore = yield* RunStore
  const links = (yield* runStore.executionRuns(executionId)).filter((link) => link.executionId === executionId)
  const started = links.filter((link) => Option.isSome(link.run)).at(-1)
  return started?.runId ?? links[0]?.runId ?? runIdOf(executionId)
})

/**
 * Whether an execution's listing has ended: the run it carries is finished (the execution is left
 * with its last bookkeeping), so a trigger coming now must not join it (see `WorkflowTriggers.request`).
 */
export const executionListed = Effect.fnUntraced(function* (executionId: string) {
  const runId = yield* runOfExecution(executionId)
  const run = yield* (yield* RunStore).getRun(runId)
  return Option.isSome(run) && run.value.status !== "running"
})

/**
 * Allocates the run of an entity execution about to start (`listingMode`: the mode it lists in) or
 * queued (`undefined`: its listing is decided when it starts): a new run whose id comes from the
 * execution id or, when the entity has an interrupted listing this mode continues, that listing's
 * run. Links it with the execution (and, with `carriedBy`, with the connector execution that started
 * it), so each of these ids finds it.
 */
export const allocateRun = Effect.fnUntraced(function* (
  executionId: string,
  target: { readonly connectorId: string; readonly entity: string; readonly definitionId?: string | undefined },
  listingMode: SyncMode | undefined,
  carriedBy?: string | undefined
) {
  const checkpointStore = yield* CheckpointStore
  const runStore = yield* RunStore
  const planned = runIdOf(executionId)
  const checkpoint =
    listingMode === undefined
      ? undefined
      : Option.getOrUndefined(
          yield* checkpointStore.getCheckpoint(target.connectorId, target.entity, target.definitionId)
        )
  const listing = checkpoint?.listing
  const runId =
    listingMode !== undefined && listing !== undefined && listing !== null && sameListing(listing.mode, listingMode)
      ? listing.runId
      : planned
  const links = [...new Set([planned, runId])].map((id) => ({ runId: id, ...target }))
  yield* runStore.linkRuns(executionId, links)
  if (carriedBy !== undefined) yield* runStore.linkRuns(carriedBy, [{ runId, ...target }])
  return runId
})
