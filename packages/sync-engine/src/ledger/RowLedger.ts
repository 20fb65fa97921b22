/**
 * The row ledger: SyncFlow's memory of what a sync has written, per sync and business key — the
 * data hash, the row version, the target's id, the run that last saw it and whether it is deleted.
 * It does the delta (stage 6) and the reconciliation bookkeeping (stage 9) for every destination, so
 * a `Destination` only writes. Like Effect's `KeyValueStore`, it is one interface with its
 * implementations beside it: `MemoryRowLedger` (tests), `SqlRowLedger` (`syncflow.row_ledger`, for
 * destinations that cannot join the engine's transaction) and `TableRowLedger` (the PostgreSQL
 * destination's own audit columns, so no row is written twice).
 *
 * Every operation names its ledger with a {@link LedgerScope}: the sync id (the SQL and memory
 * ledgers key by it) and the target (the table ledger keys by it).
 */
import { Context, type Effect, Schema } from "effect"
import type { TableTarget } from "../destination/TableTarget.ts"

/** Which ledger an operation is about: one per sync. */
export interface LedgerScope {
  /** The sync's id. */
  readonly syncId: string
  /** Where the sync writes. */
  readonly target: TableTarget
}

/** What the ledger holds for one business key. */
export interface LedgerEntry {
  readonly bkHash: string
  readonly dataHash: string
  readonly rowVersion: string | null
  /** The target system's id of the row (`null` until a write returned one). */
  readonly targetId: string | null
  /** The run that last wrote or saw the row. */
  readonly lastSeenRun: string | null
  /** Deleted in the target: a row that reappears is written (created) again. */
  readonly deleted: boolean
}

/** A row as the delta compares it. */
export interface LedgerRow {
  readonly bkHash: string
  readonly dataHash: string
}

/** A row of a compared chunk that must be written: new, changed, or deleted before. */
export interface LedgerChange {
  /** The row's position in the compared chunk. */
  readonly index: number
  /** The target's id when the ledger knows the row live (an update); `null` for a create. */
  readonly targetId: string | null
}

/** A row the destination wrote, as the ledger records it. */
export interface LedgerWrite {
  readonly bkHash: string
  readonly dataHash: string
  readonly rowVersion?: string | null | undefined
  /** The target's id (the table ledger needs none: the row's business key is its id). */
  readonly targetId?: string | null | undefined
}

/** A row a complete listing did not see: to delete from the target. */
export interface UnseenRow {
  readonly bkHash: string
  readonly targetId: string | null
}

/** A ledger operation that failed (its storage was unreachable, or refused the statement). */
export class RowLedgerError extends Schema.TaggedError<RowLedgerError>()("RowLedgerError", {
  operation: Schema.String,
  message: Schema.String,
  cause: Schema.optional(Schema.Defect())
}) {}

/** The row ledger service. */
export class RowLedger extends Context.Service<
  RowLedger,
  {
    /**
     * Stage 6 for a chunk: the rows whose data hash differs from the recorded one, that are new, or
     * that were deleted — with the target id of those known live — and records the others
     * (unchanged) as seen by `runId`.
     */
    readonly compare: (
      scope: LedgerScope,
      rows: ReadonlyArray<LedgerRow>,
      runId: string
    ) => Effect.Effect<ReadonlyArray<LedgerChange>, RowLedgerError>
    /** Records rows the destination wrote (live, seen by `runId`), with their target ids. */
    readonly record: (
      scope: LedgerScope,
      rows: ReadonlyArray<LedgerWrite>,
      runId: string
    ) => Effect.Effect<void, RowLedgerError>
    /** Records keys as seen by `runId` without changing them (e.g. rows parked for a missing parent). */
    readonly touch: (
      scope: LedgerScope,
      bkHashes: ReadonlyArray<string>,
      runId: string
    ) => Effect.Effect<void, RowLedgerError>
    /** After a complete listing by `runId`: the live keys it neither wrote nor saw (to delete in the target). */
    readonly unseen: (scope: LedgerScope, runId: string) => Effect.Effect<ReadonlyArray<UnseenRow>, RowLedgerError>
    /** Marks these keys deleted (keys unknown or already deleted are left alone); returns how many it marked. */
    readonly markDeleted: (scope: LedgerScope, bkHashes: ReadonlyArray<string>) => Effect.Effect<number, RowLedgerError>
    /** Forgets the seen marks of `runId` (after its reconciliation, or for a run that will not reconcile). */
    readonly forgetSeen: (scope: LedgerScope, runId: string) => Effect.Effect<void, RowLedgerError>
    /** Whether the ledger holds no key for the sync (deleted ones included): a first listing. */
    readonly isEmpty: (scope: LedgerScope) => Effect.Effect<boolean, RowLedgerError>
    /** What the ledger holds for these keys (absent keys are left out). */
    readonly lookup: (
      scope: LedgerScope,
      bkHashes: ReadonlyArray<string>
    ) => Effect.Effect<ReadonlyMap<string, LedgerEntry>, RowLedgerError>
  }
>()("@syncflow/sync-engine/ledger/RowLedger") {}
