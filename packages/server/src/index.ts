/** @syncflow/server: see the package README. */
export const packageName = "@syncflow/server"
