/** @syncflow/testing-pg: PostgreSQL for SyncFlow's tests, and an embedded PostgreSQL server. */
export * from "./EmbeddedPostgres.ts"
export * from "./EmbeddedPostgresError.ts"
export * as PgTest from "./PgTest.ts"
export * from "./PgTestError.ts"
export * from "./TestDatabase.ts"
export * from "./TestPostgres.ts"
