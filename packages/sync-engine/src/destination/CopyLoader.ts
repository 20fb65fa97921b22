/**
 * The bulk write path of `PostgresDestination`: "stage outside, publish inside".
 *
 * 1. **Stage.** The chunk's rows are streamed with `COPY ... FROM STDIN` (text format, see
 *    `CopyText`) into a fresh UNLOGGED staging table, `<stagingSchema>._bulk_<time>_<id>`, over a
 *    `pg` connection (`PgBulkPool`), in that connection's own short transaction. Nothing outside
 *    the staging table is touched, so this needs no part in the caller's transaction.
 * 2. **Publish.** Through the ambient `SqlClient` — inside the caller's `sql.withTransaction`, the
 *    pipeline's window transaction — one `INSERT INTO <table> SELECT ... FROM <staging>` moves the
 *    rows in, and the staging table is dropped. When the caller expects new keys (the table's last
 *    chunk was all new), a plain INSERT is tried first, in a savepoint: it skips the speculative
 *    insertion of `ON CONFLICT`, which is what makes this path faster than unnest. A unique
 *    violation means some keys exist; the chunk is then published with `ON CONFLICT ("_bk_hash")
 *    DO UPDATE ... WHERE the data hash differs`, the unnest upsert's statement reading the staging
 *    table (measured no faster than unnest, so `PostgresDestination` sends such chunks to unnest).
 *
 * So the rows become visible exactly when the caller's transaction commits, together with whatever
 * else it wrote (the checkpoint, the run counts). A failure or crash after the COPY and before that
 * commit leaves no row in the entity table; the staging table it leaves behind belongs to no one
 * (its name is unique to the attempt) and is dropped by {@link CopyLoader.sweep}. Re-running the
 * window stages it again under a new name and publishes it once.
 *
 * The staged rows are read in the caller's transaction, so it must run at READ COMMITTED (the
 * default): a REPEATABLE READ snapshot taken before the COPY committed would not see them. The
 * published counts are checked against the COPY's, so such a transaction fails instead of
 * miscounting.
 */

import { randomUUID } from "node:crypto"
import { PgTypes } from "@effect/sql-pg"
import { Clock, Duration, Effect, Exit, Fiber, Scope } from "effect"
import type { SqlClient } from "effect/sql"
import { copyBatches } from "./CopyText.ts"
import { DatabaseFailure, DestinationError, databaseFailure } from "./DestinationError.ts"
import * as Identifier from "./Identifier.ts"
import { PgBulkPool } from "./PgBulkPool.ts"
import type { IngestRow } from "./TableDestination.ts"
import {
  copyIntoStagingSql,
  type PlannedColumn,
  publishNewSql,
  publishUpsertSql,
  stagingTableSql,
  type TablePlan
} from "./TablePlan.ts"

/** Settings of the bulk path. */
export interface CopyLoaderOptions {
  /** The schema of the staging tables (the destination's staging schema). */
  readonly stagingSchema: string
  /**
   * Staging tables older than this are orphans (their attempt failed before its commit): `sweep`
   * drops them, and a write starts a sweep in the background when the last one is this old.
   * Default 1 hour.
   */
  readonly sweepAfter?: Duration.Input | undefined
}

/** How a published chunk landed: the unnest upsert's two counts. */
export interface PublishedCounts {
  readonly inserted: number
  readonly updated: number
}

/** The bulk write path, bound to a `SqlClient` and a {@link PgBulkPool}. */
export interface CopyLoader {
  /**
   * Writes a chunk of rows with unique business keys (see the module documentation). `position`
   * maps a row's index to its position in the caller's chunk, for `InvalidValue` errors. With
   * `insertFirst`, the plain INSERT is tried before the upsert.
   */
  readonly write: (
    entity: string,
    plan: TablePlan,
    columns: ReadonlyArray<PlannedColumn>,
    rows: ReadonlyArray<IngestRow>,
    position: (index: number) => number,
    options: { readonly runId: string | null; readonly insertFirst: boolean }
  ) => Effect.Effect<PublishedCounts, DestinationError>
  /**
   * Drops staging tables older than `olderThan` (default `sweepAfter`): those of attempts that
   * failed or crashed between their COPY and their commit. Returns how many were dropped.
   */
  readonly sweep: (olderThan?: Duration.Input) => Effect.Effect<number, DestinationError>
}

/** A spare staging table older than this is not used (it is dropped): a sweep elsewhere may be about to. */
const maxSpareAgeMillis = 10 * 60 * 1000

/** The prefix of staging table names; the creation time (base 36 milliseconds) and a random id follow. */
export const stagingPrefix = "_bulk_"

const stagingName = (now: number): string => `${stagingPrefix}${now.toString(36)}_${randomUUID().replaceAll("-", "")}`

/** The creation time in a staging table's name, or `undefined` when the name is not one. */
const stagedAt = (name: string): number | undefined => {
  const match = /^_bulk_([0-9a-z]{1,11})_[0-9a-f]{32}$/.exec(name)
  return match === null ? undefined : Number.parseInt(match[1]!, 36)
}

/** Whether PostgreSQL refused a statement because a table does not exist (SQLSTATE 42P01). */
const missingTable = (error: DestinationError): boolean => {
  if (error.reason._tag !== "DatabaseFailure") return false
  const cause: unknown = error.reason.cause
  return typeof cause === "object" && cause !== null && "code" in cause && cause.code === "42P01"
}

/** The session settings that decide how text becomes a value (a time zone-less timestamp, a date order). */
interface ParseSettings {
  readonly timeZone: string
  readonly dateStyle: string
}

/** The row count of a publish statement's result. */
const countsOf = (
  rows: ReadonlyArray<{ readonly inserted: number; readonly updated: number; readonly staged?: number }>
): PublishedCounts & { readonly staged: number | undefined } => ({
  inserted: rows[0]?.inserted ?? 0,
  updated: rows[0]?.updated ?? 0,
  staged: rows[0]?.staged
})

/** Builds the bulk path on a `SqlClient` (the one whose transactions publish) and the ambient {@link PgBulkPool}. */
export const make = Effect.fnUntraced(function* (sql: SqlClient.SqlClient, options: CopyLoaderOptions) {
  const pool = yield* PgBulkPool
  const stagingSchema = yield* Identifier.validate("schema", options.stagingSchema)
  /** The loader's lifetime: spare staging tables are dropped when it ends. */
  const scope = yield* Effect.scope
  const sweepAfter = options.sweepAfter ?? Duration.hours(1)
  /** When the last sweep started (construction counts as one: the caller sweeps then). */
  let lastSweep = yield* Clock.currentTimeMillis
  let settings: ParseSettings | undefined

  /** The `SqlClient` session's parse settings, read once: the staging COPY parses values under the same. */
  const parseSettings = (entity: string) =>
    settings !== undefined
      ? Effect.succeed(settings)
      : sql
          .unsafe<{ readonly tz: string; readonly ds: string }>(
            `SELECT current_setting('TimeZone') AS tz, current_setting('DateStyle') AS ds`
          )
          .pipe(
            Effect.map((rows): ParseSettings => {
              settings = { timeZone: rows[0]?.tz ?? "UTC", dateStyle: rows[0]?.ds ?? "ISO, MDY" }
              return settings
            }),
            databaseFailure(entity, "reading the session's parse settings")
          )

  /**
   * Creates an empty staging table for `columns`, committed. DDL costs milliseconds (catalog rows,
   * and the init forks of an UNLOGGED table and of its TOAST table are fsynced), so the next table
   * is usually created in the background while the current chunk is published (see `takeStaging`).
   * The commit need not wait for the WAL flush: the window's own commit flushes it.
   */
  const createStaging = (entity: string, columns: ReadonlyArray<PlannedColumn>) =>
    Effect.gen(function* () {
      const createdAt = yield* Clock.currentTimeMillis
      const name = Identifier.qualified(stagingSchema, stagingName(createdAt))
      yield* pool.withConnection(entity, (connection) =>
        connection.query(
          "creating a staging table",
          `BEGIN; SET LOCAL synchronous_commit = off; ${stagingTableSql(name, columns)}; COMMIT`
        )
      )
      return { name, createdAt }
    })

  /** Pre-created staging tables, by column signature: one per signature, being created or ready. */
  const spares = new Map<string, Fiber.Fiber<{ readonly name: string; readonly createdAt: number }, DestinationError>>()

  /**
   * A fresh staging table for `columns`: the spare created in the background if there is one (and
   * it is not too old: the sweep of another process could have dropped it), else a new one; and
   * starts creating the next spare. Every staging table is used once.
   */
  const takeStaging = (entity: string, columns: ReadonlyArray<PlannedColumn>) =>
    Effect.gen(function* () {
      const signature = stagingTableSql("", columns)
      const spare = spares.get(signature)
      spares.delete(signature)
      const ready = spare === undefined ? undefined : yield* Effect.option(Fiber.join(spare))
      const now = yield* Clock.currentTimeMillis
      let staging = ready?._tag === "Some" ? ready.value : undefined
      if (staging !== undefined && now - staging.createdAt > maxSpareAgeMillis) {
        yield* Effect.ignore(drop(entity, staging.name))
        staging = undefined
      }
      staging ??= yield* createStaging(entity, columns)
      // Detached rather than scoped: the loader's finalizer waits for it and drops what it created,
      // where interrupting it could leave a table created by a statement already sent.
      spares.set(signature, yield* Effect.forkDetach(createStaging(entity, columns)))
      return staging.name
    })

  /** COPYs the rows into an empty staging table, committed; returns how many rows it holds. */
  const stage = (
    entity: string,
    staging: string,
    columns: ReadonlyArray<PlannedColumn>,
    rows: ReadonlyArray<IngestRow>,
    position: (index: number) => number,
    parse: ParseSettings
  ) =>
    pool.withConnection(entity, (connection) =>
      Effect.gen(function* () {
        yield* connection.query("staging rows with COPY", "BEGIN; SET LOCAL synchronous_commit = off")
        yield* connection.query(
          "staging rows with COPY",
          `SELECT set_config('TimeZone', $1, true), set_config('DateStyle', $2, true)`,
          [parse.timeZone, parse.dateStyle]
        )
        const copied = yield* connection.copyIn(
          "staging rows with COPY",
          copyIntoStagingSql(staging, columns),
          copyBatches(rows, columns, position)
        )
        yield* connection.query("staging rows with COPY", "COMMIT")
        return copied
      })
    )

  /** Moves the staged rows into the entity table, in the caller's transaction, and drops the staging table. */
  const publish = (
    entity: string,
    plan: TablePlan,
    columns: ReadonlyArray<PlannedColumn>,
    staging: string,
    staged: number,
    runId: string | null,
    insertFirst: boolean
  ) => {
    const run = PgTypes.uuid(runId)
    type Counts = { readonly inserted: number; readonly updated: number; readonly staged?: number }
    const upsert = sql.unsafe<Counts>(publishUpsertSql(plan, columns, staging), [run]).unprepared
    const insertNew = sql.unsafe<Counts>(publishNewSql(plan, columns, staging), [run]).unprepared
    return Effect.gen(function* () {
      let counts: PublishedCounts | undefined
      if (insertFirst) {
        // A savepoint of its own: a unique violation undoes only this attempt.
        counts = yield* sql.withTransaction(insertNew).pipe(
          Effect.map(countsOf),
          Effect.catchReason("SqlError", "UniqueViolation", () => Effect.succeed(undefined))
        )
        if (counts !== undefined && counts.inserted !== staged) {
          return yield* unseen(entity, staged, counts.inserted)
        }
      }
      if (counts === undefined) {
        const merged = countsOf(yield* upsert)
        if (merged.staged !== staged) return yield* unseen(entity, staged, merged.staged ?? 0)
        counts = merged
      }
      yield* sql.unsafe(`DROP TABLE ${staging}`).unprepared
      return { inserted: counts.inserted, updated: counts.updated }
    }).pipe(
      // Several statements: all of them or none, inside the caller's transaction (as a savepoint) or on their own.
      sql.withTransaction,
      Effect.mapError((cause) =>
        cause._tag === "SqlError"
          ? new DestinationError({
              entity,
              reason: new DatabaseFailure({ operation: "publishing staged rows", detail: cause.message, cause })
            })
          : cause
      )
    )
  }

  const unseen = (entity: string, staged: number, seen: number) =>
    Effect.fail(
      new DestinationError({
        entity,
        reason: new DatabaseFailure({
          operation: "publishing staged rows",
          detail:
            `the transaction saw ${seen} of the ${staged} staged rows: ` +
            "the bulk path needs READ COMMITTED (a snapshot older than the COPY cannot see its rows)"
        })
      })
    )

  const write = Effect.fnUntraced(function* (
    entity: string,
    plan: TablePlan,
    columns: ReadonlyArray<PlannedColumn>,
    rows: ReadonlyArray<IngestRow>,
    position: (index: number) => number,
    options: { readonly runId: string | null; readonly insertFirst: boolean }
  ) {
    const parse = yield* parseSettings(entity)
    let staging = yield* takeStaging(entity, columns)
    const staged = yield* stage(entity, staging, columns, rows, position, parse).pipe(
      // A spare dropped under us (by a sweep with a short cut-off): stage into a new table instead.
      Effect.catchIf(missingTable, () =>
        Effect.flatMap(createStaging(entity, columns), (fresh) => {
          staging = fresh.name
          return stage(entity, staging, columns, rows, position, parse)
        })
      ),
      Effect.onError(() => Effect.ignore(drop(entity, staging)))
    )
    const published = yield* publish(entity, plan, columns, staging, staged, options.runId, options.insertFirst).pipe(
      Effect.onError(() => Effect.ignore(drop(entity, staging)))
    )
    // A long-running process sweeps the orphans of its own failed windows too.
    const now = yield* Clock.currentTimeMillis
    if (now - lastSweep >= Duration.toMillis(sweepAfter)) {
      lastSweep = now
      yield* Effect.forkDetach(Effect.ignore(sweep()))
    }
    return published
  })

  /** Drops one staging table without waiting long for a lock; a connection whose statement failed is closed. */
  const drop = (entity: string, staging: string) =>
    pool.withConnection(entity, (connection) =>
      connection.query(
        "dropping a staging table",
        `BEGIN; SET LOCAL lock_timeout = '1s'; DROP TABLE IF EXISTS ${staging}; COMMIT`
      )
    )

  const sweep = Effect.fnUntraced(function* (olderThan: Duration.Input = sweepAfter) {
    const cutoff = (yield* Clock.currentTimeMillis) - Duration.toMillis(olderThan)
    const tables = yield* pool.withConnection(stagingSchema, (connection) =>
      connection.query(
        "listing staging tables",
        `SELECT c.relname AS name FROM pg_catalog.pg_class c
         JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
         WHERE n.nspname = $1 AND c.relkind = 'r' AND starts_with(c.relname, $2)`,
        [stagingSchema, stagingPrefix]
      )
    )
    let dropped = 0
    for (const table of tables) {
      const name = typeof table.name === "string" ? table.name : ""
      const at = stagedAt(name)
      if (at === undefined || at > cutoff) continue
      // One that cannot be dropped now (a lock held) is left for the next sweep.
      const done = yield* Effect.exit(drop(stagingSchema, Identifier.qualified(stagingSchema, name)))
      if (Exit.isSuccess(done)) dropped++
    }
    return dropped
  })

  // Spares not used by the time the loader goes away are waited for and dropped (best effort; the
  // sweep catches the rest).
  yield* Scope.addFinalizer(
    scope,
    Effect.suspend(() =>
      Effect.forEach(
        [...spares.values()],
        (spare) =>
          Fiber.join(spare).pipe(
            Effect.flatMap((staging) => drop(stagingSchema, staging.name)),
            Effect.ignore
          ),
        { discard: true }
      )
    )
  )

  return { write, sweep } satisfies CopyLoader
})
