/**
 * The PostgreSQL server of a test run: `DATABASE_URL` when set (CI), otherwise an embedded server
 * in a data directory under the repository, started once for the run.
 */
import { join } from "node:path"
import { PgClient } from "@effect/sql-pg"
import {
  acquireEmbeddedPostgres,
  type EmbeddedPostgresError,
  type EmbeddedPostgresServer
} from "@syncflow/embedded-postgres"
import { Duration, Effect, Option, Redacted, type Scope } from "effect"
import { SqlClient } from "effect/sql"
import { maskPassword } from "./internal/connectionUrl.ts"
import { PgTestError } from "./PgTestError.ts"
import { testDatabasePrefix } from "./TestDatabase.ts"

/** The server a test run uses. */
export interface TestPostgres {
  /** A superuser (or CREATEDB) connection URL; test files create their databases through it. */
  readonly adminUrl: Redacted.Redacted<string>
  /** Where it comes from, for the run's log: `DATABASE_URL` or the embedded server's address and start. */
  readonly description: string
}

/** Where the embedded clusters live and how many may run at once (one per concurrent test run). */
export interface TestPostgresOptions {
  /** `DATABASE_URL`, if set: used as is, nothing is started. */
  readonly databaseUrl: string | undefined
  /** The directory holding the embedded clusters' data directories (`cluster-1`, `cluster-2`, ...). */
  readonly baseDir: string
  /** How many clusters concurrent runs may use before giving up. Defaults to 8. */
  readonly slots?: number
}

/** Settings for a throwaway test cluster: durability off (a crash loses nothing of value), room for parallel files. */
const testSettings: Readonly<Record<string, string>> = {
  fsync: "off",
  synchronous_commit: "off",
  full_page_writes: "off",
  max_connections: "300"
}

/** Fails when the server at `url` does not answer `select 1`. */
const checkServer = (url: Redacted.Redacted<string>): Effect.Effect<void, PgTestError> =>
  SqlClient.SqlClient.use((sql) => sql`select 1`).pipe(
    Effect.provide(PgClient.layer({ url, maxConnections: 1 })),
    Effect.mapError(
      (cause) =>
        new PgTestError({
          message: `DATABASE_URL (${maskPassword(Redacted.value(url))}) does not answer: ${cause.message}`,
          cause
        })
    ),
    Effect.asVoid
  )

/** Drops the databases of earlier runs that were killed before dropping them (only on our own cluster). */
const dropLeftoverDatabases = (url: Redacted.Redacted<string>): Effect.Effect<number, PgTestError> =>
  SqlClient.SqlClient.use((sql) =>
    Effect.gen(function* () {
      const rows = yield* sql<{ readonly datname: string }>`
        select datname from pg_database where starts_with(datname, ${testDatabasePrefix})`
      for (const { datname } of rows) {
        yield* sql`DROP DATABASE IF EXISTS ${sql(datname)} WITH (FORCE)`
      }
      return rows.length
    })
  ).pipe(
    Effect.provide(PgClient.layer({ url, maxConnections: 1 })),
    Effect.mapError(
      (cause) => new PgTestError({ message: `Cannot drop leftover test databases: ${cause.message}`, cause })
    )
  )

/** Starts a cluster in `dataDir`, resetting it if its data is unusable. Another run's cluster fails with reason `InUse`. */
const startCluster = (dataDir: string): Effect.Effect<EmbeddedPostgresServer, EmbeddedPostgresError, Scope.Scope> =>
  acquireEmbeddedPostgres({ dataDir, settings: testSettings, resetIfUnusable: true })

/** Starts a cluster in the first data directory no other run uses. */
const startFreeCluster = Effect.fnUntraced(function* (
  baseDir: string,
  slots: number
): Effect.fn.Return<EmbeddedPostgresServer, EmbeddedPostgresError, Scope.Scope> {
  for (let slot = 1; ; slot++) {
    const attempt = startCluster(join(baseDir, `cluster-${slot}`))
    if (slot >= slots) return yield* attempt
    const server = yield* Effect.catchIf(
      attempt,
      (error) => error.reason === "InUse",
      () => Effect.succeed(undefined)
    )
    if (server !== undefined) return server
  }
})

/**
 * The run's server for the life of the scope: `DATABASE_URL` (checked to answer), or an embedded
 * cluster started now (cold or warm, recovering an orphan) and stopped when the scope closes.
 */
export const acquireTestPostgres = Effect.fn("acquireTestPostgres")(function* (
  options: TestPostgresOptions
): Effect.fn.Return<TestPostgres, PgTestError | EmbeddedPostgresError, Scope.Scope> {
  if (options.databaseUrl !== undefined && options.databaseUrl !== "") {
    const adminUrl = Redacted.make(options.databaseUrl)
    yield* checkServer(adminUrl)
    return { adminUrl, description: `DATABASE_URL ${maskPassword(options.databaseUrl)}` }
  }
  const [elapsed, server] = yield* Effect.timed(startFreeCluster(options.baseDir, options.slots ?? 8))
  const leftovers = yield* dropLeftoverDatabases(server.url)
  const details = [
    server.initialised ? "cold start (initdb)" : "warm start",
    `${Math.round(Duration.toMillis(elapsed))} ms`,
    ...(Option.isSome(server.stoppedOrphan) ? [`stopped orphaned server pid ${server.stoppedOrphan.value}`] : []),
    ...(leftovers > 0 ? [`dropped ${leftovers} leftover test database(s)`] : [])
  ]
  return {
    adminUrl: server.url,
    description: `embedded PostgreSQL on 127.0.0.1:${server.port} (${details.join(", ")}), data in ${server.dataDir}`
  }
})
