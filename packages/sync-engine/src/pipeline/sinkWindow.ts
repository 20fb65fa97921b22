/**
 * A sync into a sink one window at a time, for the durable SyncDefinition workflow: the same open,
 * commit-window and end steps as `syncToSink` (see `makeSinkSync`), each call committing at most one
 * window from the checkpoint's cursor, so a call repeated after a crash continues from the committed
 * checkpoint and never writes a window twice. The lease of the sink's state (entity and definition) is taken by the
 * first window for the caller's `holder`, renewed by the others and released by `finishSinkListing`.
 * A run asked to stop (`RunControl.cancel`) ends `cancelled` at its next window boundary.
 */
import { Effect, Option, Stream } from "effect"
import { publishRunStarted } from "../events/RunProgress.ts"
import { stopIfCancelled } from "./cancellation.ts"
import { addCounts, zeroCounts } from "./engineCounts.ts"
import { holdLease, takeOver } from "./holdLease.ts"
import type { SyncMode } from "./SyncMode.ts"
import type { WindowOutcome } from "./SyncRequests.ts"
import type { makeSinkSync, SinkServices, SinkSyncRequest } from "./syncToSink.ts"
import type { Window } from "./Window.ts"

/** One window of a sink's listing: the run to start when none is open, and who holds the lease. */
export interface SinkWindowRequest extends SinkSyncRequest {
  readonly runId?: string | undefined
  readonly holder: string
}

/** Ends a sink's listing whose windows are committed. */
export interface SinkFinishRequest {
  readonly connectorId: string
  readonly manifest: SinkSyncRequest["manifest"]
  readonly sink: SinkSyncRequest["sink"]
  readonly stages?: SinkSyncRequest["stages"]
  readonly runId: string
  readonly holder: string
}

/** Builds the window-at-a-time sink operations from the sink steps and their services. */
export const makeSinkWindows = (services: SinkServices, steps: ReturnType<typeof makeSinkSync>) => {
  const { checkpointStore, runStore, sql, leases } = services
  const keyOf = (request: Pick<SinkSyncRequest, "connectorId" | "manifest" | "sink">) => ({
    connectorId: request.connectorId,
    entity: request.manifest.entity,
    definitionId: request.sink.syncId
  })

  const syncWindow = Effect.fn("SyncEngine.syncSinkWindow")(
    function* (request: SinkWindowRequest) {
      const mode: SyncMode = request.mode ?? "incremental"
      const key = keyOf(request)
      yield* holdLease(leases, key, request.holder, { release: false })
      const open = yield* steps.openListing(request, mode, request.runId)
      const runId = open.listing.runId
      yield* takeOver(leases, key, request.holder, runId)
      yield* Effect.annotateLogsScoped({ runId, syncId: request.sink.syncId })
      yield* Effect.annotateCurrentSpan({ runId, syncId: request.sink.syncId })
      if (!open.resumed) {
        yield* Effect.logInfo("sync started")
        yield* publishRunStarted(sql, runStore, runId)
      }
      const outcome = (done: boolean, committed?: Parameters<typeof addCounts>[1], pending = 0): WindowOutcome => ({
        runId,
        done,
        resumed: open.resumed,
        counts: committed === undefined ? zeroCounts : addCounts(zeroCounts, committed),
        pending
      })
      if (open.from === undefined) return outcome(true)
      const first = yield* Stream.runHead(steps.windowsFrom(open, open.from)).pipe(
        Effect.tapError((error) =>
          runStore.finishRun(runId, { status: "failed", error: String(error.message) }).pipe(Effect.ignore)
        )
      )
      // An empty listing still commits its (empty) last window, so the checkpoint says it is done.
      const window: Window = Option.getOrElse(first, () => ({ pages: [], next: undefined, rows: 0 }))
      // Cancelled (`RunControl.cancel`): the window is dropped and the listing ends, nothing reconciled.
      const cancelled = yield* stopIfCancelled(sql, runId).pipe(
        Effect.as(false),
        Effect.catchTag("RunCancelled", () =>
          Effect.as(
            sql.withTransaction(
              Effect.andThen(
                checkpointStore.saveCheckpoint({
                  connectorId: request.connectorId,
                  entity: open.entity,
                  definitionId: open.definitionId,
                  cursor: null,
                  rowVersion: open.highWater,
                  runId,
                  listing: null
                }),
                runStore.finishRun(runId, { status: "cancelled" })
              )
            ),
            true
          )
        )
      )
      if (cancelled) {
        yield* Effect.logInfo("sync cancelled")
        return outcome(true)
      }
      const committed = yield* steps
        .commitWindow(open, open.listing, window, open.from)
        .pipe(
          Effect.tapError((error) =>
            runStore.finishRun(runId, { status: "failed", error: String(error.message) }).pipe(Effect.ignore)
          )
        )
      yield* Effect.logDebug("window committed").pipe(
        Effect.annotateLogs({ stage: "ingest", ...committed.windowCounts })
      )
      return outcome(window.next === undefined, committed.windowCounts, committed.parked)
    },
    Effect.scoped,
    (effect, request) =>
      Effect.annotateLogs(effect, {
        connector: request.connectorId,
        entity: request.manifest.entity,
        syncId: request.sink.syncId
      })
  )

  /** Ends the listing (idempotent: a retried call only finishes the run) and releases the lease. */
  const finishListing = Effect.fn("SyncEngine.finishSinkListing")(function* (request: SinkFinishRequest) {
    const key = keyOf(request)
    yield* leases.acquire(key, request.holder)
    const { entity, definitionId } = key
    const saved = Option.getOrUndefined(yield* checkpointStore.getCheckpoint(request.connectorId, entity, definitionId))
    const listing = saved?.listing
    if (listing !== undefined && listing !== null && listing.runId === request.runId) {
      const scope = { syncId: request.sink.syncId, target: request.sink.target }
      const pipeline = yield* steps.compileEtl(request, request.stages)
      yield* steps.endListing({ request, entity, definitionId, scope, pipeline }, listing)
    }
    const run = yield* runStore.finishRun(request.runId, { status: "succeeded" })
    yield* leases.release(key, request.holder)
    yield* Effect.logInfo("sync finished").pipe(Effect.annotateLogs({ runId: run.id, syncId: request.sink.syncId }))
    return run
  })

  return { syncWindow, finishListing }
}
