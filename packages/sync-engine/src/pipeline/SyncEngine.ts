/**
 * The sync engine: runs an entity's records from an adapter through the nine stages into the
 * destination, one window at a time, committing each window's rows, failed records, parked
 * children, checkpoint and run counts in one transaction.
 */
import {
  type Adapter,
  type AdapterError,
  type ColumnManifest,
  Cursor,
  type EntityManifest
} from "@syncflow/adapter-core"
import { Context, Effect, Layer, Option, Predicate, Schema, Stream } from "effect"
import { SqlClient, type SqlError } from "effect/sql"
import type { DestinationError } from "../destination/DestinationError.ts"
import type { InvalidIdentifier } from "../destination/Identifier.ts"
import type { RowCheck } from "../destination/StorableValues.ts"
import {
  type IngestRow,
  type ParentMissingPage,
  type ParentMissingRow,
  TableDestination
} from "../destination/TableDestination.ts"
import type { TableTarget } from "../destination/TableTarget.ts"
import { publishRunStarted, publishWindowCommitted } from "../events/RunProgress.ts"
import type { RowLedgerError } from "../ledger/RowLedger.ts"
import { planDelta } from "../stages/delta/planDelta.ts"
import { makeBusinessKeyHash } from "../stages/identity/BusinessKeyHash.ts"
import { maxRowVersion, toIngestRows } from "../stages/ingest/toIngestRows.ts"
import { splitUnstorable } from "../stages/ingest/unstorableRows.ts"
import type { ParentLink } from "../stages/resolve/ParentLink.ts"
import { placeOrphans } from "../stages/resolve/placeOrphans.ts"
import { resolveKeptOrphans } from "../stages/resolve/resolveKeptOrphans.ts"
import { resolveParents } from "../stages/resolve/resolveParents.ts"
import type { StageConfigError } from "../stages/StageConfigError.ts"
import {
  emptyStageTimes,
  makeStages,
  runStages,
  type Stages,
  type StagesOptions,
  type StageTimes
} from "../stages/Stages.ts"
import type { ListingState } from "../state/Checkpoint.ts"
import type { EntityBusy } from "../state/EntityBusy.ts"
import { EntityLeases } from "../state/EntityLeases.ts"
import type { OrphanPolicy } from "../state/EntitySettings.ts"
import { StateStore } from "../state/StateStore.ts"
import type { ConnectorNotFound, RunNotFound, StateStoreError } from "../state/StateStoreError.ts"
import { type RunCounts, runCountNames, type SyncRun } from "../state/SyncRun.ts"
import { cancelListing, stopIfCancelled, withCancellation } from "./cancellation.ts"
import { type DeleteRecordsOutcome, type DeleteRecordsRequest, deleteRecords } from "./deleteRecords.ts"
import { dependencyOrder } from "./dependencyOrder.ts"
import { makeFailureKey } from "./failureKey.ts"
import { holdLease, processHolder, takeOver } from "./holdLease.ts"
import { businessKeyColumns, inferColumns, withoutUnknownNulls } from "./inferColumns.ts"
import { rawInWindow, rawsToPark } from "./parkedRaws.ts"
import type { TableTaken } from "./resolveTarget.ts"
import * as ResolveTarget from "./resolveTarget.ts"
import { addOutcomes, noRetries, type RetryOutcome, retryFailedBatch } from "./retryFailedBatch.ts"
import { type SyncMode, sameListing } from "./SyncMode.ts"
import type { SyncSink } from "./SyncSink.ts"
import type { SyncSummary } from "./SyncSummary.ts"
import { makeSinkSync } from "./syncToSink.ts"
import { toFailedRecords } from "./toFailedRecords.ts"
import { type Window, type WindowPage, windows, windowTotal } from "./Window.ts"

/** A configuration problem found before syncing, e.g. a parent entity without a manifest. */
export class SyncConfigError extends Schema.TaggedError<SyncConfigError>()("SyncConfigError", {
  entity: Schema.String,
  message: Schema.String
}) {}

/** Any failure of a sync. */
export type SyncError =
  | AdapterError
  | DestinationError
  | InvalidIdentifier
  | StateStoreError
  | RunNotFound
  | ConnectorNotFound
  | TableTaken
  | StageConfigError
  | SyncConfigError
  | EntityBusy
  | RowLedgerError
  | SqlError.SqlError

/** What to sync and how. */
export interface SyncEntityRequest {
  readonly connectorId: string
  readonly adapter: Adapter
  readonly manifest: EntityManifest
  /** The connector's other manifests, for resolving parents. */
  readonly manifests?: ReadonlyArray<EntityManifest> | undefined
  readonly mode?: SyncMode | undefined
  readonly stages?: StagesOptions | undefined
  /** Records per upstream page (capped by the adapter). */
  readonly pageSize?: number | undefined
  /** Records per committed window (10,000 by default): a crash re-reads at most this many. */
  readonly windowRows?: number | undefined
  /** What happens to rows whose parent is missing; the entity's stored setting (`keep` by default) when absent. */
  readonly orphans?: OrphanPolicy | undefined
  /**
   * Who holds the entity's lease for this sync (see `EntityLeases`): this process, under a new
   * name, when absent. A second sync of the entity fails with `EntityBusy` while one holds it.
   */
  readonly holder?: string | undefined
  /** While another sync holds the entity's lease: wait for it (trying every second) instead of failing with `EntityBusy`. */
  readonly waitForLease?: boolean | undefined
  /** Where a sync writes: absent = the default definition (the connector's PostgreSQL table), today's behaviour. */
  readonly sink?: SyncSink | undefined
}

/** A connector-wide sync: every entity (or the named ones) in dependency order. */
export interface SyncConnectorRequest {
  readonly connectorId: string
  readonly adapter: Adapter
  readonly entities?: ReadonlyArray<string> | undefined
  /** The connector's manifests (e.g. from `freshManifests`); discovered from the adapter and stored when absent. */
  readonly manifests?: ReadonlyArray<EntityManifest> | undefined
  readonly mode?: SyncMode | undefined
  readonly stages?: ((manifest: EntityManifest) => StagesOptions | undefined) | undefined
  readonly pageSize?: number | undefined
  readonly windowRows?: number | undefined
  /** While another sync holds an entity's lease: wait for it instead of failing with `EntityBusy`. */
  readonly waitForLease?: boolean | undefined
}

/** Which failed records to retry, and the configuration to run them through. */
export interface RetryFailedRequest {
  readonly connectorId: string
  readonly manifest: EntityManifest
  readonly manifests?: ReadonlyArray<EntityManifest> | undefined
  readonly stages?: StagesOptions | undefined
  /**
   * Only these records, due or not (a one-record retry from the API or the CLI); records of other
   * entities are left alone. Without it, every due record of the entity.
   */
  readonly ids?: ReadonlyArray<string> | undefined
}

export { noRetries, type RetryOutcome } from "./retryFailedBatch.ts"

/** One window of an entity's listing: what `syncWindow` needs. */
export interface SyncWindowRequest extends SyncEntityRequest {
  /**
   * The id of the run to start when no listing of this mode is in progress (a UUID). A durable
   * workflow passes one derived from its execution, so a retried first window reuses the same run.
   */
  readonly runId?: string | undefined
  /** Who holds the entity's lease across the listing's windows and its finish (a workflow execution). */
  readonly holder: string
}

/** What one `syncWindow` call committed. */
export interface WindowOutcome {
  /** The run the listing belongs to. */
  readonly runId: string
  /** Whether the listing has no window left: call `finishListing` next. */
  readonly done: boolean
  /** Whether this window continued a listing an earlier call (or process) had started. */
  readonly resumed: boolean
  /** The stage counts of this window (all zero when there was nothing left to read). */
  readonly counts: RunCounts
  /** Child rows parked because their parents are missing. */
  readonly pending: number
}

/** Ends a listing whose windows are all committed. */
export interface FinishListingRequest {
  readonly connectorId: string
  readonly manifest: EntityManifest
  readonly runId: string
  /** The holder of the entity's lease (the one its windows took): released once the run has finished. */
  readonly holder: string
}

/** The columns an entity's table starts with: the declared ones, or its business key when none are. */
const startingColumns = (manifest: EntityManifest, stages: Stages): ReadonlyArray<ColumnManifest> =>
  stages.mapper.passThrough ? businessKeyColumns(manifest.businessKey) : stages.mapper.columns

const zeroCounts: RunCounts = Object.fromEntries(runCountNames.map((name) => [name, 0])) as RunCounts

const addCounts = (a: RunCounts, b: Partial<RunCounts>): RunCounts =>
  Object.fromEntries(runCountNames.map((name) => [name, a[name] + (b[name] ?? 0)])) as RunCounts

const IngestRowJson = Schema.StructWithRest(Schema.Struct({ _bk_hash: Schema.String, _data_hash: Schema.String }), [
  Schema.Record(Schema.String, Schema.Unknown)
])

/** What the engine's layer runs on. */
type EngineServices = StateStore | TableDestination | SqlClient.SqlClient

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
    /** Syncs a connector's entities, parents first, then retries children parked for missing parents. */
    readonly syncConnector: (request: SyncConnectorRequest) => Effect.Effect<ReadonlyArray<SyncSummary>, SyncError>
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
  /** The engine over a StateStore, a TableDestination and the SQL client they share. */
  static readonly layer: Layer.Layer<SyncEngine, never, EngineServices> = Layer.effect(
    SyncEngine,
    Effect.gen(function* () {
      const state = yield* StateStore
      const destination = yield* TableDestination
      const sql = yield* SqlClient.SqlClient
      const provided = yield* Effect.serviceOption(EntityLeases)
      const leases = Option.isSome(provided) ? provided.value : yield* EntityLeases.make()
      const cancelContext = { sql, state, destination }

      /** The targets of a connector's entities (see `resolveTarget.ts`). */
      const connectorTargets = (connectorId: string) =>
        ResolveTarget.connectorTargets(connectorId).pipe(
          Effect.provideService(StateStore, state),
          Effect.provideService(SqlClient.SqlClient, sql)
        )
      type Targets = Effect.Success<ReturnType<typeof connectorTargets>>

      const parentLinks = Effect.fnUntraced(function* (
        manifest: EntityManifest,
        manifests: ReadonlyArray<EntityManifest>,
        stages: ((manifest: EntityManifest) => StagesOptions | undefined) | undefined,
        targets: Targets
      ) {
        const links: Array<ParentLink> = []
        for (const parent of manifest.parents) {
          const parentManifest = manifests.find((m) => m.entity === parent.entity)
          if (parentManifest === undefined) {
            return yield* new SyncConfigError({
              entity: manifest.entity,
              message: `its parent "${parent.entity}" has no manifest in this connector`
            })
          }
          const parentStages = yield* makeStages(parentManifest, stages?.(parentManifest))
          // The parent's table may not exist yet (children synced first): create it, empty.
          const parentTarget = yield* targets.claimed(parent.entity)
          yield* destination.ensureEntity(parentTarget, {
            ...parentManifest,
            columns: startingColumns(parentManifest, parentStages)
          })
          const parentKey = parentStages.mapper.businessKey
          if (parentKey.length !== parent.foreignKey.length) {
            return yield* new SyncConfigError({
              entity: manifest.entity,
              message: `foreign key (${parent.foreignKey.join(", ")}) does not match ${parent.entity}'s business key (${parentKey.join(", ")})`
            })
          }
          links.push({
            parentEntity: parent.entity,
            parentTarget,
            foreignKey: parent.foreignKey,
            parentKey,
            parentHash: yield* makeBusinessKeyHash(parentKey)
          })
        }
        return links
      })

      /** The entity's orphan policy: the stored setting, `keep` for an entity never discovered. */
      const orphanPolicy = (connectorId: string, entity: string) =>
        Effect.map(state.getManifest(connectorId, entity), (found) =>
          Option.match(found, { onNone: (): OrphanPolicy => "keep", onSome: (e) => e.settings.orphans })
        )

      /** Stages, parent links, orphan policy and the entity's table, ready for its windows. */
      const prepare = Effect.fnUntraced(function* (request: SyncEntityRequest) {
        const { manifest } = request
        const stages = yield* makeStages(manifest, request.stages)
        const targets = yield* connectorTargets(request.connectorId)
        const target = yield* targets.claimed(manifest.entity)
        const links = yield* parentLinks(manifest, request.manifests ?? [], () => request.stages, targets)
        const known = new Map(startingColumns(manifest, stages).map((column) => [column.name, column]))
        const ensured = yield* destination.ensureEntity(target, { ...manifest, columns: [...known.values()] })
        const { typeMismatches } = ensured
        // Values checked against the table's columns before writing (see unstorableRows.ts): those of
        // columns whose type changed upstream, and every value of an entity typed from its values.
        const check = stages.mapper.passThrough
          ? yield* destination.rowCheck(target)
          : typeMismatches.length > 0
            ? yield* destination.rowCheck(
                target,
                typeMismatches.map((mismatch) => mismatch.column)
              )
            : undefined
        const orphans =
          request.orphans ?? (links.length === 0 ? "keep" : yield* orphanPolicy(request.connectorId, manifest.entity))
        return { stages, links, known, orphans, failureKey: makeFailureKey(stages), check, typeMismatches, target }
      })

      /** The listing to continue (same mode, in progress) or a new one with its run. */
      const openListing = Effect.fnUntraced(function* (
        connectorId: string,
        manifest: EntityManifest,
        target: TableTarget,
        mode: SyncMode,
        runId: string | undefined
      ) {
        const entity = manifest.entity
        const saved = yield* state.getCheckpoint(connectorId, entity)
        const checkpoint = Option.getOrUndefined(saved)
        // `full-refresh` and `reconcile` are the same complete listing: either resumes the other's.
        const saving = checkpoint?.listing
        const resumable = saving !== undefined && saving !== null && sameListing(saving.mode, mode) ? saving : null
        let listing: ListingState
        if (resumable !== null) {
          listing = resumable
          yield* state.resumeRun(resumable.runId)
        } else {
          // An empty table (never synced, or a new target: another schema or table) is listed completely,
          // also by an incremental sync whose checkpoint has a high-water mark from the old table.
          const empty = yield* destination.isEmpty(target)
          const incremental = mode === "incremental" && manifest.deltaStrategy === "rowversion" && !empty
          let run = yield* state.startRun({ id: runId, connectorId, entity, mode })
          // A retried first window whose run was marked abandoned meanwhile: it runs again.
          if (run.status === "abandoned") run = yield* state.resumeRun(run.id)
          listing = {
            runId: run.id,
            mode,
            since: incremental ? (checkpoint?.rowVersion ?? null) : null,
            maxRowVersion: checkpoint?.rowVersion ?? null,
            // An empty table: nothing to compare with, nothing that could be deleted.
            initial: empty
          }
        }
        return {
          listing,
          resumed: resumable !== null,
          highWater: checkpoint?.rowVersion ?? null,
          // Never synced before: the table was empty when the listing began, so every row in it was
          // written by this listing (also when it is resumed): there is nothing to compare or mark as seen.
          initial: listing.initial === true,
          // Where to read from; `undefined` when a resumed listing has no window left.
          from: resumable === null ? Cursor.start : (checkpoint?.cursor ?? undefined)
        }
      })

      type Prepared = Effect.Success<ReturnType<typeof prepare>>

      /**
       * Commits one window after `listing` in one transaction and returns the listing after it,
       * the window's counts and how many children it parked.
       */
      const commitWindow = (
        request: SyncEntityRequest,
        prepared: Prepared,
        opened: { readonly highWater: string | null; readonly initial: boolean },
        listing: ListingState,
        window: Window
      ) => {
        const { connectorId, manifest } = request
        const entity = manifest.entity
        const { stages, links, known, target } = prepared
        const runId = listing.runId
        // A complete listing (not filtered by row version) can find deletes and needs the seen set.
        const complete = listing.since === null
        return sql.withTransaction(
          Effect.gen(function* () {
            // A window boundary: a run asked to stop ends here, this window unwritten (see cancellation.ts).
            yield* stopIfCancelled(sql, runId)
            const failures = window.pages.flatMap((p) => p.failures)
            let rows: ReadonlyArray<IngestRow> =
              window.pages.length === 1 ? window.pages[0]!.rows : window.pages.flatMap((p) => p.rows)
            if (stages.mapper.passThrough) {
              if (inferColumns(known, rows).length > 0) {
                yield* destination.ensureEntity(target, { ...manifest, columns: [...known.values()] })
              }
              rows = withoutUnknownNulls(known, rows)
            }
            const resolved = yield* resolveParents(destination, links, rows)
            const placed = placeOrphans(prepared.orphans, rows, resolved, links.length > 0)
            if (placed.parked.length > 0) {
              yield* state.enqueuePendingChildren(
                placed.parked.map((child) => ({
                  connectorId,
                  entity,
                  bkHash: child.row._bk_hash,
                  parentEntity: child.parentEntity,
                  parentBkHash: child.parentBkHash,
                  row: child.row,
                  raw: rawInWindow(window, child.row._bk_hash),
                  runId,
                  lastError: `parent ${child.parentEntity} ${child.parentBkHash} not synced yet`
                }))
              )
              // The source lists these rows: a reconcile must not take them for deleted.
              if (complete && !opened.initial) {
                yield* destination.touch(
                  target,
                  placed.parked.map((child) => child.row._bk_hash),
                  runId
                )
              }
            }
            // A complete listing of a table that had rows compares hashes (and records unchanged rows as seen).
            const plan =
              complete && !opened.initial
                ? yield* planDelta(destination, target, placed.write, runId)
                : { write: placed.write, unchanged: 0 }
            const written =
              plan.write.length === 0
                ? { inserted: 0, updated: 0, unchanged: 0, deduplicated: 0 }
                : yield* destination.upsert(target, plan.write, { runId })
            if (links.length > 0) {
              yield* destination.markParentMissing(target, placed.missing, placed.present)
              // A row parked by an earlier listing must not come back over the one written now.
              yield* state.removePendingChildren(
                connectorId,
                entity,
                placed.write.map((row) => row._bk_hash)
              )
            }
            // The window's keys now hold the source's state: their older failures are closed.
            yield* state.supersedeFailedRecords(
              connectorId,
              entity,
              placed.write.map((row) => row._bk_hash)
            )
            if (failures.length > 0) {
              yield* state.recordFailedRecords(
                toFailedRecords(failures, { connectorId, entity, runId }, prepared.failureKey)
              )
            }
            const next: ListingState = { ...listing, maxRowVersion: maxRowVersion(rows, listing.maxRowVersion) }
            yield* state.saveCheckpoint({
              connectorId,
              entity,
              cursor: window.next ?? null,
              rowVersion: opened.highWater,
              runId,
              listing: next
            })
            const stageCounts = window.pages.reduce(
              (acc, p) => ({
                fetched: acc.fetched + p.counts.input,
                normalized: acc.normalized + p.counts.normalized,
                validated: acc.validated + p.counts.validated,
                mapped: acc.mapped + p.counts.mapped,
                failed: acc.failed + p.counts.failed
              }),
              { fetched: 0, normalized: 0, validated: 0, mapped: 0, failed: 0 }
            )
            const windowCounts: Partial<RunCounts> = {
              ...stageCounts,
              inserted: written.inserted,
              updated: written.updated,
              // A duplicate of a row in the same window is not a change of its own.
              unchanged: written.unchanged + written.deduplicated + plan.unchanged,
              orphaned: placed.missing.length + placed.parked.length
            }
            yield* state.addRunCounts(runId, windowCounts)
            yield* publishWindowCommitted(sql, state, runId, window.rows, windowTotal(window))
            return { next, windowCounts, waiting: placed.parked.length }
          })
        )
      }

      /** Soft-deletes what a complete listing did not see and clears the listing, in one transaction. */
      const finalize = (connectorId: string, target: TableTarget, listing: ListingState) => {
        const entity = target.entity ?? target.table
        const complete = listing.since === null
        const runId = listing.runId
        return sql.withTransaction(
          Effect.gen(function* () {
            // Every row of an initial listing's table was written by it: no need to look for unseen ones.
            const deleted =
              complete && listing.initial !== true ? yield* destination.markDeletedNotSeen(target, runId) : 0
            if (complete) yield* destination.forgetSeen(target, runId)
            yield* state.saveCheckpoint({
              connectorId,
              entity,
              cursor: null,
              rowVersion: listing.maxRowVersion,
              runId,
              listing: null
            })
            if (deleted > 0) yield* state.addRunCounts(runId, { deleted })
            return deleted
          })
        )
      }

      /** The pages of a listing from a cursor, through stages 2-5. */
      const stagedPages = (
        request: SyncEntityRequest,
        {
          stages,
          check,
          orphans
        }: { readonly stages: Stages; readonly check: RowCheck | undefined; readonly orphans: OrphanPolicy },
        listing: ListingState,
        from: Cursor.Cursor,
        times?: StageTimes
      ) =>
        request.adapter
          .streamPages(request.manifest.entity, {
            from,
            ...(listing.since === null ? {} : { since: listing.since }),
            ...(request.pageSize === undefined ? {} : { pageSize: request.pageSize })
          })
          .pipe(
            // Only the destination rows go on: the page's raw records are collected as soon as it is
            // staged, unless the entity parks orphans (see parkedRaws.ts).
            Stream.map((page): WindowPage => {
              const staged = runStages(stages, page.items, times)
              const storable = splitUnstorable(check, staged.ok, toIngestRows(staged.ok, request.manifest.cursorField))
              const unstorable = storable.failures.length
              return {
                rows: storable.rows,
                raws: rawsToPark(orphans, staged.ok),
                failures: unstorable === 0 ? staged.failures : [...staged.failures, ...storable.failures],
                counts:
                  unstorable === 0 ? staged.counts : { ...staged.counts, failed: staged.counts.failed + unstorable },
                next: page.next,
                total: page.total
              }
            }),
            windows(request.windowRows ?? 10_000)
          )

      const markFailed = (runId: string) => (error: unknown) =>
        Effect.logError("sync failed", { error: errorMessage(error) }).pipe(
          Effect.andThen(state.finishRun(runId, { status: "failed", error: errorMessage(error) })),
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

      const sinks = makeSinkSync({ state, sql, leases })

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
          yield* state.recordTypeMismatches(runId, prepared.typeMismatches)
          yield* takeOver(leases, key, holder, runId)
          yield* Effect.annotateLogsScoped({ runId })
          yield* Effect.logInfo(opened.resumed ? "sync resumed" : "sync started")
          yield* publishRunStarted(sql, state, runId)
          let counts = zeroCounts
          let pending = 0

          const timings = { wallMs: 0, writeMs: 0, waitMs: 0 }
          const stageTimes = emptyStageTimes()
          const startedAt = performance.now()
          let lastCommitEnd = startedAt
          const run = Effect.gen(function* () {
            if (opened.from !== undefined) {
              yield* stagedPages(request, prepared, listing, opened.from, stageTimes).pipe(
                // Fetch, parse and stage the next window while the database commits this one.
                Stream.buffer({ capacity: 1 }),
                Stream.runForEach((window) => {
                  const started = performance.now()
                  timings.waitMs += started - lastCommitEnd
                  return commitWindow(request, prepared, opened, listing, window).pipe(
                    Effect.flatMap(({ next, windowCounts, waiting }) =>
                      Effect.sync(() => {
                        listing = next
                        counts = addCounts(counts, windowCounts)
                        pending += waiting
                      }).pipe(Effect.andThen(Effect.logDebug("window committed", { stage: "ingest", ...windowCounts })))
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
            const deleted = yield* finalize(connectorId, prepared.target, listing)
            counts = addCounts(counts, { deleted })
            const finished = yield* state.finishRun(runId, { status: "succeeded" })
            return finished
          })

          const cancel = cancelListing(cancelContext, connectorId, prepared.target, listing, opened.highWater)
          const finished = yield* withCancellation(run, () => cancel).pipe(Effect.tapError(markFailed(runId)))
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
          yield* Effect.logInfo("sync finished", {
            ...summary.counts,
            pending,
            durationMs: Math.round(summary.timings.wallMs)
          })
          return summary
        },
        Effect.scoped,
        annotateSync
      )

      const syncWindow = Effect.fn("SyncEngine.syncWindow")(
        function* (request: SyncWindowRequest) {
          const { connectorId, manifest } = request
          const mode: SyncMode = request.mode ?? "incremental"
          yield* Effect.annotateCurrentSpan({ connectorId, entity: manifest.entity, mode })
          const key = { connectorId, entity: manifest.entity }
          // Taken by the first window, renewed by the others; released by `finishListing` (or the caller).
          yield* holdLease(leases, key, request.holder, { release: false })
          const prepared = yield* prepare(request)
          const opened = yield* openListing(connectorId, manifest, prepared.target, mode, request.runId)
          const listing = opened.listing
          yield* state.recordTypeMismatches(listing.runId, prepared.typeMismatches)
          yield* takeOver(leases, key, request.holder, listing.runId)
          yield* Effect.annotateLogsScoped({ runId: listing.runId })
          // A window of a listing in progress continues it; only a new listing is a new sync.
          if (!opened.resumed) {
            yield* Effect.logInfo("sync started")
            yield* publishRunStarted(sql, state, listing.runId)
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
          yield* Effect.logDebug("window committed", { stage: "ingest", ...committed.windowCounts })
          return outcome(window.next === undefined, addCounts(zeroCounts, committed.windowCounts), committed.waiting)
        },
        Effect.scoped,
        annotateSync
      )

      const finishListing = Effect.fn("SyncEngine.finishListing")(
        function* (request: FinishListingRequest) {
          const { connectorId, manifest, runId } = request
          const key = { connectorId, entity: manifest.entity }
          yield* leases.acquire(key, request.holder)
          const saved = Option.getOrUndefined(yield* state.getCheckpoint(connectorId, manifest.entity))
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
          const run = yield* state.finishRun(runId, { status: "succeeded" })
          yield* leases.release(key, request.holder)
          yield* Effect.logInfo("sync finished", { ...pickCounts(run), durationMs: run.durationMs })
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
        const targets = yield* connectorTargets(connectorId)
        const target = yield* targets.claimed(manifest.entity)
        const links = yield* parentLinks(manifest, manifests, undefined, targets)
        const kept = yield* resolveKeptOrphans(destination, target, links)
        let outcome: RetryOutcome = { ...noRetries, resolved: kept.cleared, stillWaiting: kept.stillMissing }
        // Batch after batch: a child taken now is not due again until its next attempt.
        while (true) {
          const { due, movedToFailed } = yield* state.takeDuePendingChildren({ connectorId, entity: manifest.entity })
          outcome = { ...outcome, movedToFailed: outcome.movedToFailed + movedToFailed }
          if (due.length === 0) return outcome
          const rows: Array<IngestRow> = []
          for (const child of due) {
            const row = yield* Schema.decodeUnknownEffect(IngestRowJson)(child.row).pipe(Effect.option)
            if (Option.isSome(row)) rows.push(row.value)
          }
          const resolved = yield* resolveParents(destination, links, rows)
          if (resolved.ready.length > 0) {
            yield* sql.withTransaction(
              Effect.gen(function* () {
                const keys = resolved.ready.map((row) => row._bk_hash)
                yield* destination.upsert(target, resolved.ready)
                yield* destination.markParentMissing(target, [], keys)
                yield* state.removePendingChildren(connectorId, manifest.entity, keys)
                yield* state.supersedeFailedRecords(connectorId, manifest.entity, keys)
              })
            )
          }
          outcome = {
            ...outcome,
            resolved: outcome.resolved + resolved.ready.length,
            stillWaiting: outcome.stillWaiting + resolved.waiting.length
          }
        }
      })

      const retryFailedRecords = Effect.fn("SyncEngine.retryFailedRecords")(function* (request: RetryFailedRequest) {
        const { connectorId, manifest } = request
        const stages = yield* makeStages(manifest, request.stages)
        const targets = yield* connectorTargets(connectorId)
        const target = yield* targets.claimed(manifest.entity)
        const links = yield* parentLinks(manifest, request.manifests ?? [], () => request.stages, targets)
        const context = {
          state,
          destination,
          sql,
          connectorId,
          manifest,
          target,
          stages,
          links,
          orphans: links.length === 0 ? ("keep" as const) : yield* orphanPolicy(connectorId, manifest.entity)
        }
        if (request.ids !== undefined) {
          const taken = yield* state.takeFailedRecords(request.ids)
          const mine = taken.filter((record) => record.connectorId === connectorId && record.entity === manifest.entity)
          return mine.length === 0 ? noRetries : yield* retryFailedBatch(context, mine)
        }
        let outcome = noRetries
        while (true) {
          const due = yield* state.takeDueFailedRecords({ connectorId, entity: manifest.entity })
          if (due.length === 0) return outcome
          outcome = addOutcomes(outcome, yield* retryFailedBatch(context, due))
        }
      })

      const syncConnector = Effect.fn("SyncEngine.syncConnector")(function* (request: SyncConnectorRequest) {
        let discovered = request.manifests
        if (discovered === undefined) {
          discovered = yield* request.adapter.manifests
          yield* state.saveManifests(request.connectorId, discovered)
        }
        const wanted = request.entities
        const ordered = dependencyOrder(discovered).filter((m) => wanted === undefined || wanted.includes(m.entity))
        const summaries: Array<SyncSummary> = []
        for (const manifest of ordered) {
          summaries.push(
            yield* syncEntity({
              connectorId: request.connectorId,
              adapter: request.adapter,
              manifest,
              manifests: discovered,
              mode: request.mode,
              stages: request.stages?.(manifest),
              pageSize: request.pageSize,
              windowRows: request.windowRows,
              waitForLease: request.waitForLease
            })
          )
          for (const child of discovered) {
            if (child.parents.some((p) => p.entity === manifest.entity)) {
              yield* retryPendingChildren(request.connectorId, child, discovered)
            }
          }
        }
        return summaries
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
        syncConnector,
        retryFailedRecords,
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

const errorMessage = (error: unknown): string => {
  const tag = Predicate.hasProperty(error, "_tag") && Predicate.isString(error._tag) ? error._tag : "Error"
  return Predicate.hasProperty(error, "message") && Predicate.isString(error.message)
    ? `${tag}: ${error.message}`
    : String(error)
}

const pickCounts = (run: RunCounts): RunCounts =>
  Object.fromEntries(runCountNames.map((name) => [name, run[name]])) as RunCounts
