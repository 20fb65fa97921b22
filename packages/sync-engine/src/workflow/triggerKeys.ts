/**
 * How triggers name what they start: shared by the SyncWorkflows service, the workflows and the
 * scheduler.
 */

/** The trigger key of an entity's syncs. */
export const entityTriggerKey = (connectorId: string, entity: string): string => `entity:${connectorId}/${entity}`

/** The trigger key of a connector-wide sync. */
export const connectorTriggerKey = (connectorId: string): string => `connector:${connectorId}`

/** The schedule key of an entity. */
export const scheduleKey = (connectorId: string, entity: string): string => `schedule:${connectorId}/${entity}`

/** The reconciliation schedule key of an entity (its complete listings, beside the incremental schedule). */
export const reconcileKey = (connectorId: string, entity: string): string => `reconcile:${connectorId}/${entity}`
