/**
 * The PostgreSQL SyncFlow keeps everything in: the one named by `DATABASE_URL`, or an embedded
 * PostgreSQL started in `<data dir>/postgres` for the life of the process (initialised on first run).
 */
import { join } from "node:path"
import { PgClient } from "@effect/sql-pg"
import { acquireEmbeddedPostgres, type EmbeddedPostgresError } from "@syncflow/embedded-postgres"
import { Effect, Layer, Option } from "effect"
import type { SqlClient, SqlError } from "effect/sql"
import type { ServerSettings } from "../config/ServerConfig.ts"

/** Connections kept open per process; the bulk of a sync is one window transaction at a time. */
const maxConnections = 10

/** The `SqlClient` (and `PgClient`) of SyncFlow's database. */
export const layer = (
  settings: ServerSettings
): Layer.Layer<PgClient.PgClient | SqlClient.SqlClient, SqlError.SqlError | EmbeddedPostgresError> =>
  Option.match(settings.databaseUrl, {
    onSome: (url) => PgClient.layer({ url, maxConnections }),
    onNone: () =>
      Layer.unwrap(
        Effect.gen(function* () {
          const dataDir = join(settings.dataDir, "postgres")
          const server = yield* acquireEmbeddedPostgres({ dataDir })
          yield* Effect.logInfo(
            `Embedded PostgreSQL ${server.initialised ? "initialised and " : ""}started in ${dataDir} on port ${server.port}`
          )
          return PgClient.layer({ url: server.url, maxConnections })
        })
      )
  })
