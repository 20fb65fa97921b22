/**
 * SyncFlow's the failed records, the dead-letter queue (table `syncflow.failed_records`), in PostgreSQL.
 *
 * Its methods run on the ambient `SqlClient`, so they compose in the caller's transaction. It needs
 * the migrated schema `syncflow`: build it through `StateStores.layer`, which applies the migrations.
 */
import { Context, Effect, Layer, type Option } from "effect"
import { SqlClient } from "effect/sql"
import type { FailedRecord, FailedRecordFilter, FailedRecordResolution, NewFailedRecord } from "./FailedRecord.ts"
import { failedRecordOperations } from "./FailedRecordOperations.ts"
import { failedRecordsRetry, type RecordRetryPolicy } from "./RecordRetryPolicy.ts"
import type { StateStoreError } from "./StateStoreError.ts"
import { batchSizeOf } from "./storeHelpers.ts"

/** Which due records or children to take, and how many at most (default 100). */
export interface TakeDue {
  readonly connectorId: string
  readonly entity?: string | undefined
  /** The definition whose records or children to take; absent: the default syncs'. */
  readonly definitionId?: string | undefined
  readonly limit?: number | undefined
}

/** Settings of the failed records. */
export interface FailedRecordStoreOptions {
  /** Retries of failed records. Default: 3, after 60 s, 120 s, 240 s. */
  readonly failedRecordsRetry?: RecordRetryPolicy | undefined
  /** Rows per statement when recording failed records. Default 1,000. */
  readonly batchSize?: number | undefined
}

/** The failedRecord store's operations. */
export interface FailedRecordStoreService {
  /**
   * Adds records to the dead-letter queue, one statement per batch; the first retry is due after the
   * policy's first delay. Older unresolved records of the same business keys are closed as
   * `superseded`: the newest failure of a key is the one to retry.
   */
  readonly recordFailedRecords: (records: ReadonlyArray<NewFailedRecord>) => Effect.Effect<number, StateStoreError>
  readonly listFailedRecords: (
    filter: FailedRecordFilter
  ) => Effect.Effect<ReadonlyArray<FailedRecord>, StateStoreError>
  /**
   * Claims the unresolved records whose retry is due: counts the attempt and schedules the next one
   * (doubling the delay), or none after the last attempt. Concurrent callers get distinct records.
   */
  readonly takeDueFailedRecords: (options: TakeDue) => Effect.Effect<ReadonlyArray<FailedRecord>, StateStoreError>
  /** One failed record by id; `None` when there is no such record (or the id is not a record id). */
  readonly getFailedRecord: (id: string) => Effect.Effect<Option.Option<FailedRecord>, StateStoreError>
  /**
   * Makes unresolved records due for a retry now, even those whose retries were exhausted (a manual
   * retry: they get one more attempt). Returns how many were requeued.
   */
  readonly requeueFailedRecords: (ids: ReadonlyArray<string>) => Effect.Effect<number, StateStoreError>
  /** Deletes records from the dead-letter queue (given up on by hand). Returns how many were deleted. */
  readonly discardFailedRecords: (ids: ReadonlyArray<string>) => Effect.Effect<number, StateStoreError>
  /**
   * Marks records resolved (`retried` by default: a retry wrote them; `resolved` by hand; `stale`: a
   * retry found a newer or deleted row). Returns how many were unresolved.
   */
  readonly resolveFailedRecords: (
    ids: ReadonlyArray<string>,
    resolution?: FailedRecordResolution
  ) => Effect.Effect<number, StateStoreError>
  /**
   * Claims these unresolved records for a retry now, due or not (a one-record retry from the API or
   * the CLI: exhausted records get one more attempt). Counts the attempt; other records are untouched.
   */
  readonly takeFailedRecords: (
    ids: ReadonlyArray<string>
  ) => Effect.Effect<ReadonlyArray<FailedRecord>, StateStoreError>
  /**
   * Closes (resolution `superseded`) the entity's unresolved failed records of these business keys
   * (of its default sync, or of definition `definitionId`): call it in the transaction that wrote the
   * keys. One statement. Returns how many were closed.
   */
  readonly supersedeFailedRecords: (
    connectorId: string,
    entity: string,
    bkHashes: ReadonlyArray<string>,
    definitionId?: string | undefined
  ) => Effect.Effect<number, StateStoreError>
}

/** SyncFlow's the failed records, the dead-letter queue (table `syncflow.failed_records`). */
export class FailedRecordStore extends Context.Service<FailedRecordStore, FailedRecordStoreService>()(
  "@syncflow/sync-engine/state/FailedRecordStore"
) {
  /** The store on the ambient `SqlClient`, with the given settings. */
  static readonly layerWith = (
    options: FailedRecordStoreOptions
  ): Layer.Layer<FailedRecordStore, never, SqlClient.SqlClient> =>
    Layer.effect(
      FailedRecordStore,
      Effect.map(SqlClient.SqlClient, (sql) =>
        FailedRecordStore.of(
          failedRecordOperations(
            sql.withoutTransforms(),
            options.failedRecordsRetry ?? failedRecordsRetry,
            batchSizeOf(options.batchSize)
          )
        )
      )
    )

  /** The store with the default retry policy. */
  static readonly layer: Layer.Layer<FailedRecordStore, never, SqlClient.SqlClient> = FailedRecordStore.layerWith({})
}
