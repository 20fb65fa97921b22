/**
 * SyncFlow's discovered entity manifests and their sync settings (table `syncflow.entities`), in PostgreSQL.
 *
 * Its methods run on the ambient `SqlClient`, so they compose in the caller's transaction. It needs
 * the migrated schema `syncflow`: build it through `StateStores.layer`, which applies the migrations.
 */
import type { EntityManifest } from "@syncflow/adapter-core"
import { Context, Effect, Layer, type Option } from "effect"
import { SqlClient } from "effect/sql"
import type { DiscoveredEntity } from "./DiscoveredEntity.ts"
import type { EntitySettingsPatch } from "./EntitySettings.ts"
import { manifestOperations } from "./ManifestOperations.ts"
import type { StateStoreError } from "./StateStoreError.ts"

/** The manifest store's operations. */
export interface ManifestStoreService {
  /** Stores discovered manifests (replacing earlier ones of the same entities), in one statement. */
  readonly saveManifests: (
    connectorId: string,
    manifests: ReadonlyArray<EntityManifest>
  ) => Effect.Effect<void, StateStoreError>
  readonly getManifest: (
    connectorId: string,
    entity: string
  ) => Effect.Effect<Option.Option<DiscoveredEntity>, StateStoreError>
  readonly listManifests: (connectorId: string) => Effect.Effect<ReadonlyArray<DiscoveredEntity>, StateStoreError>
  /** Changes an entity's sync settings; `None` when the entity was never discovered. */
  readonly updateEntitySettings: (
    connectorId: string,
    entity: string,
    patch: EntitySettingsPatch
  ) => Effect.Effect<Option.Option<DiscoveredEntity>, StateStoreError>
  /** Every enabled entity of every connector, for the scheduler. */
  readonly listEnabledEntities: Effect.Effect<ReadonlyArray<DiscoveredEntity>, StateStoreError>
}

/** SyncFlow's discovered entity manifests and their sync settings (table `syncflow.entities`). */
export class ManifestStore extends Context.Service<ManifestStore, ManifestStoreService>()(
  "@syncflow/sync-engine/state/ManifestStore"
) {
  /** The store on the ambient `SqlClient`. */
  static readonly layer: Layer.Layer<ManifestStore, never, SqlClient.SqlClient> = Layer.effect(
    ManifestStore,
    Effect.map(SqlClient.SqlClient, (sql) => ManifestStore.of(manifestOperations(sql.withoutTransforms())))
  )
}
