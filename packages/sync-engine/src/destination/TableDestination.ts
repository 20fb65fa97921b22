/**
 * Stage 8, "Ingest": where mapped, identified rows end up. The interface speaks of rows and
 * business-key hashes, written to a {@link TableTarget} (a schema and a table, resolved by the
 * engine per connector and entity), so a destination that pushes to a target system's API can
 * implement it later; the PostgreSQL implementation is `PostgresDestination`.
 *
 * A destination that writes through the ambient `SqlClient` (as `PostgresDestination` does) joins
 * the caller's `sql.withTransaction`, so a window's rows, its checkpoint and its run counts commit
 * together. Its bulk path keeps that: rows are COPYed into a private staging table over another
 * connection, but published into the entity's table through the `SqlClient`, in the transaction.
 */
import type { EntityManifest } from "@syncflow/adapter-core"
import { Context, type Effect, type Schema } from "effect"
import type { DestinationError } from "./DestinationError.ts"
import type { InvalidIdentifier } from "./Identifier.ts"
import type { RowCheck } from "./StorableValues.ts"
import type { TableTarget } from "./TableTarget.ts"

/**
 * A mapped row, ready to write: destination column names to values, plus its identity from stage 5.
 * Values per column type: `string` (numbers and booleans are stringified), `integer` (safe integer,
 * bigint or a decimal digit string), `decimal` (decimal string, finite number or bigint; strings keep
 * their precision), `boolean`, `date` (`YYYY-MM-DD`, an ISO date-time whose date part is taken, a
 * `Date` or `DateTime`), `timestamp` (ISO 8601 string, kept to the microsecond, a `Date`, epoch
 * milliseconds or `DateTime`), `json` (any JSON-serialisable value, stored as `jsonb`), `binary`
 * (`Uint8Array` or a hex string). `null` and missing fields are SQL `NULL`.
 */
export interface IngestRow {
  /** The business-key hash (xxHash128, 32 hex): the row's identity. */
  readonly _bk_hash: string
  /** The data hash (BLAKE3, 64 hex): a different one means the row changed. */
  readonly _data_hash: string
  /** The source's row version, when it has one. */
  readonly _row_version?: string | null | undefined
  readonly [column: string]: unknown
}

/** How a chunk of rows landed. `inserted + updated + unchanged + deduplicated` is the number of rows given. */
export interface UpsertResult {
  /** Rows whose business key was new. */
  readonly inserted: number
  /** Rows whose data hash differed from the stored one, or that were soft-deleted and reappeared. */
  readonly updated: number
  /** Rows stored with the same data hash: not rewritten. */
  readonly unchanged: number
  /** Rows dropped because a later row in the same chunk had the same business key (the last one wins). */
  readonly deduplicated: number
}

/** Options of {@link TableDestination} `upsert`. */
export interface UpsertOptions {
  /** The sync run writing the rows: recorded as the rows' `_last_seen_run`. */
  readonly runId?: string | undefined
}

/**
 * How `finishLoad` counted the business keys an initial load wrote more than once: each version
 * after the first would have been an update of the row (`updated`: its data hash differs from the
 * version before it) or a row left alone (`unchanged`). Only the last version is kept.
 */
export interface LoadFinished {
  readonly updated: number
  readonly unchanged: number
}

/** What the destination holds for one business key. */
export interface StoredRow {
  readonly dataHash: string
  readonly rowVersion: string | null
  /** The run that last wrote the row (`null`: written outside a run, e.g. by a retry). */
  readonly lastSeenRun?: string | null | undefined
  /** Soft-deleted: a row that reappears must be upserted again even when its data hash is the same. */
  readonly deleted: boolean
}

/** A live row flagged `_parent_missing`: its business-key hash and its columns (audit columns left out) as JSON. */
export interface ParentMissingRow {
  readonly bkHash: string
  readonly row: { readonly [column: string]: typeof Schema.Json.Type }
}

/** Which flagged rows `listParentMissing` returns: in business-key-hash order, after `afterBkHash`. */
export interface ParentMissingPage {
  readonly afterBkHash?: string | undefined
  /** At most this many (default 1,000). */
  readonly limit?: number | undefined
}

/** A row's identity as the delta stage compares it. */
export interface RowHashes {
  readonly bkHash: string
  readonly dataHash: string
}

/** A column whose stored type differs from what the manifest asks for (it is never altered). */
export interface TypeMismatch {
  readonly column: string
  readonly expected: string
  readonly actual: string
}

/** What `ensureEntity` did. */
export interface EnsureEntityResult {
  /** Where the entity's rows go, e.g. `"erp"."items"`. */
  readonly table: string
  /** Whether the table was created by this call. */
  readonly created: boolean
  /** Columns added to an existing table by this call. */
  readonly addedColumns: ReadonlyArray<string>
  /** Columns whose existing type differs from the manifest's. */
  readonly typeMismatches: ReadonlyArray<TypeMismatch>
}

/**
 * Where rows are ingested. Every operation names its table with a {@link TableTarget}; the
 * manifest given to `ensureEntity` says what the table holds, not where it is.
 */
export class TableDestination extends Context.Service<
  TableDestination,
  {
    /**
     * Makes the destination ready for the entity's rows: creates its table from the manifest's
     * columns (plus audit columns), or adds the columns the source has gained since. Never drops or
     * retypes a column. Idempotent and safe to run from several processes at once.
     */
    readonly ensureEntity: (
      target: TableTarget,
      manifest: EntityManifest
    ) => Effect.Effect<EnsureEntityResult, DestinationError | InvalidIdentifier>
    /**
     * Inserts new rows, rewrites rows whose data hash changed (un-deleting soft-deleted ones), and
     * leaves rows with an unchanged data hash alone. One statement per chunk of rows.
     */
    readonly upsert: (
      target: TableTarget,
      rows: ReadonlyArray<IngestRow>,
      options?: UpsertOptions
    ) => Effect.Effect<UpsertResult, DestinationError | InvalidIdentifier>
    /**
     * Starts an initial load of an empty table, in the caller's transaction: drops the indexes only
     * the upsert needs (the primary key and the unique `_bk_hash` constraint), so `load` can append
     * rows at the speed of a plain insert. Until `finishLoad`, `upsert` and `compareHashes` cannot
     * be used on the table (they need the unique index), and reads by business key scan it.
     */
    readonly beginLoad: (target: TableTarget) => Effect.Effect<void, DestinationError | InvalidIdentifier>
    /**
     * Appends rows to a table being loaded (after `beginLoad`): no conflict handling, so a business
     * key written by an earlier chunk is written again (`finishLoad` keeps the last). Repeated keys
     * within the chunk are folded as `upsert` folds them. Every row counts as inserted.
     */
    readonly load: (
      target: TableTarget,
      rows: ReadonlyArray<IngestRow>,
      options?: UpsertOptions
    ) => Effect.Effect<UpsertResult, DestinationError | InvalidIdentifier>
    /**
     * Ends an initial load, in the caller's transaction: keeps the last row written of every
     * business key written more than once and builds the indexes `beginLoad` dropped. Idempotent:
     * a table that has them is left alone.
     */
    readonly finishLoad: (target: TableTarget) => Effect.Effect<LoadFinished, DestinationError | InvalidIdentifier>
    /**
     * Records that these business keys were seen by the run, without rewriting their rows: for rows
     * the delta stage skipped as unchanged, ahead of `markDeletedNotSeen`. Rows written by `upsert`
     * with the run's id count as seen already.
     */
    readonly touch: (
      target: TableTarget,
      bkHashes: ReadonlyArray<string>,
      runId: string
    ) => Effect.Effect<void, DestinationError | InvalidIdentifier>
    /**
     * After a complete listing: soft-deletes (`_deleted`, `_deleted_at`) every row the run neither
     * wrote nor touched, and consumes the run's seen keys. Returns how many rows were soft-deleted.
     * Idempotent per run: calling it again for the same run (a replayed step) deletes nothing.
     */
    readonly markDeletedNotSeen: (
      target: TableTarget,
      runId: string
    ) => Effect.Effect<number, DestinationError | InvalidIdentifier>
    /**
     * Soft-deletes (`_deleted`, `_deleted_at`) the rows of these business keys at once, e.g. the
     * records a source said it destroyed. Keys it does not hold, and rows already soft-deleted, are
     * left alone (so calling it again changes nothing). Returns how many rows it soft-deleted.
     */
    readonly markDeleted: (
      target: TableTarget,
      bkHashes: ReadonlyArray<string>
    ) => Effect.Effect<number, DestinationError | InvalidIdentifier>
    /**
     * The business keys of the live rows the run neither wrote nor touched (what `markDeletedNotSeen`
     * would soft-delete), without changing anything: for the table's `RowLedger` (`TableRowLedger`).
     */
    readonly unseen: (
      target: TableTarget,
      runId: string
    ) => Effect.Effect<ReadonlyArray<string>, DestinationError | InvalidIdentifier>
    /**
     * Forgets what the destination recorded for the run (seen keys, the reconciliation marker)
     * without deleting anything: for a run that will not reconcile, or one that has finished.
     */
    readonly forgetSeen: (
      target: TableTarget,
      runId: string
    ) => Effect.Effect<void, DestinationError | InvalidIdentifier>
    /**
     * Stage 6 of a complete listing in one round trip: compares the rows' data hashes with the
     * stored ones, records the rows found unchanged as seen by the run (as `touch` does) and returns
     * the indexes of the others — new, changed, or soft-deleted — the rows to write.
     */
    readonly compareHashes: (
      target: TableTarget,
      rows: ReadonlyArray<RowHashes>,
      runId: string
    ) => Effect.Effect<ReadonlyArray<number>, DestinationError | InvalidIdentifier>
    /**
     * A synchronous check of rows against the entity table's column types as they are, over the
     * named columns (all when absent): the first value of a row the table cannot store, e.g. text
     * in a column whose type changed upstream. The engine sends such rows to the failed records
     * instead of writing them (a statement would fail for the whole chunk).
     */
    readonly rowCheck: (
      target: TableTarget,
      columns?: ReadonlyArray<string>
    ) => Effect.Effect<RowCheck, DestinationError | InvalidIdentifier>
    /** Whether the entity's table holds no row at all (soft-deleted ones included). */
    readonly isEmpty: (target: TableTarget) => Effect.Effect<boolean, DestinationError | InvalidIdentifier>
    /**
     * Flags the rows of `missing` (a parent they name is not in the destination) and clears the flag
     * of the rows of `present` (every parent they name is there). Rows already in that state are not
     * rewritten. Returns how many rows were flagged or cleared.
     */
    readonly markParentMissing: (
      target: TableTarget,
      missing: ReadonlyArray<string>,
      present: ReadonlyArray<string>
    ) => Effect.Effect<{ readonly flagged: number; readonly cleared: number }, DestinationError | InvalidIdentifier>
    /** The live rows flagged `_parent_missing` (orphans kept), a page at a time. */
    readonly listParentMissing: (
      target: TableTarget,
      page?: ParentMissingPage
    ) => Effect.Effect<ReadonlyArray<ParentMissingRow>, DestinationError | InvalidIdentifier>
    /** Which of these business keys the destination holds, with their data hashes (for parent resolution). */
    readonly existingHashes: (
      target: TableTarget,
      bkHashes: ReadonlyArray<string>
    ) => Effect.Effect<ReadonlyMap<string, StoredRow>, DestinationError | InvalidIdentifier>
  }
>()("@syncflow/sync-engine/destination/TableDestination") {}
