/**
 * The default sync's windows, into the connector's PostgreSQL table (`TableDestination`): what a
 * sync prepares (stages, parent links, orphan policy, the table), the listing it opens or resumes,
 * the pages of a listing through stages 2-5, and the commit of a window (stages 6-9: delta, resolve,
 * ingest, track) and of a listing's end, each in one transaction. `SyncEngine` orchestrates them.
 */
import { Cursor, type EntityManifest } from "@syncflow/adapter-core"
import { Effect, Option, Stream } from "effect"
import { SqlClient } from "effect/sql"
import type { RowCheck } from "../destination/StorableValues.ts"
import type { IngestRow, TableDestination } from "../destination/TableDestination.ts"
import type { TableTarget } from "../destination/TableTarget.ts"
import { publishWindowCommitted } from "../events/RunProgress.ts"
import { planDelta } from "../stages/delta/planDelta.ts"
import { makeBusinessKeyHash } from "../stages/identity/BusinessKeyHash.ts"
import { maxRowVersion, toIngestRows } from "../stages/ingest/toIngestRows.ts"
import { splitUnstorable } from "../stages/ingest/unstorableRows.ts"
import type { ParentLink } from "../stages/resolve/ParentLink.ts"
import { placeOrphans } from "../stages/resolve/placeOrphans.ts"
import { resolveParents } from "../stages/resolve/resolveParents.ts"
import {
  makeStages,
  newLookupWindow,
  runStagesLoading,
  type Stages,
  type StagesOptions,
  type StageTimes
} from "../stages/Stages.ts"
import type { ListingState } from "../state/Checkpoint.ts"
import type { CheckpointStore } from "../state/CheckpointStore.ts"
import { ConnectorStore } from "../state/ConnectorStore.ts"
import type { OrphanPolicy } from "../state/EntitySettings.ts"
import type { FailedRecordStore } from "../state/FailedRecordStore.ts"
import { ManifestStore } from "../state/ManifestStore.ts"
import type { PendingChildStore } from "../state/PendingChildStore.ts"
import type { RunStore } from "../state/RunStore.ts"
import type { RunCounts } from "../state/SyncRun.ts"
import { stopIfCancelled } from "./cancellation.ts"
import { startingColumns, windowStageCounts } from "./engineCounts.ts"
import { makeFailureKey } from "./failureKey.ts"
import { inferColumns, withoutUnknownNulls } from "./inferColumns.ts"
import { rawInWindow, rawsToPark } from "./parkedRaws.ts"
import * as ResolveTarget from "./resolveTarget.ts"
import { type SyncMode, sameListing } from "./SyncMode.ts"
import { SyncConfigError, type SyncEntityRequest } from "./SyncRequests.ts"
import { failedKeys, toFailedRecords } from "./toFailedRecords.ts"
import { type Window, type WindowPage, windows, windowTotal } from "./Window.ts"

/** The services the table windows run on. */
export interface TableWindowServices {
  readonly connectorStore: ConnectorStore["Service"]
  readonly manifestStore: ManifestStore["Service"]
  readonly checkpointStore: CheckpointStore["Service"]
  readonly runStore: RunStore["Service"]
  readonly failedRecordStore: FailedRecordStore["Service"]
  readonly pendingChildStore: PendingChildStore["Service"]
  readonly destination: TableDestination["Service"]
  readonly sql: SqlClient.SqlClient
}

/** Builds the table windows' operations on `services`. */
export const makeTableWindows = (services: TableWindowServices) => {
  const { manifestStore, checkpointStore, runStore, failedRecordStore, pendingChildStore, destination, sql } = services
  /** The targets of a connector's entities (see `resolveTarget.ts`). */
  const connectorTargets = (connectorId: string) =>
    ResolveTarget.connectorTargets(connectorId).pipe(
      Effect.provideService(ConnectorStore, services.connectorStore),
      Effect.provideService(ManifestStore, manifestStore),
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
    Effect.map(manifestStore.getManifest(connectorId, entity), (found) =>
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
    const saved = yield* checkpointStore.getCheckpoint(connectorId, entity)
    const checkpoint = Option.getOrUndefined(saved)
    // `full-refresh` and `reconcile` are the same complete listing: either resumes the other's. A
    // listing that loads its table without the unique indexes is resumed by any mode: it is complete,
    // and the table can only be written again once it has built them.
    const saving = checkpoint?.listing
    const resumable =
      saving !== undefined && saving !== null && (saving.loading === true || sameListing(saving.mode, mode))
        ? saving
        : null
    let listing: ListingState
    if (resumable !== null) {
      listing = resumable
      yield* runStore.resumeRun(resumable.runId)
    } else {
      // An empty table (never synced, or a new target: another schema or table) is listed completely,
      // also by an incremental sync whose checkpoint has a high-water mark from the old table.
      const empty = yield* destination.isEmpty(target)
      const incremental = mode === "incremental" && manifest.deltaStrategy === "rowversion" && !empty
      let run = yield* runStore.startRun({ id: runId, connectorId, entity, mode })
      // A retried first window whose run was marked abandoned meanwhile: it runs again.
      if (run.status === "abandoned") run = yield* runStore.resumeRun(run.id)
      listing = {
        runId: run.id,
        mode,
        since: incremental ? (checkpoint?.rowVersion ?? null) : null,
        maxRowVersion: checkpoint?.rowVersion ?? null,
        // An empty table: nothing to compare with, nothing that could be deleted.
        initial: empty,
        // ...and nothing to conflict with: it is loaded first and indexed at the end.
        ...(empty ? { loading: true } : {})
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
   * The loads (by run) whose indexes this process has seen dropped by a committed window: their
   * next windows skip `beginLoad` (a round trip). A process that resumes a load drops them (or finds
   * them dropped) once.
   */
  const loadsBegun = new Set<string>()

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
    return sql
      .withTransaction(
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
            yield* pendingChildStore.enqueuePendingChildren(
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
          // A table loaded without its unique indexes (they are dropped with the first window, which
          // commits the listing that says so) gets its rows appended; `finalize` folds repeated keys.
          if (listing.loading === true && !loadsBegun.has(runId)) yield* destination.beginLoad(target)
          const written =
            plan.write.length === 0
              ? { inserted: 0, updated: 0, unchanged: 0, deduplicated: 0 }
              : listing.loading === true
                ? yield* destination.load(target, plan.write, { runId })
                : yield* destination.upsert(target, plan.write, { runId })
          if (links.length > 0) {
            yield* destination.markParentMissing(target, placed.missing, placed.present)
            // A row parked by an earlier listing must not come back over the one written now.
            yield* pendingChildStore.removePendingChildren(
              connectorId,
              entity,
              placed.write.map((row) => row._bk_hash)
            )
          }
          // The window's keys now hold the source's state: their older failures are closed.
          yield* failedRecordStore.supersedeFailedRecords(
            connectorId,
            entity,
            placed.write.map((row) => row._bk_hash)
          )
          if (failures.length > 0) {
            const failed = toFailedRecords(failures, { connectorId, entity, runId }, prepared.failureKey)
            yield* failedRecordStore.recordFailedRecords(failed)
            // The source lists these records too: a reconcile keeps their stored rows (the failed
            // record says why the newer version is not there) instead of taking them for deleted.
            if (complete && !opened.initial) yield* destination.touch(target, failedKeys(failed), runId)
          }
          const next: ListingState = { ...listing, maxRowVersion: maxRowVersion(rows, listing.maxRowVersion) }
          yield* checkpointStore.saveCheckpoint({
            connectorId,
            entity,
            cursor: window.next ?? null,
            rowVersion: opened.highWater,
            runId,
            listing: next
          })
          const stageCounts = windowStageCounts(window)
          const windowCounts: Partial<RunCounts> = {
            ...stageCounts,
            inserted: written.inserted,
            updated: written.updated,
            // A duplicate of a row in the same window is not a change of its own.
            unchanged: written.unchanged + written.deduplicated + plan.unchanged,
            orphaned: placed.missing.length + placed.parked.length
          }
          yield* runStore.addRunCounts(runId, windowCounts)
          yield* publishWindowCommitted(sql, runStore, runId, window.rows, windowTotal(window))
          return { next, windowCounts, waiting: placed.parked.length }
        })
      )
      .pipe(
        Effect.tap(() =>
          Effect.sync(() => {
            if (listing.loading === true) loadsBegun.add(runId)
          })
        )
      )
  }

  /**
   * Ends a listing in one transaction: builds the indexes of a table it loaded (keeping the last
   * row of a key listed twice), soft-deletes what a complete listing did not see and clears the
   * listing. Returns the counts this changes: `deleted`, and the repeated keys of a load moved from
   * `inserted` to `updated` or `unchanged`.
   */
  const finalize = (connectorId: string, target: TableTarget, listing: ListingState) => {
    const entity = target.entity ?? target.table
    const complete = listing.since === null
    const runId = listing.runId
    return sql.withTransaction(
      Effect.gen(function* () {
        const folded = listing.loading === true ? yield* destination.finishLoad(target) : { updated: 0, unchanged: 0 }
        loadsBegun.delete(runId)
        // Every row of an initial listing's table was written by it: no need to look for unseen ones.
        const deleted = complete && listing.initial !== true ? yield* destination.markDeletedNotSeen(target, runId) : 0
        if (complete) yield* destination.forgetSeen(target, runId)
        yield* checkpointStore.saveCheckpoint({
          connectorId,
          entity,
          cursor: null,
          rowVersion: listing.maxRowVersion,
          runId,
          listing: null
        })
        const ended: Partial<RunCounts> =
          folded.updated + folded.unchanged > 0
            ? { deleted, inserted: -(folded.updated + folded.unchanged), ...folded }
            : { deleted }
        if (deleted > 0 || folded.updated + folded.unchanged > 0) yield* runStore.addRunCounts(runId, ended)
        return ended
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
        ...(request.pageSize === undefined ? {} : { pageSize: request.pageSize }),
        ...(request.fetchConcurrency === undefined ? {} : { concurrency: request.fetchConcurrency })
      })
      .pipe(
        // Only the destination rows go on: the page's raw records are collected as soon as it is
        // staged, unless the entity parks orphans (see parkedRaws.ts).
        Stream.mapEffect((page) =>
          Effect.map(
            runStagesLoading(stages, page.items, times).pipe(Effect.provideService(SqlClient.SqlClient, sql)),
            (staged): WindowPage => {
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
            }
          )
        ),
        windows(request.windowRows ?? 10_000),
        // The mapping's table lookups read the next window's keys afresh.
        Stream.tap(() => Effect.sync(() => newLookupWindow(stages)))
      )

  return { connectorTargets, parentLinks, orphanPolicy, prepare, openListing, commitWindow, finalize, stagedPages }
}
