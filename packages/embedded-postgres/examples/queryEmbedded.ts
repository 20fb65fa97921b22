import { PgClient } from "@effect/sql-pg"
import { acquireEmbeddedPostgres } from "@syncflow/embedded-postgres"
import { Effect } from "effect"
import { SqlClient } from "effect/sql"

/** Starts PostgreSQL in `dataDir` (initialising it on first use), asks it its version, stops it. */
export const serverVersion = (dataDir: string) =>
  Effect.gen(function* () {
    const server = yield* acquireEmbeddedPostgres({ dataDir })
    const rows = yield* Effect.gen(function* () {
      const sql = yield* SqlClient.SqlClient
      return yield* sql<{ readonly version: string }>`SELECT current_setting('server_version') AS version`
    }).pipe(Effect.provide(PgClient.layer({ url: server.url })))
    return { version: rows[0]?.version ?? "?", port: server.port, coldStart: server.initialised }
  }).pipe(Effect.scoped)
