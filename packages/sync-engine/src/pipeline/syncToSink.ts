/**
 * The orchestration of a sync into a {@link SyncSink} (any `Destination` with its `RowLedger`):
 * windows of pages through stages 2-5, then stage 6 (`planChanges`), 8 (`applyChanges`) and 9
 * (`trackApplied`), and at the end of a complete listing `reconcileUnseen`. A transactional
 * destination writes inside the window's transaction; any other writes first (idempotently), then
 * the ledger, the failed records, the parked children, the checkpoint and the run counts commit in
 * one transaction — a crash between the two repeats the writes harmlessly.
 */
import { type Adapter, Cursor, type EntityManifest } from "@syncflow/adapter-core"
import { Effect, Option, Schema, Stream } from "effect"
import { SqlClient } from "effect/sql"
import type { DestinationChanges } from "../destination/Destination.ts"
import type { IngestRow } from "../destination/TableDestination.ts"
import { type CompiledPipeline, compilePipeline } from "../etl/compilePipeline.ts"
import { recordStepStats } from "../etl/StepStats.ts"
import type { LedgerScope } from "../ledger/RowLedger.ts"
import { recordTransformStats } from "../mappings/TransformStats.ts"
import { planChanges } from "../stages/delta/planChanges.ts"
import { type Applied, applyChanges } from "../stages/ingest/applyChanges.ts"
import { maxRowVersion, toIngestRows } from "../stages/ingest/toIngestRows.ts"
import {
  emptyStageTimes,
  makeStages,
  newLookupWindow,
  runStagesLoading,
  type Stages,
  type StagesOptions
} from "../stages/Stages.ts"
import { reconcileUnseen } from "../stages/track/reconcileUnseen.ts"
import { trackApplied } from "../stages/track/trackApplied.ts"
import type { ListingState } from "../state/Checkpoint.ts"
import type { CheckpointStore } from "../state/CheckpointStore.ts"
import type { EntityLeases } from "../state/EntityLeases.ts"
import type { NewFailedRecord } from "../state/FailedRecord.ts"
import type { FailedRecordStore } from "../state/FailedRecordStore.ts"
import type { PendingChildStore } from "../state/PendingChildStore.ts"
import type { RunStore } from "../state/RunStore.ts"
import { type RunCounts, runCountNames } from "../state/SyncRun.ts"
import { addCounts, IngestRowJson, windowStageCounts, zeroCounts } from "./engineCounts.ts"
import { makeFailureKey } from "./failureKey.ts"
import { holdLease, processHolder, takeOver } from "./holdLease.ts"
import { rawInWindow, rawsToPark } from "./parkedRaws.ts"
import { type SyncMode, sameListing } from "./SyncMode.ts"
import type { SyncSink } from "./SyncSink.ts"
import type { SyncSummary } from "./SyncSummary.ts"
import { failedKeys, toFailedRecords } from "./toFailedRecords.ts"
import { type Window, type WindowPage, windows } from "./Window.ts"

/** What a sync into a sink needs. */
export interface SinkSyncRequest {
  readonly connectorId: string
  readonly adapter: Adapter
  readonly manifest: EntityManifest
  readonly sink: SyncSink
  readonly mode?: SyncMode | undefined
  readonly stages?: StagesOptions | undefined
  readonly pageSize?: number | undefined
  /** Upstream pages requested at once (see `SyncEntityRequest.fetchConcurrency`). */
  readonly fetchConcurrency?: number | undefined
  readonly windowRows?: number | undefined
  readonly holder?: string | undefined
  readonly waitForLease?: boolean | undefined
}

/** A sink's listing, opened (see `openListing`): what its windows and its end need. */
export interface OpenSinkListing {
  readonly request: SinkSyncRequest
  /** The source entity. */
  readonly entity: string
  /** The definition its state is kept under (the sink's sync id). */
  readonly definitionId: string
  readonly scope: LedgerScope
  readonly stages: Stages
  readonly failureKey: ReturnType<typeof makeFailureKey>
  /** The listing as opened (resumed from the checkpoint, or new). */
  readonly listing: ListingState
  readonly resumed: boolean
  /** The high-water mark before this listing. */
  readonly highWater: string | null
  /** Where its next window starts; `undefined`: nothing left to read. */
  readonly from: Cursor.Cursor | undefined
  /** The sink's ETL steps, compiled (absent: none). */
  readonly pipeline: CompiledPipeline | undefined
}

/** The services the sink orchestration runs on. */
export interface SinkServices {
  readonly checkpointStore: CheckpointStore["Service"]
  readonly runStore: RunStore["Service"]
  readonly failedRecordStore: FailedRecordStore["Service"]
  readonly pendingChildStore: PendingChildStore["Service"]
  readonly sql: SqlClient.SqlClient
  readonly leases: EntityLeases["Service"]
}

/** Whose state a sink's window writes: the source connector's entity, the definition, the run. */
interface SinkStateContext {
  readonly connectorId: string
  readonly entity: string
  readonly definitionId: string
  readonly runId: string
}

/** The failed records of rows the destination refused (stage `ingest`). */
const refusedRecords = (
  applied: Applied,
  context: SinkStateContext,
  rawOf: (bkHash: string) => unknown
): Array<NewFailedRecord> =>
  applied.failed.map((failure) => ({
    connectorId: context.connectorId,
    entity: context.entity,
    definitionId: context.definitionId,
    runId: context.runId,
    stage: "ingest",
    errorType: failure.field === undefined ? "Refused" : "InvalidField",
    message: failure.reason,
    businessKey: failure.bkHash,
    raw: rawOf(failure.bkHash) ?? failure.row,
    ...(failure.row === undefined ? {} : { mapped: failure.row })
  }))

/** Builds the sink operations on `services`. */
export const makeSinkSync = ({
  checkpointStore,
  runStore,
  failedRecordStore,
  pendingChildStore,
  sql,
  leases
}: SinkServices) => {
  /**
   * Applies changes (outside the transaction unless the destination is transactional), then commits
   * `commit` with the ledger's record of them in one transaction.
   */
  const writeAndTrack = <A, E, R>(
    sink: SyncSink,
    scope: LedgerScope,
    changes: DestinationChanges,
    context: { readonly runId: string; readonly window: string },
    commit: (applied: Applied) => Effect.Effect<A, E, R>
  ) => {
    const apply = applyChanges(sink.destination, sink.target, changes, { syncId: sink.syncId, ...context })
    const track = (applied: Applied) =>
      trackApplied(sink.ledger, scope, applied, context.runId).pipe(Effect.andThen(commit(applied)))
    return sink.destination.capabilities.transactional
      ? sql.withTransaction(Effect.flatMap(apply, track))
      : Effect.flatMap(apply, (applied) => sql.withTransaction(track(applied)))
  }

  /** Parks, closes and records what a write did, in the caller's transaction. */
  const settle = (context: SinkStateContext, applied: Applied, rawOf: (bkHash: string) => unknown) =>
    Effect.gen(function* () {
      const { connectorId, entity, definitionId, runId } = context
      if (applied.parked.length > 0) {
        yield* pendingChildStore.enqueuePendingChildren(
          applied.parked.map((child) => ({
            connectorId,
            entity,
            definitionId,
            bkHash: child.bkHash,
            parentEntity: child.parentEntity,
            parentBkHash: child.parentBkHash,
            row: child.row,
            raw: rawOf(child.bkHash),
            runId,
            lastError: `parent ${child.parentEntity} ${child.parentBkHash} is not in the target yet`
          }))
        )
      }
      const written = applied.written.map((row) => row.bkHash)
      if (written.length > 0) {
        yield* pendingChildStore.removePendingChildren(connectorId, entity, written, definitionId)
        yield* failedRecordStore.supersedeFailedRecords(connectorId, entity, written, definitionId)
      }
      if (applied.failed.length > 0) {
        yield* failedRecordStore.recordFailedRecords(refusedRecords(applied, context, rawOf))
      }
    })

  /** Runs an ETL step's effect on the engine's database. */
  const withSql = <A, E>(effect: Effect.Effect<A, E, SqlClient.SqlClient>) =>
    Effect.provideService(effect, SqlClient.SqlClient, sql)

  /** The sink's ETL steps compiled for rows of `stages` (`undefined` when it has none). */
  const compileEtl = Effect.fnUntraced(function* (
    request: Pick<SinkSyncRequest, "manifest" | "sink">,
    options: StagesOptions | undefined,
    compiled?: Stages
  ) {
    const steps = request.sink.pipeline
    if (steps === undefined || steps.length === 0) return undefined
    const stages = compiled ?? (yield* makeStages(request.manifest, options))
    return yield* compilePipeline(
      steps,
      { columns: stages.mapper.columns, key: stages.mapper.businessKey },
      { definitionId: request.sink.syncId, schema: request.sink.target.schema, table: request.sink.target.table },
      request.manifest.cursorField
    ).pipe(withSql)
  })

  /** A window's plan with deletes of the rows its ETL steps skipped that the target holds (a filter now false). */
  const withSkippedDeleted = (
    sink: SyncSink,
    scope: LedgerScope,
    plan: Effect.Success<ReturnType<typeof planChanges>>,
    skipped: ReadonlyArray<string>
  ) =>
    skipped.length === 0
      ? Effect.succeed(plan)
      : Effect.map(sink.ledger.lookup(scope, skipped), (entries) => ({
          ...plan,
          changes: {
            ...plan.changes,
            deletes: [...entries.values()].flatMap((entry) =>
              entry.deleted || entry.targetId === null ? [] : [{ bkHash: entry.bkHash, targetId: entry.targetId }]
            )
          }
        }))

  /**
   * Opens the sink's listing in `mode`: prepares the target, then resumes the listing a checkpoint
   * saved (same kind) or starts one with a new run (`runId` when given, so a retried first window of
   * a workflow starts the same run). The caller holds the lease.
   */
  const openListing = Effect.fnUntraced(function* (
    request: SinkSyncRequest,
    mode: SyncMode,
    runId?: string | undefined
  ) {
    const { connectorId, manifest, sink } = request
    const entity = manifest.entity
    const definitionId = sink.syncId
    const scope: LedgerScope = { syncId: sink.syncId, target: sink.target }
    const stages = yield* makeStages(manifest, request.stages)
    const failureKey = makeFailureKey(stages)
    const pipeline = yield* compileEtl(request, request.stages, stages)
    // The target's columns are the Map stage's (a sync definition's mapping selects and renames them),
    // or its ETL steps' last ones.
    yield* sink.destination.prepareEntity(
      sink.target,
      pipeline !== undefined
        ? { ...manifest, columns: pipeline.columns, businessKey: pipeline.key }
        : stages.mapper.passThrough
          ? manifest
          : { ...manifest, columns: stages.mapper.columns }
    )
    if (pipeline !== undefined) yield* withSql(pipeline.prepare)
    const checkpoint = Option.getOrUndefined(yield* checkpointStore.getCheckpoint(connectorId, entity, definitionId))
    const saving = checkpoint?.listing
    const resumable = saving !== undefined && saving !== null && sameListing(saving.mode, mode) ? saving : null
    let listing: ListingState
    if (resumable !== null) {
      listing = resumable
      yield* runStore.resumeRun(resumable.runId)
    } else {
      const empty = yield* sink.ledger.isEmpty(scope)
      const incremental = mode === "incremental" && manifest.deltaStrategy === "rowversion" && !empty
      const mappingVersion = request.stages?.transform?.version
      const run = yield* runStore.startRun({ id: runId, connectorId, entity, definitionId, mode, mappingVersion })
      listing = {
        runId: run.id,
        mode,
        since: incremental ? (checkpoint?.rowVersion ?? null) : null,
        maxRowVersion: checkpoint?.rowVersion ?? null,
        initial: empty
      }
    }
    const open: OpenSinkListing = {
      request,
      entity,
      definitionId,
      scope,
      stages,
      failureKey,
      listing,
      resumed: resumable !== null,
      highWater: checkpoint?.rowVersion ?? null,
      from: resumable === null ? Cursor.start : (checkpoint?.cursor ?? undefined),
      pipeline
    }
    return open
  })

  /** The stream of an open listing's windows from `from` (stages 2-5 run on each page). */
  const windowsFrom = (open: OpenSinkListing, from: Cursor.Cursor) =>
    open.request.adapter
      .streamPages(open.request.manifest.entity, {
        from,
        ...(open.listing.since === null ? {} : { since: open.listing.since }),
        ...(open.request.pageSize === undefined ? {} : { pageSize: open.request.pageSize }),
        ...(open.request.fetchConcurrency === undefined ? {} : { concurrency: open.request.fetchConcurrency })
      })
      .pipe(
        Stream.mapEffect((page) => {
          const times = emptyStageTimes()
          return Effect.map(
            withSql(runStagesLoading(open.stages, page.items, times)),
            (staged): WindowPage => ({
              rows: open.pipeline === undefined ? toIngestRows(staged.ok, open.request.manifest.cursorField) : [],
              // Kept for the rows the destination parks or refuses: their failed records keep the raw data.
              raws: rawsToPark("park", staged.ok),
              failures: staged.failures,
              counts: staged.counts,
              next: page.next,
              ...(open.stages.transformer === undefined ? {} : { transformMs: times.transform }),
              ...(open.pipeline === undefined ? {} : { records: staged.ok })
            })
          )
        }),
        windows(open.request.windowRows ?? 10_000),
        Stream.mapEffect((window) => {
          // The mapping's table lookups read the next window's keys afresh.
          newLookupWindow(open.stages)
          const pipeline = open.pipeline
          if (pipeline === undefined) return Effect.succeed(window)
          const records = window.pages.flatMap((page) => page.records ?? [])
          return Effect.map(
            withSql(pipeline.applyWindow(records, open.listing.runId)),
            (etl): Window => ({ ...window, pages: window.pages.map((page) => ({ ...page, records: undefined })), etl })
          )
        })
      )

  /**
   * Commits one window of an open listing (read from `windowStart`): writes, ledger, failed records,
   * parked children, checkpoint (cursor `window.next`) and run counts. Returns the listing it moved
   * on to, the window's counts and how many children it parked.
   */
  const commitWindow = (open: OpenSinkListing, listing: ListingState, window: Window, windowStart: Cursor.Cursor) =>
    Effect.gen(function* () {
      const { connectorId, sink } = open.request
      const { entity, definitionId, scope } = open
      const runId = listing.runId
      const context: SinkStateContext = { connectorId, entity, definitionId, runId }
      const rows: ReadonlyArray<IngestRow> = [...window.pages.flatMap((p) => p.rows), ...(window.etl?.rows ?? [])]
      const failures = [...window.pages.flatMap((p) => p.failures), ...(window.etl?.failures ?? [])]
      const rawOf = (bkHash: string) => rawInWindow(window, bkHash)
      const planned = yield* planChanges(sink.ledger, scope, rows, runId)
      const plan =
        window.etl === undefined ? planned : yield* withSkippedDeleted(sink, scope, planned, window.etl.skipped)
      const next: ListingState = { ...listing, maxRowVersion: maxRowVersion(rows, listing.maxRowVersion) }
      const committed = yield* writeAndTrack(
        sink,
        scope,
        plan.changes,
        { runId, window: JSON.stringify(windowStart) },
        (applied) =>
          Effect.gen(function* () {
            yield* settle(context, applied, rawOf)
            const transformed = window.pages.reduce(
              (sum, page) => (page.counts.transformed === undefined ? sum : (sum ?? 0) + page.counts.transformed),
              undefined as number | undefined
            )
            if (transformed !== undefined) {
              const ms = window.pages.reduce((sum, page) => sum + (page.transformMs ?? 0), 0)
              yield* withSql(recordTransformStats(runId, transformed, ms))
            }
            if (window.etl !== undefined) {
              yield* withSql(window.etl.commit)
              yield* withSql(recordStepStats(runId, window.etl.stats))
            }
            if (failures.length > 0) {
              const failed = toFailedRecords(failures, context, open.failureKey)
              yield* failedRecordStore.recordFailedRecords(failed)
              // The source lists these records too: a reconcile must not delete them in the target.
              if (listing.since === null) yield* sink.ledger.touch(scope, failedKeys(failed), runId)
            }
            yield* checkpointStore.saveCheckpoint({
              connectorId,
              entity,
              definitionId,
              cursor: window.next ?? null,
              rowVersion: open.highWater,
              runId,
              listing: next
            })
            const stageCounts = windowStageCounts(window)
            const windowCounts: Partial<RunCounts> = {
              ...stageCounts,
              failed: stageCounts.failed + (window.etl?.failures.length ?? 0) + applied.failed.length,
              inserted: applied.inserted,
              updated: applied.updated,
              // Only a definition deleting the rows it lists deletes in a window.
              deleted: applied.deleted.length,
              unchanged: plan.unchanged,
              orphaned: applied.parked.length
            }
            yield* runStore.addRunCounts(runId, windowCounts)
            return { windowCounts, parked: applied.parked.length }
          })
      )
      return { listing: next, ...committed }
    })

  /**
   * Ends a listing whose windows are committed: a complete one reconciles what it did not see, the
   * checkpoint moves its high-water mark and forgets the listing (one transaction). Returns the deletes.
   */
  const endListing = (
    open: {
      readonly request: Pick<SinkSyncRequest, "connectorId" | "sink">
      readonly entity: string
      readonly definitionId: string
      readonly scope: LedgerScope
      readonly pipeline?: CompiledPipeline | undefined
    },
    listing: ListingState
  ) =>
    sql.withTransaction(
      Effect.gen(function* () {
        const { connectorId, sink } = open.request
        const runId = listing.runId
        const deleted =
          listing.since === null
            ? yield* reconcileUnseen(sink.ledger, sink.destination, sink.target, open.scope, runId)
            : 0
        if (listing.since === null && open.pipeline !== undefined) yield* withSql(open.pipeline.endListing(runId))
        yield* checkpointStore.saveCheckpoint({
          connectorId,
          entity: open.entity,
          definitionId: open.definitionId,
          cursor: null,
          rowVersion: listing.maxRowVersion,
          runId,
          listing: null
        })
        if (deleted > 0) yield* runStore.addRunCounts(runId, { deleted })
        return deleted
      })
    )

  const syncEntity = Effect.fn("SyncEngine.syncToSink")(
    function* (request: SinkSyncRequest) {
      const { connectorId, sink } = request
      const mode: SyncMode = request.mode ?? "incremental"
      const key = { connectorId, entity: request.manifest.entity, definitionId: sink.syncId }
      const holder = request.holder ?? processHolder()
      yield* holdLease(leases, key, holder, { release: true, wait: request.waitForLease === true })
      const open = yield* openListing(request, mode)
      let listing = open.listing
      const runId = listing.runId
      const entity = open.entity
      yield* takeOver(leases, key, holder, runId)
      yield* Effect.annotateLogsScoped({ runId, syncId: sink.syncId })
      yield* Effect.annotateCurrentSpan({ runId, connectorId, entity: request.manifest.entity, syncId: sink.syncId })
      yield* Effect.logInfo(open.resumed ? "sync resumed" : "sync started")
      const startedAt = performance.now()
      let counts = zeroCounts
      let pending = 0

      const run = Effect.gen(function* () {
        if (open.from !== undefined) {
          let windowStart: Cursor.Cursor = open.from
          yield* windowsFrom(open, open.from).pipe(
            Stream.runForEach((window) =>
              Effect.gen(function* () {
                const committed = yield* commitWindow(open, listing, window, windowStart)
                listing = committed.listing
                counts = addCounts(counts, committed.windowCounts)
                pending += committed.parked
                if (window.next !== undefined) windowStart = window.next
              })
            )
          )
        }
        const deleted = yield* endListing(open, listing)
        counts = addCounts(counts, { deleted })
        return yield* runStore.finishRun(runId, { status: "succeeded" })
      })

      const finished = yield* run.pipe(
        Effect.annotateSpans({ runId }),
        Effect.tapError((error) =>
          runStore.finishRun(runId, { status: "failed", error: String(error.message) }).pipe(Effect.ignore)
        )
      )
      const summary: SyncSummary = {
        runId,
        connectorId,
        entity,
        mode,
        resumed: open.resumed,
        counts: open.resumed
          ? (Object.fromEntries(runCountNames.map((name) => [name, finished[name]])) as RunCounts)
          : counts,
        pending,
        timings: { wallMs: performance.now() - startedAt, stagesMs: 0, writeMs: 0, waitMs: 0 }
      }
      yield* Effect.logInfo("sync finished").pipe(Effect.annotateLogs({ ...summary.counts, pending }))
      return summary
    },
    Effect.scoped,
    (effect, request) =>
      Effect.annotateLogs(effect, {
        connector: request.connectorId,
        entity: request.manifest.entity,
        syncId: request.sink.syncId
      })
  )

  /**
   * Retries the children parked by the sink's destination (their parent was not in the target):
   * due ones are written again; those written leave `pending_children`, those still parked wait for
   * their next attempt. Returns how many were written and how many still wait.
   */
  const retryPendingChildren = Effect.fn("SyncEngine.retrySinkPendingChildren")(function* (
    connectorId: string,
    manifest: EntityManifest,
    sink: SyncSink
  ) {
    const entity = manifest.entity
    const definitionId = sink.syncId
    const scope: LedgerScope = { syncId: sink.syncId, target: sink.target }
    let resolved = 0
    let stillWaiting = 0
    let movedToFailed = 0
    let round = 0
    while (true) {
      const due = yield* pendingChildStore.takeDuePendingChildren({ connectorId, entity, definitionId })
      movedToFailed += due.movedToFailed
      if (due.due.length === 0) return { resolved, stillWaiting, movedToFailed }
      const rows: Array<IngestRow> = []
      for (const child of due.due) {
        const row = yield* Schema.decodeUnknownEffect(IngestRowJson)(child.row).pipe(Effect.option)
        if (Option.isSome(row)) rows.push(row.value)
      }
      const runId = due.due[0]?.runId ?? globalThis.crypto.randomUUID()
      const plan = yield* planChanges(sink.ledger, scope, rows, runId)
      const outcome = yield* writeAndTrack(
        sink,
        scope,
        plan.changes,
        { runId, window: `pending-${round++}` },
        (applied) =>
          Effect.as(
            settle({ connectorId, entity, definitionId, runId }, applied, () => undefined),
            {
              written: applied.written.length,
              parked: applied.parked.length
            }
          )
      )
      resolved += outcome.written
      stillWaiting += outcome.parked
    }
  })

  return { syncEntity, retryPendingChildren, openListing, windowsFrom, commitWindow, endListing, compileEtl }
}
