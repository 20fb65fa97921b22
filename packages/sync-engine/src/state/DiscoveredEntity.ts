/**
 * An entity as discovered from a connector: its manifest (columns, business key, parents) and when
 * it was discovered, with its sync settings.
 */
import { EntityManifest } from "@syncflow/adapter-core"
import { Schema } from "effect"
import { ColumnTypeMismatch } from "./ColumnTypeMismatch.ts"
import { EntitySettings } from "./EntitySettings.ts"

/** A discovered entity, as read back (decoded) from `syncflow.entities`. */
export const DiscoveredEntity = Schema.Struct({
  connectorId: Schema.String,
  entity: Schema.String,
  manifest: EntityManifest,
  discoveredAt: Schema.DateTimeUtcFromDate,
  /** Whether and when it is synced. */
  settings: EntitySettings,
  /** Columns whose type in the table differs from the source's, as the entity's latest sync found them. */
  typeMismatches: Schema.Array(ColumnTypeMismatch)
})
/** A discovered entity. */
export type DiscoveredEntity = typeof DiscoveredEntity.Type
