/**
 * Serialises SyncFlow's DDL across processes: `CREATE ... IF NOT EXISTS` is not safe when two
 * sessions run it at once (the loser fails on a catalog unique index), so every schema change runs
 * in a transaction holding one advisory lock. The `syncflow` migrations take the same lock
 * (`hashtextextended('syncflow:ddl', 0)`).
 */
import { Effect } from "effect"
import type { SqlClient, SqlError } from "effect/sql"

/** The SQL that takes the DDL lock until the end of the current transaction. */
export const ddlLockSql = "SELECT pg_advisory_xact_lock(hashtextextended('syncflow:ddl', 0))"

/**
 * Runs `effect` in a transaction (a savepoint when one is open) holding the DDL lock. Inside an
 * outer transaction the lock is held until that one ends.
 */
export const withDdlLock = <A, E, R>(
  sql: SqlClient.SqlClient,
  effect: Effect.Effect<A, E, R>
): Effect.Effect<A, E | SqlError.SqlError, R> => sql.withTransaction(Effect.andThen(sql.unsafe(ddlLockSql), effect))
