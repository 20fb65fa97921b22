/** @syncflow/pco: see the package README. */
export const packageName = "@syncflow/pco"
