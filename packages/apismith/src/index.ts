/** @syncflow/apismith: see the package README. */
export const packageName = "@syncflow/apismith"
