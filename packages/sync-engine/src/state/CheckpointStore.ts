/**
 * SyncFlow's checkpoints, one per connector entity (table `syncflow.checkpoints`), in PostgreSQL.
 *
 * Its methods run on the ambient `SqlClient`, so they compose in the caller's transaction. It needs
 * the migrated schema `syncflow`: build it through `StateStores.layer`, which applies the migrations.
 */
import { Context, Effect, Layer, type Option } from "effect"
import { SqlClient } from "effect/sql"
import type { Checkpoint, CheckpointInput } from "./Checkpoint.ts"
import { checkpointOperations } from "./CheckpointOperations.ts"
import type { StateStoreError } from "./StateStoreError.ts"

/** The checkpoint store's operations. */
export interface CheckpointStoreService {
  /** The checkpoint of the entity's default sync, or of definition `definitionId` when given. */
  readonly getCheckpoint: (
    connectorId: string,
    entity: string,
    definitionId?: string | undefined
  ) => Effect.Effect<Option.Option<Checkpoint>, StateStoreError>
  /** Saves the checkpoint: call it in the transaction that commits the rows before it. */
  readonly saveCheckpoint: (checkpoint: CheckpointInput) => Effect.Effect<void, StateStoreError>
  /** Forgets the checkpoint (a full refresh starts from the first page). */
  readonly clearCheckpoint: (
    connectorId: string,
    entity: string,
    definitionId?: string | undefined
  ) => Effect.Effect<void, StateStoreError>
}

/** SyncFlow's checkpoints, one per connector entity (table `syncflow.checkpoints`). */
export class CheckpointStore extends Context.Service<CheckpointStore, CheckpointStoreService>()(
  "@syncflow/sync-engine/state/CheckpointStore"
) {
  /** The store on the ambient `SqlClient`. */
  static readonly layer: Layer.Layer<CheckpointStore, never, SqlClient.SqlClient> = Layer.effect(
    CheckpointStore,
    Effect.map(SqlClient.SqlClient, (sql) => CheckpointStore.of(checkpointOperations(sql.withoutTransforms())))
  )
}
