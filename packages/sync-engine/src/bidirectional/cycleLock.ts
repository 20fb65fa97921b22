/**
 * One cycle of a two-way definition at a time, across processes: a cycle holds a session-level
 * PostgreSQL advisory lock on the definition (on a connection reserved for the cycle) from its start
 * to its end, and a second cycle of the same definition (a `definitions run` during a scheduled
 * cycle, or a runner resuming a cycle) waits for it. A process that dies mid-cycle loses its
 * connection, and PostgreSQL releases the lock with it.
 */
import { Effect, type Scope } from "effect"
import { SqlClient, type SqlError } from "effect/sql"

const lockSql = (fn: "pg_advisory_lock" | "pg_advisory_unlock") =>
  `SELECT ${fn}(hashtextextended('syncflow:two-way:' || $1, 0))`

/** Holds the definition's cycle lock until the scope closes (waiting while another cycle holds it). */
export const holdCycleLock = (
  definitionId: string
): Effect.Effect<void, SqlError.SqlError, SqlClient.SqlClient | Scope.Scope> =>
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const connection = yield* sql.reserve
    yield* Effect.acquireRelease(
      connection.executeUnprepared(lockSql("pg_advisory_lock"), [definitionId], undefined),
      () => Effect.ignore(connection.executeUnprepared(lockSql("pg_advisory_unlock"), [definitionId], undefined))
    )
  })
