/**
 * The PostgreSQL SyncFlow keeps everything in: the one named by `DATABASE_URL`, or an embedded
 * PostgreSQL started in `<data dir>/postgres` for the life of the process (initialised on first run).
 * A process that may share it (the CLI, see {@link JoinRunningEmbedded}) connects to the embedded
 * server another process (`syncflow serve`) runs there instead of failing on its lock.
 */
import { hostname } from "node:os"
import { join } from "node:path"
import { PgClient } from "@effect/sql-pg"
import {
  acquireEmbeddedPostgres,
  type EmbeddedPostgresError,
  findRunningEmbeddedPostgres
} from "@syncflow/embedded-postgres"
import { Context, Effect, Layer, Option } from "effect"
import type { SqlClient, SqlError } from "effect/sql"
import type { ServerSettings } from "../config/ServerConfig.ts"

/** Connections kept open per process; the bulk of a sync is one window transaction at a time. */
export const maxConnections = 10

/**
 * The `application_name` of this process's connections (host and process id, within PostgreSQL's
 * 63 bytes), so `pg_stat_activity` tells its pool apart: the metrics read it.
 */
export const applicationName = `syncflow/${process.pid}@${hostname()}`.slice(0, 63)

/** The embedded PostgreSQL's data directory within SyncFlow's. */
export const embeddedDataDir = (settings: ServerSettings): string => join(settings.dataDir, "postgres")

/**
 * Whether this process, with no `DATABASE_URL`, connects to the embedded server another process
 * runs in the data directory (its server file names a live owner and postmaster) rather than
 * starting one. `false` by default (`syncflow serve` owns its database); the CLI sets it.
 */
export const JoinRunningEmbedded = Context.Reference<boolean>("@syncflow/server/JoinRunningEmbedded", {
  defaultValue: () => false
})

/** The `SqlClient` (and `PgClient`) of SyncFlow's database. */
export const layer = (
  settings: ServerSettings
): Layer.Layer<PgClient.PgClient | SqlClient.SqlClient, SqlError.SqlError | EmbeddedPostgresError> =>
  Option.match(settings.databaseUrl, {
    onSome: (url) => PgClient.layer({ url, maxConnections, applicationName }),
    onNone: () =>
      Layer.unwrap(
        Effect.gen(function* () {
          const dataDir = embeddedDataDir(settings)
          if (yield* JoinRunningEmbedded) {
            const running = yield* findRunningEmbeddedPostgres({ dataDir })
            if (Option.isSome(running)) {
              yield* Effect.logDebug(
                `Using the embedded PostgreSQL that process ${running.value.ownerPid} runs in ${dataDir} on port ${running.value.port}`
              )
              return PgClient.layer({ url: running.value.url, maxConnections, applicationName })
            }
          }
          const server = yield* acquireEmbeddedPostgres({ dataDir })
          yield* Effect.logInfo(
            `Embedded PostgreSQL ${server.initialised ? "initialised and " : ""}started in ${dataDir} on port ${server.port}`
          )
          return PgClient.layer({ url: server.url, maxConnections, applicationName })
        })
      )
  })
