/** Stage 8, "Ingest": the `Destination` service and its PostgreSQL implementation. */
export { auditColumnNames } from "./AuditColumns.ts"
export * from "./Destination.ts"
export * from "./DestinationError.ts"
export * as Identifier from "./Identifier.ts"
export { InvalidIdentifier } from "./Identifier.ts"
export { type BulkConnection, PgBulkPool, type PgBulkPoolOptions } from "./PgBulkPool.ts"
export * as PostgresDestination from "./PostgresDestination.ts"
export { type RowCheck, rowCheckFor, type UnstorableValue } from "./StorableValues.ts"
