/**
 * PostgreSQL for test files: a fresh database per test file on the run's server (see the global
 * setup), so test files run in parallel without seeing each other's tables.
 *
 * ```ts
 * layer(PgTest.layer)("orders", (it) => {
 *   it.effect("stores an order", () => Effect.gen(function* () {
 *     const sql = yield* SqlClient.SqlClient
 *     ...
 *   }))
 * })
 * ```
 */
import { PgClient } from "@effect/sql-pg"
import { Effect, Layer, Option, Redacted } from "effect"
import { SqlClient, type SqlError } from "effect/sql"
import { maskPassword, withDatabase } from "./internal/connectionUrl.ts"
import { PgTestError } from "./PgTestError.ts"
import { adminUrlKey } from "./ProvidedContext.ts"
import { makeTestDatabaseName, TestDatabase } from "./TestDatabase.ts"

/** Client settings for the test database's pool (everything but where to connect). */
export type PgTestOptions = Omit<PgClient.PgPoolConfig, "url" | "host" | "port" | "path" | "database">

/**
 * The admin connection URL of the run's server: what the global setup provided (`DATABASE_URL` or
 * the embedded server), else `DATABASE_URL` itself (when the global setup did not run).
 */
export const adminUrl: Effect.Effect<Redacted.Redacted<string>, PgTestError> = Effect.tryPromise(() =>
  import("vitest").then((vitest) => vitest.inject(adminUrlKey))
).pipe(
  // Outside a vitest worker there is nothing injected: fall back to DATABASE_URL.
  Effect.orElseSucceed(() => undefined),
  Effect.map((provided) => Option.fromNullishOr(provided ?? process.env.DATABASE_URL)),
  Effect.flatMap(
    Option.match({
      onNone: () =>
        Effect.fail(
          new PgTestError({
            message:
              "No PostgreSQL server for tests: neither the global setup (@syncflow/testing-pg/globalSetup in the " +
              "vitest config) nor DATABASE_URL provided one"
          })
        ),
      onSome: (url) => Effect.succeed(Redacted.make(url))
    })
  )
)

/** Runs `f` with a one-connection client on the admin URL. */
const withAdmin = <A>(
  url: Redacted.Redacted<string>,
  f: (sql: SqlClient.SqlClient) => Effect.Effect<A, SqlError.SqlError>
): Effect.Effect<A, PgTestError> =>
  SqlClient.SqlClient.use(f).pipe(
    Effect.provide(PgClient.layer({ url, maxConnections: 1 })),
    Effect.mapError(
      (cause) =>
        new PgTestError({ message: `PostgreSQL at ${maskPassword(Redacted.value(url))}: ${cause.message}`, cause })
    )
  )

/** Creates a uniquely named database, dropped (even with open connections) when the scope closes. */
const testDatabase = Layer.effect(
  TestDatabase,
  Effect.gen(function* () {
    const admin = yield* adminUrl
    const name = makeTestDatabaseName()
    yield* Effect.acquireRelease(
      withAdmin(admin, (sql) => sql`CREATE DATABASE ${sql(name)}`),
      () =>
        withAdmin(admin, (sql) => sql`DROP DATABASE IF EXISTS ${sql(name)} WITH (FORCE)`).pipe(
          Effect.catch((error) => Effect.logWarning(`Could not drop the test database ${name}: ${error.message}`))
        )
    )
    return TestDatabase.of({ name, url: Redacted.make(withDatabase(Redacted.value(admin), name)) })
  })
)

/**
 * {@link layer} with client settings, such as `{ transformResultNames: String.snakeToCamel }` or
 * `{ maxConnections: 2 }`.
 */
export const layerWith = (
  options: PgTestOptions = {}
): Layer.Layer<PgClient.PgClient | SqlClient.SqlClient | TestDatabase, PgTestError | SqlError.SqlError> =>
  Layer.unwrap(TestDatabase.use((database) => Effect.succeed(PgClient.layer({ ...options, url: database.url })))).pipe(
    Layer.provideMerge(testDatabase)
  )

/**
 * A fresh database for this test file, with a pooled client connected to it: provides
 * `PgClient.PgClient`, `SqlClient.SqlClient` (from `effect/sql`) and {@link TestDatabase}. The
 * database is dropped when the layer is released (after the client's connections are closed).
 */
export const layer: Layer.Layer<
  PgClient.PgClient | SqlClient.SqlClient | TestDatabase,
  PgTestError | SqlError.SqlError
> = layerWith()

/** The connection URL of this test file's database, to hand to code under test (a server process, say). */
export const databaseUrl: Effect.Effect<Redacted.Redacted<string>, never, TestDatabase> = TestDatabase.use((database) =>
  Effect.succeed(database.url)
)

/** The name of this test file's database. */
export const databaseName: Effect.Effect<string, never, TestDatabase> = TestDatabase.use((database) =>
  Effect.succeed(database.name)
)
