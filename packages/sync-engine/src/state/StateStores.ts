/**
 * SyncFlow's state in PostgreSQL, one store per aggregate: `ConnectorStore`, `ManifestStore`,
 * `CheckpointStore`, `RunStore`, `FailedRecordStore` and `PendingChildStore`. `StateStores.layer`
 * applies the `syncflow` migrations, then provides them all, for the edge of an application:
 *
 * ```ts
 * const state = StateStores.layer.pipe(Layer.provide(SecretBox.layer(key)), Layer.provide(PgClient.layer(config)))
 * ```
 *
 * A consumer yields only the stores it uses. Every method runs on the ambient `SqlClient`, so
 * methods of several stores compose in the caller's transaction: the checkpoint of a window is saved
 * in the SAME transaction as the window's rows and its run counts.
 */
import { Effect, Layer } from "effect"
import type { SqlClient } from "effect/sql"
import { CheckpointStore } from "./CheckpointStore.ts"
import { ConnectorStore } from "./ConnectorStore.ts"
import { FailedRecordStore } from "./FailedRecordStore.ts"
import { ManifestStore } from "./ManifestStore.ts"
import { PendingChildStore } from "./PendingChildStore.ts"
import type { RecordRetryPolicy } from "./RecordRetryPolicy.ts"
import { RunStore } from "./RunStore.ts"
import type { SecretBox } from "./SecretBox.ts"
import { migrate } from "./StateMigrations.ts"
import { StateStoreError } from "./StateStoreError.ts"

/** Settings of the state stores. */
export interface StateStoreOptions {
  /** Retries of failed records. Default: 3, after 60 s, 120 s, 240 s. */
  readonly failedRecordsRetry?: RecordRetryPolicy | undefined
  /** Attempts of pending children. Default: 5, at once then 60 s, 120 s, 240 s, 480 s apart. */
  readonly pendingChildrenRetry?: RecordRetryPolicy | undefined
  /** Rows per statement when recording failed records or pending children. Default 1,000. */
  readonly batchSize?: number | undefined
}

/** Every state store. */
export type StateStores =
  | ConnectorStore
  | ManifestStore
  | CheckpointStore
  | RunStore
  | FailedRecordStore
  | PendingChildStore

/** Applies the pending `syncflow` migrations (a layer, so the stores are built after it). */
const migrated: Layer.Layer<never, StateStoreError, SqlClient.SqlClient> = Layer.effectDiscard(
  migrate.pipe(Effect.mapError((cause) => new StateStoreError({ operation: "migrate", message: cause.message, cause })))
)

/** Every state store with the given settings, after applying the migrations. */
export const layerWith = (
  options: StateStoreOptions
): Layer.Layer<StateStores, StateStoreError, SqlClient.SqlClient | SecretBox> =>
  Layer.mergeAll(
    ConnectorStore.layer,
    ManifestStore.layer,
    CheckpointStore.layer,
    RunStore.layer,
    FailedRecordStore.layerWith(options),
    PendingChildStore.layerWith(options)
  ).pipe(Layer.provide(migrated))

/** Every state store with the default retry policies, after applying the migrations. */
export const layer: Layer.Layer<StateStores, StateStoreError, SqlClient.SqlClient | SecretBox> = layerWith({})
