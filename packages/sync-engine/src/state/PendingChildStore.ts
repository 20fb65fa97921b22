/**
 * SyncFlow's children parked until their parent is written (table `syncflow.pending_children`), in PostgreSQL.
 *
 * Its methods run on the ambient `SqlClient`, so they compose in the caller's transaction. It needs
 * the migrated schema `syncflow`: build it through `StateStores.layer`, which applies the migrations.
 */
import { Context, Effect, Layer } from "effect"
import { SqlClient } from "effect/sql"
import type { TakeDue } from "./FailedRecordStore.ts"
import type { DuePendingChildren, NewPendingChild, PendingChild } from "./PendingChild.ts"
import { pendingChildOperations } from "./PendingChildOperations.ts"
import { failedRecordsRetry, pendingChildrenRetry, type RecordRetryPolicy } from "./RecordRetryPolicy.ts"
import type { StateStoreError } from "./StateStoreError.ts"
import { batchSizeOf } from "./storeHelpers.ts"

/** Which pending children `listPendingChildren` returns, oldest first (default 100). */
export interface PendingChildFilter {
  /** The connector whose children to list; absent: every connector's. */
  readonly connectorId?: string | undefined
  readonly entity?: string | undefined
  /** Only children waiting for a parent of this entity. */
  readonly parentEntity?: string | undefined
  /** The definition whose children to list; absent: the default syncs'. */
  readonly definitionId?: string | undefined
  readonly limit?: number | undefined
}

/** Settings of the pending children. */
export interface PendingChildStoreOptions {
  /** Attempts of pending children. Default: 5, at once then 60 s, 120 s, 240 s, 480 s apart. */
  readonly pendingChildrenRetry?: RecordRetryPolicy | undefined
  /** Retries of the failed records children become after their last attempt. Default: as failed records'. */
  readonly failedRecordsRetry?: RecordRetryPolicy | undefined
  /** Rows per statement when parking children. Default 1,000. */
  readonly batchSize?: number | undefined
}

/** The pendingChild store's operations. */
export interface PendingChildStoreService {
  /**
   * Parks children whose parent is missing, one statement per batch. A child already parked keeps
   * its attempts and due date; its row, raw record and parent are replaced. The failed record a child
   * becomes after its last attempt keeps both its raw record and its row.
   */
  readonly enqueuePendingChildren: (children: ReadonlyArray<NewPendingChild>) => Effect.Effect<void, StateStoreError>
  /**
   * Moves the children that have used all their attempts to the failed records (stage `resolve`,
   * error type `ParentNotFound`), then claims those due for an attempt: counts it and schedules the
   * next one. Remove the children that resolve with `removePendingChildren`.
   */
  readonly takeDuePendingChildren: (options: TakeDue) => Effect.Effect<DuePendingChildren, StateStoreError>
  /**
   * The children waiting for any of these parents (to resolve them as soon as the parents arrive), of
   * the default syncs or of definition `definitionId`.
   */
  readonly pendingChildrenOf: (
    connectorId: string,
    parentEntity: string,
    parentBkHashes: ReadonlyArray<string>,
    definitionId?: string | undefined
  ) => Effect.Effect<ReadonlyArray<PendingChild>, StateStoreError>
  /** The children waiting for their parents, oldest first. */
  readonly listPendingChildren: (
    filter: PendingChildFilter
  ) => Effect.Effect<ReadonlyArray<PendingChild>, StateStoreError>
  /**
   * Makes these children (of the default sync, or of definition `definitionId`) due for an attempt
   * now, even those past their last attempt's date (a manual retry). Returns how many were requeued.
   */
  readonly requeuePendingChildren: (
    connectorId: string,
    entity: string,
    bkHashes: ReadonlyArray<string>,
    definitionId?: string | undefined
  ) => Effect.Effect<number, StateStoreError>
  /** Removes resolved children (of the default sync, or of definition `definitionId`). Returns how many were removed. */
  readonly removePendingChildren: (
    connectorId: string,
    entity: string,
    bkHashes: ReadonlyArray<string>,
    definitionId?: string | undefined
  ) => Effect.Effect<number, StateStoreError>
}

/** SyncFlow's children parked until their parent is written (table `syncflow.pending_children`). */
export class PendingChildStore extends Context.Service<PendingChildStore, PendingChildStoreService>()(
  "@syncflow/sync-engine/state/PendingChildStore"
) {
  /** The store on the ambient `SqlClient`, with the given settings. */
  static readonly layerWith = (
    options: PendingChildStoreOptions
  ): Layer.Layer<PendingChildStore, never, SqlClient.SqlClient> =>
    Layer.effect(
      PendingChildStore,
      Effect.map(SqlClient.SqlClient, (sql) =>
        PendingChildStore.of(
          pendingChildOperations(
            sql.withoutTransforms(),
            options.pendingChildrenRetry ?? pendingChildrenRetry,
            options.failedRecordsRetry ?? failedRecordsRetry,
            batchSizeOf(options.batchSize)
          )
        )
      )
    )

  /** The store with the default retry policies. */
  static readonly layer: Layer.Layer<PendingChildStore, never, SqlClient.SqlClient> = PendingChildStore.layerWith({})
}
