/**
 * The retries of the default sync's table path (a sync definition's sink has its own, see
 * `syncToSink`):
 *
 * - an entity's children parked in `pending_children` while a parent they name was missing: batch
 *   after batch of due children, each resolved against the parents' tables again; the ones whose
 *   parents have arrived are written (and their parking and open failures closed) in one
 *   transaction, the others wait for their next attempt (moved to the failed records once they have
 *   waited too often). Kept orphans (`_parent_missing` rows) whose parents have arrived are cleared
 *   first.
 * - an entity's failed records: the named ones, or batch after batch of the due ones, through
 *   `retryFailedBatch` with today's stages.
 *
 * Neither runs while the entity's table is being loaded without its unique indexes (an initial
 * load, see `TableDestination.beginLoad`): the upsert needs them, so the children and records wait,
 * still due, for the next pass after the load.
 */
import type { EntityManifest } from "@syncflow/adapter-core"
import { Effect, Option, Schema } from "effect"
import type { IngestRow } from "../destination/TableDestination.ts"
import { resolveKeptOrphans } from "../stages/resolve/resolveKeptOrphans.ts"
import { resolveParents } from "../stages/resolve/resolveParents.ts"
import { makeStages } from "../stages/Stages.ts"
import { IngestRowJson } from "./engineCounts.ts"
import { addOutcomes, noRetries, type RetryOutcome, retryFailedBatch } from "./retryFailedBatch.ts"
import type { RetryFailedRequest } from "./SyncRequests.ts"
import type { makeTableWindows, TableWindowServices } from "./tableWindows.ts"

/** The table windows' helpers the retries resolve targets and parents with. */
type TableHelpers = Pick<ReturnType<typeof makeTableWindows>, "connectorTargets" | "parentLinks" | "orphanPolicy">

/** Builds the table path's retries on `services`. */
export const makeTableRetries = (services: TableWindowServices, helpers: TableHelpers) => {
  const { destination, sql, pendingChildStore, failedRecordStore, checkpointStore } = services
  const { connectorTargets, parentLinks, orphanPolicy } = helpers

  /** Whether the entity's default sync is loading its table without the unique indexes. */
  const loading = (connectorId: string, entity: string) =>
    Effect.map(checkpointStore.getCheckpoint(connectorId, entity), (found) =>
      Option.isSome(found) ? found.value.listing?.loading === true : false
    )

  /** Retries the entity's due parked children and clears its kept orphans whose parents arrived. */
  const retryPendingChildren = Effect.fnUntraced(function* (
    connectorId: string,
    manifest: EntityManifest,
    manifests: ReadonlyArray<EntityManifest>
  ) {
    const entity = manifest.entity
    if (yield* loading(connectorId, entity)) return noRetries
    const targets = yield* connectorTargets(connectorId)
    const target = yield* targets.claimed(entity)
    const links = yield* parentLinks(manifest, manifests, undefined, targets)
    const kept = yield* resolveKeptOrphans(destination, target, links)
    let outcome: RetryOutcome = { ...noRetries, resolved: kept.cleared, stillWaiting: kept.stillMissing }
    // Batch after batch: a child taken now is not due again until its next attempt.
    while (true) {
      const { due, movedToFailed } = yield* pendingChildStore.takeDuePendingChildren({ connectorId, entity })
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
            yield* pendingChildStore.removePendingChildren(connectorId, entity, keys)
            yield* failedRecordStore.supersedeFailedRecords(connectorId, entity, keys)
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

  /** Retries the failed records `ids` names (those of the entity), or else every due one of the entity. */
  const retryFailedRecords = Effect.fnUntraced(function* (request: RetryFailedRequest) {
    const { connectorId, manifest } = request
    if (yield* loading(connectorId, manifest.entity)) {
      return { ...noRetries, stillWaiting: request.ids?.length ?? 0 }
    }
    const stages = yield* makeStages(manifest, request.stages)
    const targets = yield* connectorTargets(connectorId)
    const target = yield* targets.claimed(manifest.entity)
    const links = yield* parentLinks(manifest, request.manifests ?? [], () => request.stages, targets)
    const context = {
      runStore: services.runStore,
      failedRecordStore,
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
      const taken = yield* failedRecordStore.takeFailedRecords(request.ids)
      // The entity's default sync's records only: a definition's are retried through its sink.
      const mine = taken.filter(
        (record) =>
          record.connectorId === connectorId && record.entity === manifest.entity && Option.isNone(record.definitionId)
      )
      return mine.length === 0 ? noRetries : yield* retryFailedBatch(context, mine)
    }
    let outcome = noRetries
    while (true) {
      const due = yield* failedRecordStore.takeDueFailedRecords({ connectorId, entity: manifest.entity })
      if (due.length === 0) return outcome
      outcome = addOutcomes(outcome, yield* retryFailedBatch(context, due))
    }
  })

  return { retryPendingChildren, retryFailedRecords }
}
