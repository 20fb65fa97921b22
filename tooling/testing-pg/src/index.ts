/** @syncflow/testing-pg: PostgreSQL for SyncFlow's tests. */
export * as PgTest from "./PgTest.ts"
export * from "./PgTestError.ts"
export * from "./TestDatabase.ts"
export * from "./TestPostgres.ts"
