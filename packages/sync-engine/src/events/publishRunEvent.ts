/**
 * How run events travel between processes: a PostgreSQL `NOTIFY` on one channel, sent on the
 * caller's connection. Inside a transaction (a window's commit) it is delivered when, and only if,
 * the transaction commits, so followers see exactly the committed windows, in commit order.
 */
import { Effect, Schema } from "effect"
import type { SqlClient } from "effect/sql"
import { RunEvent, RunFinished } from "./RunEvent.ts"

/** The `LISTEN`/`NOTIFY` channel every run event is sent on. */
export const runEventsChannel = "syncflow_run_events"

/** A run event as the channel carries it: JSON text. */
export const RunEventJson = Schema.fromJsonString(RunEvent)

const encode = Schema.encodeEffect(RunEventJson)

/** NOTIFY's payload limit is 8000 bytes: an error message is cut well before. */
const maxErrorLength = 2000

/** Sends a run event on `sql`'s current connection (the current transaction's, if any). */
export const publishRunEvent = (sql: SqlClient.SqlClient, event: RunEvent) =>
  Effect.gen(function* () {
    const bounded =
      event._tag === "RunFinished" && event.error !== null && event.error.length > maxErrorLength
        ? RunFinished.make({ ...event, error: `${event.error.slice(0, maxErrorLength)}…` })
        : event
    const payload = yield* encode(bounded).pipe(Effect.orDie)
    yield* sql.unsafe("SELECT pg_notify($1, $2)", [runEventsChannel, payload])
  })
