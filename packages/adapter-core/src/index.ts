/** @syncflow/adapter-core */
export * from "./errors/AdapterError.ts"
