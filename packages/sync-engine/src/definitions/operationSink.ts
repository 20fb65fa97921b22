/**
 * A definition's `operation` applied to its sink: the changes Delta plans (the rows that are new or
 * changed, and the deletes of the rows a complete listing no longer saw) narrowed, by what the
 * sink's ledger knows of each row, to the ones the operation makes:
 * - `upsert`: all of them (creates, updates, deletes);
 * - `insert`: only rows the ledger does not know (or knows deleted) — a known row is never written
 *   again, nothing is deleted;
 * - `update`: only rows the ledger knows live (a definition created as `upsert` and changed to
 *   `update` keeps its ledger) — no new row is created, nothing is deleted;
 * - `delete` (a sink that can find target records by business-key hash, `findTargets`: a
 *   connector's): every new or changed row the source lists is deleted in the target — by the
 *   ledger's target id, else the one the target finds; a row the target does not hold is done.
 * A row left out gets no outcome, so the ledger keeps what it knew of it and the next run plans it
 * again (and leaves it out again); the run's counts show only what was written.
 */
import type { AdapterError } from "@syncflow/adapter-core"
import { Effect } from "effect"
import {
  type ApplyContext,
  Destination,
  type DestinationChanges,
  type RowDelete,
  type RowOutcome,
  type RowUpdate
} from "../destination/Destination.ts"
import { DestinationError, TargetFailure } from "../destination/DestinationError.ts"
import type { IngestRow } from "../destination/TableDestination.ts"
import { entityOf, type TableTarget } from "../destination/TableTarget.ts"
import type { SyncSink } from "../pipeline/SyncSink.ts"
import type { SyncOperation } from "./SyncDefinition.ts"

/** The operations every sink applies; `delete` needs a sink that finds target records (a connector's). */
export const appliedOperations: ReadonlyArray<SyncOperation> = ["upsert", "insert", "update"]

/** The target's ids of records by business-key hash (absent keys are left out). */
export type FindTargets = (
  entity: string,
  bkHashes: ReadonlyArray<string>
) => Effect.Effect<ReadonlyMap<string, string>, AdapterError>

/**
 * The part of `changes` an operation makes, given the keys the ledger knows live and their target
 * ids (see the module comment). For `update`, a known row planned as a create (a ledger that keeps
 * no target ids, a PostgreSQL table's) becomes an update of its target id.
 */
export const changesOf = (
  operation: SyncOperation,
  changes: DestinationChanges,
  known: ReadonlyMap<string, string | null>
): DestinationChanges => {
  switch (operation) {
    case "insert":
      return { inserts: changes.inserts.filter((row) => !known.has(row._bk_hash)), updates: [], deletes: [] }
    case "update": {
      const inserts: Array<IngestRow> = []
      const updates: Array<RowUpdate> = changes.updates.filter((update) => known.has(update.row._bk_hash))
      for (const row of changes.inserts) {
        if (!known.has(row._bk_hash)) continue
        const targetId = known.get(row._bk_hash)
        if (targetId === null || targetId === undefined) inserts.push(row)
        else updates.push({ row, targetId })
      }
      return { inserts, updates, deletes: [] }
    }
    case "delete":
      // Without a way to find target records (see `withOperation`), a delete writes nothing.
      return { inserts: [], updates: [], deletes: [] }
    case "upsert":
      return changes
  }
}

/** `sink` applying only what `operation` makes (`delete` only with `findTargets`). */
export const withOperation = (sink: SyncSink, operation: SyncOperation, findTargets?: FindTargets): SyncSink => {
  if (operation === "upsert") return sink
  const { destination, ledger } = sink
  const knownLive = (target: TableTarget, changes: DestinationChanges) =>
    ledger
      .lookup({ syncId: sink.syncId, target }, [
        ...changes.inserts.map((row) => row._bk_hash),
        ...changes.updates.map((update) => update.row._bk_hash)
      ])
      .pipe(
        Effect.map(
          (entries) =>
            new Map([...entries.values()].filter((e) => !e.deleted).map((e) => [e.bkHash, e.targetId] as const))
        ),
        Effect.mapError(
          (cause) =>
            new DestinationError({
              entity: entityOf(target),
              reason: new TargetFailure({ operation: `${operation}: reading the ledger`, detail: cause.message, cause })
            })
        )
      )
  /** Deletes every listed row the target holds; the others are done (nothing to delete). */
  const deleteListed = (
    target: TableTarget,
    changes: DestinationChanges,
    context: ApplyContext,
    known: ReadonlyMap<string, string | null>,
    find: FindTargets
  ) =>
    Effect.gen(function* () {
      const keys = [...changes.inserts.map((row) => row._bk_hash), ...changes.updates.map((u) => u.row._bk_hash)]
      const unknown = keys.filter((key) => (known.get(key) ?? null) === null)
      const found =
        unknown.length === 0
          ? new Map<string, string>()
          : yield* find(entityOf(target), unknown).pipe(
              Effect.mapError(
                (cause) =>
                  new DestinationError({
                    entity: entityOf(target),
                    reason: new TargetFailure({ operation: "finding records to delete", detail: cause.message, cause })
                  })
              )
            )
      const deletes: Array<RowDelete> = []
      const absent: Array<RowOutcome> = []
      for (const bkHash of keys) {
        const targetId = known.get(bkHash) ?? found.get(bkHash)
        if (targetId === undefined || targetId === null) absent.push({ _tag: "deleted", bkHash })
        else deletes.push({ bkHash, targetId })
      }
      const outcomes =
        deletes.length === 0 ? [] : yield* destination.apply(target, { inserts: [], updates: [], deletes }, context)
      return [...outcomes, ...absent]
    })
  return {
    ...sink,
    destination: Destination.of({
      ...destination,
      apply: (target, changes, context) =>
        Effect.flatMap(knownLive(target, changes), (known) =>
          operation === "delete" && findTargets !== undefined
            ? deleteListed(target, changes, context, known, findTargets)
            : destination.apply(target, changesOf(operation, changes, known), context)
        )
    })
  }
}
