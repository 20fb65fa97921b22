/**
 * The sync engine: runs an entity's records from an adapter through the nine stages into the
 * destination, one window at a time, committing each window's rows, failed records, parked
 * children, checkpoint and run counts in one transaction. This file runs one entity's sync (or one
 * window of it); the windows of the default sync (into the connector's table) are in
 * `tableWindows.ts` and its retries in `tableRetries.ts`, a sync into a sink (any `Destination` with
 * its `RowLedger`) is in `syncToSink.ts`, and the stages in `src/stages/*`. Connectors are synced
 * by the SyncConnector workflow, entity by entity through this engine (`src/workflow`).
 */
import type { EntityManifest } from "@syncflow/adapter-core"
import { Context, Effect, Layer, Option, Stream } from "effect"
import { SqlClient } from "effect/sql"
import { type ParentMissingPage, type ParentMissingRow, TableDestination } from "../destination/TableDestination.ts"
import { publishRunStarted } from "../events/RunProgress.ts"
import { emptyStageTimes } from "../stages/Stages.ts"
import { CheckpointStore } from "../state/CheckpointStore.ts"
import { ConnectorStore } from "../state/ConnectorStore.ts"
import { EntityLeases } from "../state/EntityLeases.ts"
import { FailedRecordStore } from "../state/FailedRecordStore.ts"
import { ManifestStore } from "../state/ManifestStore.ts"
import { PendingChildStore } from "../state/PendingChildStore.ts"
import { RunStore } from "../state/RunStore.ts"
import type { RunCounts, SyncRun } from "../state/SyncRun.ts"
import { cancelListing, withCancellation } from "./cancellation.ts"
import { type DeleteRecordsOutcome, type DeleteRecordsRequest, deleteRecords } from "./deleteRecords.ts"
import { addCounts, errorMessage, pickCounts, zeroCounts } from "./engineCounts.ts"
import { holdLease, processHolder, takeOver } from "./holdLease.ts"
import { readAhead } from "./readAhead.ts"
import { noRetries, type RetryOutcome } from "./retryFailedBatch.ts"
import type { SyncMode } from "./SyncMode.ts"
import {
  type FinishListingRequest,
  type RetryFailedRequest,
  SyncConfigError,
  type SyncEntityRequest,
  type SyncError,
  type SyncWindowRequest,
  type WindowOutcome
} from "./SyncRequests.ts"
import type { SyncSink } from "./SyncSink.ts"
import type { SyncSummary } from "./SyncSummary.ts"
import { makeSinkWindows } from "./sinkWindow.ts"
import { makeSinkSync } from "./syncToSink.ts"
import { makeTableRetries } from "./tableRetries.ts"
import { makeTableWindows } from "./tableWindows.ts"
import type { Window } from "./Window.ts"

export * from "./SyncRequests.ts"

/** What the engine's layer runs on. */
type EngineServices =
  | ConnectorStore
  | ManifestStore
  | CheckpointStore
  | RunStore
  | FailedRecordStore
  | PendingChildStore
  | TableDestination
  | SqlClient.SqlClient

/** The sync engine service. */
export class SyncEngine extends Context.Service<
  SyncEngine,
  {
    /** Syncs one entity, resuming an interrupted listing when there is one. */
    readonly syncEntity: (request: SyncEntityRequest) => Effect.Effect<SyncSummary, SyncError>
    /**
     * Commits the next window of an entity's listing (at most `windowRows` records, read from the
     * checkpoint's cursor): rows, failed records, parked children, checkpoint and run counts in one
     * transaction. Starts a listing (and its run) when none of this mode is in progress. Calling it
     * again after a crash continues from the committed checkpoint, so no window is written twice.
     */
    readonly syncWindow: (request: SyncWindowRequest) => Effect.Effect<WindowOutcome, SyncError>
    /**
     * Ends a listing whose windows are all committed: soft-deletes the rows a complete listing did
     * not see, moves the high-water mark, clears the listing and finishes the run. Idempotent.
     */
    readonly finishListing: (request: FinishListingRequest) => Effect.Effect<SyncRun, SyncError>
    /**
     * Retries an entity's due failed records (at most 3 times each, with backoff), or only the
     * records `ids` names: their raw data goes through the stages again (with today's configuration)
     * and the ones that pass are written when still newer than the table's row (see `retryFailedBatch`).
     */
    readonly retryFailedRecords: (request: RetryFailedRequest) => Effect.Effect<RetryOutcome, SyncError>
    /**
     * Soft-deletes at once the rows of records the source says it destroyed (named by their key
     * fields, e.g. a webhook's `{ id }`), hashed as a sync of them would be. Idempotent.
     */
    readonly deleteRecords: (request: DeleteRecordsRequest) => Effect.Effect<DeleteRecordsOutcome, SyncError>
    /**
     * Retries the parked children of an entity whose parents may have arrived, and clears the flag of
     * its kept orphans (`_parent_missing`) whose parents have.
     */
    readonly retryPendingChildren: (
      connectorId: string,
      manifest: EntityManifest,
      manifests: ReadonlyArray<EntityManifest>,
      /** The sync's sink, for children a sync definition's destination parked (the default table when absent). */
      sink?: SyncSink
    ) => Effect.Effect<RetryOutcome, SyncError>
    /**
     * The entity's kept orphans: live rows written while a parent they name was missing (flagged
     * `_parent_missing`), in business-key-hash order, a page at a time. None before its first sync.
     */
    readonly listOrphans: (
      connectorId: string,
      entity: string,
      page?: ParentMissingPage
    ) => Effect.Effect<ReadonlyArray<ParentMissingRow>, SyncError>
  }
>()("@syncflow/sync-engine/pipeline/SyncEngine") {
  /** The engine over the state stores, a TableDestination and the SQL client they share. */
  static readonly layer: Layer.Layer<SyncEngine, never, EngineServices> = Layer.effect(
    SyncEngine,
    Effect.gen(function* () {
      const connectorStore = yield* ConnectorStore
      const manifestStore = yield* ManifestStore
      const checkpointStore = yield* CheckpointStore
      const runStore = yield* RunStore
      const failedRecordStore = yield* FailedRecordStore
      const pendingChildStore = yield* PendingChildStore
      const destination = yield* TableDestination
      const sql = yield* SqlClient.SqlClient
      const provided = yield* Effect.serviceOption(EntityLeases)
      const leases = Option.isSome(provided) ? provided.value : yield* EntityLeases.make()
      const cancelContext = { sql, checkpointStore, runStore, destination }
      const tableServices = {
        connectorStore,
        manifestStore,
        checkpointStore,
        runStore,
        failedRecordStore,
        pendingChildStore,
        destination,
        sql
      }

      const { connectorTargets, parentLinks, orphanPolicy, prepare, openListing, commitWindow, finalize, stagedPages } =
        makeTableWindows(tableServices)
      const tableRetries = makeTableRetries(tableServices, { connectorTargets, parentLinks, orphanPolicy })

      const markFailed = (runId: string) => (error: unknown) =>
        Effect.logError("sync failed").pipe(
          Effect.annotateLogs({ error: errorMessage(error) }),
          Effect.andThen(runStore.finishRun(runId, { status: "failed", error: errorMessage(error) })),
          Effect.ignore
        )

      /** Every log line of an entity's sync names its connector, entity and mode (and run, once known). */
      const annotateSync = <A, E, R>(
        effect: Effect.Effect<A, E, R>,
        request: {
          readonly connectorId: string
          readonly manifest: EntityManifest
          readonly mode?: SyncMode | undefined
        }
      ) =>
        Effect.annotateLogs(effect, {
          connector: request.connectorId,
          entity: request.manifest.entity,
          mode: request.mode ?? "incremental"
        })

      const sinkServices = { checkpointStore, runStore, failedRecordStore, pendingChildStore, sql, leases }
      const sinks = makeSinkSync(sinkServices)
      const sinkWindows = makeSinkWindows(sinkServices, sinks)

      const syncEntity = Effect.fn("SyncEngine.syncEntity")(
        function* (request: SyncEntityRequest) {
          // A sync into another destination (a sync definition's sink): see syncToSink.ts.
          if (request.sink !== undefined) return yield* sinks.syncEntity({ ...request, sink: request.sink })
          const { connectorId, manifest } = request
          const entity = manifest.entity
          const mode: SyncMode = request.mode ?? "incremental"
          yield* Effect.annotateCurrentSpan({ connectorId, entity, mode })
          const key = { connectorId, entity }
          const holder = request.holder ?? processHolder()
          yield* holdLease(leases, key, holder, { release: true, wait: request.waitForLease === true })
          const prepared = yield* prepare(request)
          const opened = yield* openListing(connectorId, manifest, prepared.target, mode, undefined)
          let listing = opened.listing
          const runId = listing.runId
          yield* runStore.recordTypeMismatches(runId, prepared.typeMismatches)
          yield* takeOver(leases, key, holder, runId)
          yield* Effect.annotateLogsScoped({ runId })
          yield* Effect.annotateCurrentSpan({ runId })
          yield* Effect.logInfo(opened.resumed ? "sync resumed" : "sync started")
          yield* publishRunStarted(sql, runStore, runId)
          let counts = zeroCounts
          let pending = 0

          const timings = { wallMs: 0, writeMs: 0, waitMs: 0 }
          const stageTimes = emptyStageTimes()
          const startedAt = performance.now()
          let lastCommitEnd = startedAt
          const run = Effect.gen(function* () {
            if (opened.from !== undefined) {
              yield* stagedPages(request, prepared, listing, opened.from, stageTimes).pipe(
                // Fetch, parse and stage the next window while the database commits this one (and no more).
                readAhead,
                Stream.runForEach((window) => {
                  const started = performance.now()
                  timings.waitMs += started - lastCommitEnd
                  return commitWindow(request, prepared, opened, listing, window).pipe(
                    Effect.flatMap(({ next, windowCounts, waiting }) =>
                      Effect.sync(() => {
                        listing = next
                        counts = addCounts(counts, windowCounts)
                        pending += waiting
                      }).pipe(
                        Effect.andThen(
                          Effect.logDebug("window committed").pipe(
                            Effect.annotateLogs({ stage: "ingest", ...windowCounts })
                          )
                        )
                      )
                    ),
                    Effect.ensuring(
                      Effect.sync(() => {
                        lastCommitEnd = performance.now()
                        timings.writeMs += lastCommitEnd - started
                      })
                    )
                  )
                })
              )
            }
            counts = addCounts(counts, yield* finalize(connectorId, prepared.target, listing))
            const finished = yield* runStore.finishRun(runId, { status: "succeeded" })
            return finished
          })

          const cancel = cancelListing(cancelContext, connectorId, prepared.target, listing, opened.highWater)
          const finished = yield* withCancellation(Effect.annotateSpans(run, { runId }), () => cancel).pipe(
            Effect.tapError(markFailed(runId))
          )
          const summary: SyncSummary = {
            runId,
            connectorId,
            entity,
            mode,
            resumed: opened.resumed,
            counts: opened.resumed ? pickCounts(finished) : counts,
            ...(finished.status === "cancelled" ? { cancelled: true } : {}),
            pending,
            timings: {
              ...timings,
              wallMs: performance.now() - startedAt,
              stagesMs: stageTimes.normalize + stageTimes.validate + stageTimes.map + stageTimes.identify,
              stages: stageTimes
            }
          }
          yield* Effect.logInfo("sync finished").pipe(
            Effect.annotateLogs({
              ...summary.counts,
              pending,
              durationMs: Math.round(summary.timings.wallMs)
            })
          )
          return summary
        },
        Effect.scoped,
        annotateSync
      )

      const syncWindow = Effect.fn("SyncEngine.syncWindow")(
        function* (request: SyncWindowRequest) {
          // A window of a sync definition's sink: see sinkWindow.ts.
          if (request.sink !== undefined) return yield* sinkWindows.syncWindow({ ...request, sink: request.sink })
          const { connectorId, manifest } = request
          const mode: SyncMode = request.mode ?? "incremental"
          yield* Effect.annotateCurrentSpan({ connectorId, entity: manifest.entity, mode })
          const key = { connectorId, entity: manifest.entity }
          // Taken by the first window, renewed by the others; released by `finishListing` (or the caller).
          yield* holdLease(leases, key, request.holder, { release: false })
          const prepared = yield* prepare(request)
          const opened = yield* openListing(connectorId, manifest, prepared.target, mode, request.runId)
          const listing = opened.listing
          yield* runStore.recordTypeMismatches(listing.runId, prepared.typeMismatches)
          yield* takeOver(leases, key, request.holder, listing.runId)
          yield* Effect.annotateLogsScoped({ runId: listing.runId })
          yield* Effect.annotateCurrentSpan({ runId: listing.runId })
          // A window of a listing in progress continues it; only a new listing is a new sync.
          if (!opened.resumed) {
            yield* Effect.logInfo("sync started")
            yield* publishRunStarted(sql, runStore, listing.runId)
          }
          const outcome = (done: boolean, counts: RunCounts, pending: number): WindowOutcome => ({
            runId: listing.runId,
            done,
            resumed: opened.resumed,
            counts,
            pending
          })
          if (opened.from === undefined) return outcome(true, zeroCounts, 0)
          const first = yield* stagedPages(request, prepared, listing, opened.from).pipe(
            Stream.runHead,
            Effect.tapError(markFailed(listing.runId))
          )
          // An empty listing still commits its (empty) last window, so the checkpoint says it is done.
          const window: Window = Option.getOrElse(first, () => ({ pages: [], next: undefined, rows: 0 }))
          const cancel = cancelListing(cancelContext, connectorId, prepared.target, listing, opened.highWater)
          const committed = yield* withCancellation(commitWindow(request, prepared, opened, listing, window), () =>
            Effect.as(cancel, undefined)
          ).pipe(Effect.tapError(markFailed(listing.runId)))
          // Cancelled: the listing has ended (`finishListing` only releases the lease).
          if (committed === undefined) return outcome(true, zeroCounts, 0)
          yield* Effect.logDebug("window committed").pipe(
            Effect.annotateLogs({ stage: "ingest", ...committed.windowCounts })
          )
          return outcome(window.next === undefined, addCounts(zeroCounts, committed.windowCounts), committed.waiting)
        },
        Effect.scoped,
        annotateSync
      )

      const finishListing = Effect.fn("SyncEngine.finishListing")(
        function* (request: FinishListingRequest) {
          if (request.sink !== undefined) return yield* sinkWindows.finishListing({ ...request, sink: request.sink })
          const { connectorId, manifest, runId } = request
          const key = { connectorId, entity: manifest.entity }
          yield* leases.acquire(key, request.holder)
          const saved = Option.getOrUndefined(yield* checkpointStore.getCheckpoint(connectorId, manifest.entity))
          const listing = saved?.listing
          // Already finalized (a retried call): only the run may be left to finish.
          if (listing !== undefined && listing !== null && listing.runId === runId) {
            if (saved?.cursor !== null) {
              return yield* new SyncConfigError({
                entity: manifest.entity,
                message: `the listing of run ${runId} still has windows to read`
              })
            }
            const target = yield* connectorTargets(connectorId).pipe(
              Effect.flatMap((targets) => targets.claimed(manifest.entity)),
              Effect.tapError(markFailed(runId))
            )
            yield* finalize(connectorId, target, listing).pipe(Effect.tapError(markFailed(runId)))
          }
          const run = yield* runStore.finishRun(runId, { status: "succeeded" })
          yield* leases.release(key, request.holder)
          yield* Effect.logInfo("sync finished").pipe(
            Effect.annotateLogs({ ...pickCounts(run), durationMs: run.durationMs })
          )
          return run
        },
        (effect, request) =>
          Effect.annotateLogs(effect, {
            connector: request.connectorId,
            entity: request.manifest.entity,
            runId: request.runId
          })
      )

      const retryPendingChildren = Effect.fn("SyncEngine.retryPendingChildren")(function* (
        connectorId: string,
        manifest: EntityManifest,
        manifests: ReadonlyArray<EntityManifest>,
        sink?: SyncSink
      ) {
        if (sink !== undefined) {
          const retried = yield* sinks.retryPendingChildren(connectorId, manifest, sink)
          return { ...noRetries, ...retried }
        }
        return yield* tableRetries.retryPendingChildren(connectorId, manifest, manifests)
      })

      const listOrphans = Effect.fn("SyncEngine.listOrphans")(function* (
        connectorId: string,
        entity: string,
        page?: ParentMissingPage
      ) {
        const target = yield* (yield* connectorTargets(connectorId)).target(entity)
        return yield* destination
          .listParentMissing(target, page)
          .pipe(Effect.catchReason("DestinationError", "UnknownEntity", () => Effect.succeed([])))
      })

      return SyncEngine.of({
        listOrphans,
        syncEntity,
        syncWindow,
        finishListing,
        retryFailedRecords: Effect.fn("SyncEngine.retryFailedRecords")(tableRetries.retryFailedRecords),
        retryPendingChildren,
        deleteRecords: Effect.fn("SyncEngine.deleteRecords")(
          (request: DeleteRecordsRequest) =>
            connectorTargets(request.connectorId).pipe(
              Effect.flatMap((targets) => targets.claimed(request.manifest.entity)),
              Effect.flatMap((target) => deleteRecords(destination, target, request))
            ),
          (effect, request) =>
            Effect.annotateLogs(effect, { connector: request.connectorId, entity: request.manifest.entity })
        )
      })
    })
  )
}
