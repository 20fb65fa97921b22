/**
 * Stage 8, "Ingest", write side: where a sync's changes go. A destination prepares an entity (a
 * table, or nothing for an API whose records already have a shape) and applies a window's changes —
 * inserts, updates of rows the `RowLedger` knows the target's id of, deletes by target id — and says
 * what became of each row. It keeps no bookkeeping of its own: the delta and the reconciliation are
 * the `RowLedger`'s, so the same engine drives a PostgreSQL table and a target system's API.
 *
 * A `transactional` destination writes through the ambient `SqlClient` and so joins the engine's
 * window transaction (rows, ledger and checkpoint commit together). Any other destination is
 * exactly-once by protocol: idempotent writes first (see `ApiDestination`), then the ledger and the
 * checkpoint in one transaction, so a crash in between repeats writes harmlessly.
 */
import type { EntityManifest } from "@syncflow/adapter-core"
import { Context, type Effect } from "effect"
import type { DestinationError } from "./DestinationError.ts"
import type { InvalidIdentifier } from "./Identifier.ts"
import type { IngestRow } from "./TableDestination.ts"
import type { TableTarget } from "./TableTarget.ts"

/** What a destination can do, so the engine can plan around it. */
export interface DestinationCapabilities {
  /** Whether `apply` joins the caller's SQL transaction (rows commit with the ledger and the checkpoint). */
  readonly transactional: boolean
  /** The most changes one `apply` call should carry (the engine splits a window's changes into such batches). */
  readonly maxBatch: number
}

/** A row to update in the destination, with the id the target gave it (from the `RowLedger`). */
export interface RowUpdate {
  readonly row: IngestRow
  readonly targetId: string
}

/** A row to delete from the destination: its business-key hash and the target's id of it. */
export interface RowDelete {
  readonly bkHash: string
  readonly targetId: string
}

/** One batch of a window's changes. */
export interface DestinationChanges {
  /** Rows the ledger does not know (or knows as deleted). */
  readonly inserts: ReadonlyArray<IngestRow>
  /** Rows whose data hash changed, with their target ids. */
  readonly updates: ReadonlyArray<RowUpdate>
  /** Rows to remove, by target id. */
  readonly deletes: ReadonlyArray<RowDelete>
}

/**
 * Where a batch of changes comes from. A replayed window gives the same context, so a destination
 * can derive the same idempotency keys from it (see `ApiDestination.idempotencyKey`).
 */
export interface ApplyContext {
  /** The sync the changes belong to. */
  readonly syncId: string
  /** The run writing them. */
  readonly runId: string
  /** The window's position in the run's listing (its starting cursor, or a sequence number): stable on replay. */
  readonly window: string
  /** The batch's index within the window. */
  readonly batch: number
}

/**
 * What became of one row of a batch:
 * - `written`: created or updated; `targetId` is the target's id of the row (record it in the ledger).
 * - `deleted`: removed (or already gone).
 * - `parked`: the target lacks a parent the row names (`parentEntity`, `parentBkHash`): retry it once the parent is written.
 * - `failed`: the target refused the row (`reason`): a failed record.
 */
export type RowOutcome =
  | {
      readonly _tag: "written"
      readonly bkHash: string
      readonly targetId: string
      readonly operation: "inserted" | "updated"
    }
  | { readonly _tag: "deleted"; readonly bkHash: string }
  | {
      readonly _tag: "parked"
      readonly bkHash: string
      readonly row: IngestRow
      readonly parentEntity: string
      readonly parentBkHash: string
    }
  | {
      readonly _tag: "failed"
      readonly bkHash: string
      readonly row?: IngestRow | undefined
      readonly field?: string | undefined
      readonly reason: string
    }

/** The write side of a sync's target: a PostgreSQL table, a target system's API, or memory in tests. */
export class Destination extends Context.Service<
  Destination,
  {
    readonly capabilities: DestinationCapabilities
    /**
     * Makes the destination ready for the entity's rows (a table created or evolved from the manifest;
     * a check that the API can write the entity). Idempotent.
     */
    readonly prepareEntity: (
      target: TableTarget,
      manifest: EntityManifest
    ) => Effect.Effect<void, DestinationError | InvalidIdentifier>
    /**
     * Applies a batch of changes and returns one outcome per row: inserts first, then updates, then
     * deletes. A row the target refuses is a `failed` outcome, never an error; errors are for the
     * whole batch (the engine retries the window, which repeats the same writes harmlessly).
     */
    readonly apply: (
      target: TableTarget,
      changes: DestinationChanges,
      context: ApplyContext
    ) => Effect.Effect<ReadonlyArray<RowOutcome>, DestinationError | InvalidIdentifier>
  }
>()("@syncflow/sync-engine/destination/Destination") {}

/** No changes at all. */
export const noChanges: DestinationChanges = { inserts: [], updates: [], deletes: [] }

/** How many changes a batch carries. */
export const changeCount = (changes: DestinationChanges): number =>
  changes.inserts.length + changes.updates.length + changes.deletes.length

/**
 * Splits a window's changes into batches of at most `maxBatch` changes, in order: inserts, updates,
 * deletes (so parents written in this window's inserts come before anything that might name them).
 */
export const batchChanges = (changes: DestinationChanges, maxBatch: number): ReadonlyArray<DestinationChanges> => {
  const size = Math.max(1, Math.floor(maxBatch))
  const all: Array<
    | { readonly kind: "insert"; readonly value: IngestRow }
    | { readonly kind: "update"; readonly value: RowUpdate }
    | { readonly kind: "delete"; readonly value: RowDelete }
  > = [
    ...changes.inserts.map((value) => ({ kind: "insert" as const, value })),
    ...changes.updates.map((value) => ({ kind: "update" as const, value })),
    ...changes.deletes.map((value) => ({ kind: "delete" as const, value }))
  ]
  const batches: Array<DestinationChanges> = []
  for (let start = 0; start < all.length; start += size) {
    const inserts: Array<IngestRow> = []
    const updates: Array<RowUpdate> = []
    const deletes: Array<RowDelete> = []
    for (const change of all.slice(start, start + size)) {
      if (change.kind === "insert") inserts.push(change.value)
      else if (change.kind === "update") updates.push(change.value)
      else deletes.push(change.value)
    }
    batches.push({ inserts, updates, deletes })
  }
  return batches
}
