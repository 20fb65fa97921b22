/**
 * A failure of the test database harness itself (not of the code under test).
 */
import { Schema } from "effect"

/** The harness could not find or use the run's PostgreSQL server, or create or drop a test database. */
export class PgTestError extends Schema.TaggedError<PgTestError>()("PgTestError", {
  message: Schema.String,
  cause: Schema.optional(Schema.Defect())
}) {}
