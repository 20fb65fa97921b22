/** @syncflow/sync-engine: see the package README. */
export const packageName = "@syncflow/sync-engine"
