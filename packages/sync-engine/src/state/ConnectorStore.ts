/**
 * SyncFlow's connectors and their sealed credentials (table `syncflow.connectors`), in PostgreSQL.
 *
 * Its methods run on the ambient `SqlClient`, so they compose in the caller's transaction. It needs
 * the migrated schema `syncflow`: build it through `StateStores.layer`, which applies the migrations.
 */
import type { Credentials } from "@syncflow/adapter-core"
import { Context, Effect, Layer, type Option } from "effect"
import { SecureRandom } from "effect/crypto"
import { SqlClient } from "effect/sql"
import type { Connector, ConnectorPatch, NewConnector } from "./Connector.ts"
import { connectorOperations } from "./ConnectorOperations.ts"
import { SecretBox } from "./SecretBox.ts"
import type { ConnectorNotFound, StateStoreError } from "./StateStoreError.ts"

/** The connector store's operations. */
export interface ConnectorStoreService {
  /** Stores a new connector; its credentials are sealed first. Fails on a taken id or name. */
  readonly createConnector: (input: NewConnector) => Effect.Effect<Connector, StateStoreError>
  readonly getConnector: (id: string) => Effect.Effect<Option.Option<Connector>, StateStoreError>
  readonly listConnectors: Effect.Effect<ReadonlyArray<Connector>, StateStoreError>
  readonly updateConnector: (
    id: string,
    patch: ConnectorPatch
  ) => Effect.Effect<Connector, StateStoreError | ConnectorNotFound>
  /** Deletes a connector and all its state (entities, checkpoints, runs, failed records, pending children). */
  readonly deleteConnector: (id: string) => Effect.Effect<boolean, StateStoreError>
  /** The connector's credentials, unsealed. A wrong secret key fails with a `StateStoreError`. */
  readonly getCredentials: (
    id: string
  ) => Effect.Effect<Option.Option<Credentials>, StateStoreError | ConnectorNotFound>
}

/** SyncFlow's connectors and their sealed credentials (table `syncflow.connectors`). */
export class ConnectorStore extends Context.Service<ConnectorStore, ConnectorStoreService>()(
  "@syncflow/sync-engine/state/ConnectorStore"
) {
  /** The store on the ambient `SqlClient`, sealing credentials with the `SecretBox`. */
  static readonly layer: Layer.Layer<ConnectorStore, never, SqlClient.SqlClient | SecretBox> = Layer.effect(
    ConnectorStore,
    Effect.gen(function* () {
      const sql = (yield* SqlClient.SqlClient).withoutTransforms()
      return ConnectorStore.of(connectorOperations(sql, yield* SecretBox, yield* SecureRandom.SecureRandom))
    })
  ).pipe(Layer.provide(SecureRandom.layerWebCrypto))
}
