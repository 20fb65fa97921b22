/**
 * How triggers name what they start: shared by the SyncWorkflows service, the workflows and the
 * scheduler.
 */
import { listingKind, type SyncMode } from "../pipeline/SyncMode.ts"

/** The trigger key of an entity's syncs. */
export const entityTriggerKey = (connectorId: string, entity: string): string => `entity:${connectorId}/${entity}`

/**
 * The trigger key of a connector-wide sync: incremental connector syncs and complete ones
 * (`reconcile` / `full-refresh`) count apart, so a complete one asked for while an incremental one
 * runs is not joined to it (each entity's complete listing then queues behind its running sync).
 */
export const connectorTriggerKey = (connectorId: string, mode: SyncMode = "incremental"): string =>
  listingKind(mode) === "complete" ? `connector:${connectorId}:complete` : `connector:${connectorId}`

/** The schedule key of an entity. */
export const scheduleKey = (connectorId: string, entity: string): string => `schedule:${connectorId}/${entity}`

/** The reconciliation schedule key of an entity (its complete listings, beside the incremental schedule). */
export const reconcileKey = (connectorId: string, entity: string): string => `reconcile:${connectorId}/${entity}`
