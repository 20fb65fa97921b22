/**
 * Where a sync definition's state is kept: its source connector and entity, and its id as the
 * `definitionId` of its runs, checkpoints, failed records, pending children and lease. A default
 * definition is its entity's default sync: no `definitionId`.
 */
import type { SyncDefinition } from "./SyncDefinition.ts"

/** The key of a definition's state (see the module comment). */
export interface DefinitionStateKey {
  readonly connectorId: string
  readonly entity: string
  /** Absent for a default definition (the entity's default sync). */
  readonly definitionId?: string | undefined
}

/** The key of `definition`'s state. */
export const definitionStateKey = (definition: SyncDefinition): DefinitionStateKey => ({
  connectorId: definition.source.connectorId,
  entity: definition.source.entity,
  ...(definition.isDefault ? {} : { definitionId: definition.id })
})
