/**
 * Stage 8, "Ingest": the write-side `Destination` service, the PostgreSQL `TableDestination` (and its
 * write side, `TableWriteSide`) and the `ApiDestination` over an adapter's `RecordWriter`.
 */

export * as ApiDestination from "./ApiDestination.ts"
export { auditColumnNames } from "./AuditColumns.ts"
export * from "./Destination.ts"
export * from "./DestinationError.ts"
export * as Identifier from "./Identifier.ts"
export { InvalidIdentifier } from "./Identifier.ts"
export { type BulkConnection, PgBulkPool, type PgBulkPoolOptions } from "./PgBulkPool.ts"
export * as PostgresDestination from "./PostgresDestination.ts"
export { type RowCheck, rowCheckFor, type UnstorableValue } from "./StorableValues.ts"
export * from "./TableDestination.ts"
export * as TableTarget from "./TableTarget.ts"
export * as TableWriteSide from "./TableWriteSide.ts"
