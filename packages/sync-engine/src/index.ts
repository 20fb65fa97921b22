/**
 * @syncflow/sync-engine: turns any adapter's entity stream into exact, incremental, idempotent
 * changes in PostgreSQL — the nine-stage pipeline, its state store and its destinations.
 */
export * from "./alerts/index.ts"
export * from "./bidirectional/index.ts"
export * from "./definitions/index.ts"
export * from "./destination/index.ts"
export * from "./etl/index.ts"
export * from "./events/index.ts"
export * from "./expressions/index.ts"
export * from "./ledger/index.ts"
export * from "./mappings/index.ts"
export * from "./pipeline/index.ts"
export * from "./rate-limit/index.ts"
export * as Stages from "./stages/index.ts"
/** Also at the top level: errors of the commands built on the pipeline name it in their types. */
export { StageConfigError } from "./stages/StageConfigError.ts"
export * from "./state/index.ts"
export * from "./workflow/index.ts"
