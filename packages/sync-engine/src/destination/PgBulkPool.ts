/**
 * The connections of the bulk (COPY) path: a `pg` pool, because `@effect/sql-pg` 4 speaks no COPY.
 * These connections are NOT the `SqlClient`'s, so nothing they write is part of a caller's
 * `sql.withTransaction`: the bulk path only stages rows through them (see `CopyLoader`).
 *
 * The pool lives as long as its layer: it is created when the layer is built and ended when the
 * layer is released. Its URL is `Redacted`, and is only revealed to `pg` itself; failures name the
 * operation and PostgreSQL's message, never the URL. A connection whose use failed or was
 * interrupted (a COPY cut short, a transaction left open) is destroyed rather than reused.
 *
 * ```ts
 * const bulk = PgBulkPool.layerConfig({ url: Config.Redacted("DATABASE_URL") })
 * ```
 */
import { Config, Context, Effect, Exit, Layer, Redacted } from "effect"
import pg from "pg"
import { from as copyFrom } from "pg-copy-streams"
import type { CopyBatches } from "./CopyText.ts"
import { DatabaseFailure, DestinationError, InvalidValue } from "./DestinationError.ts"

/** Settings of the bulk pool. */
export interface PgBulkPoolOptions {
  /** Where to connect: the same database and role as the `SqlClient` (the staged tables are shared). */
  readonly url: Redacted.Redacted<string>
  /** At most this many connections. Default 2. */
  readonly maxConnections?: number | undefined
  /** How long to wait for a connection, in milliseconds. Default 30,000. */
  readonly connectTimeoutMillis?: number | undefined
}

/** One pooled connection, lent for the duration of an effect. */
export interface BulkConnection {
  /** Runs a statement; several `;`-separated statements when there are no parameters. */
  readonly query: (
    operation: string,
    text: string,
    params?: ReadonlyArray<unknown>
  ) => Effect.Effect<ReadonlyArray<Record<string, unknown>>, DestinationError>
  /**
   * Runs `COPY ... FROM STDIN` with the given batches, streaming them with back-pressure. Succeeds
   * with the number of rows copied, or fails with the first invalid value the batches found (the
   * COPY is then abandoned, and so is the connection).
   */
  readonly copyIn: (operation: string, text: string, batches: CopyBatches) => Effect.Effect<number, DestinationError>
}

/** The pool of `pg` connections used by the bulk path. */
export class PgBulkPool extends Context.Service<
  PgBulkPool,
  {
    /** Lends a connection to `use`; it is destroyed instead of returned when `use` fails or is interrupted. */
    readonly withConnection: <A, E, R>(
      entity: string,
      use: (connection: BulkConnection) => Effect.Effect<A, E, R>
    ) => Effect.Effect<A, E | DestinationError, R>
  }
>()("@syncflow/sync-engine/destination/PgBulkPool") {
  /** The pool with the given settings, ended when the layer is released. */
  static readonly layer = (options: PgBulkPoolOptions): Layer.Layer<PgBulkPool> =>
    Layer.effect(PgBulkPool, make(options))

  /** The pool with settings from configuration, e.g. `{ url: Config.Redacted("DATABASE_URL") }`. */
  static readonly layerConfig = (config: Config.Wrap<PgBulkPoolOptions>): Layer.Layer<PgBulkPool, Config.ConfigError> =>
    Layer.effect(PgBulkPool, Effect.flatMap(Config.unwrap(config), make))
}

const failure = (entity: string, operation: string, cause: unknown): DestinationError =>
  new DestinationError({
    entity,
    reason: new DatabaseFailure({
      operation,
      detail: cause instanceof Error ? cause.message : String(cause),
      cause
    })
  })

/** Streams the batches into a COPY, honouring back-pressure; resolves with the row count or the invalid value met. */
const streamCopy = (
  client: pg.PoolClient,
  text: string,
  batches: CopyBatches,
  signal: AbortSignal
): Promise<number | InvalidValue> =>
  new Promise((resolve, reject) => {
    const stream = client.query(copyFrom(text))
    let settled = false
    const settle = (outcome: () => void) => {
      if (settled) return
      settled = true
      signal.removeEventListener("abort", abort)
      outcome()
    }
    const abort = () => stream.destroy(new Error("COPY interrupted"))
    // Errors after the outcome is known (a COPY abandoned on purpose) are expected: keep listening.
    stream.on("error", (error) => settle(() => reject(error)))
    stream.on("finish", () => settle(() => resolve(stream.rowCount)))
    signal.addEventListener("abort", abort, { once: true })
    const pump = (): void => {
      while (!settled) {
        const batch = batches.next()
        if (batch === undefined) {
          stream.end()
          return
        }
        if (batch instanceof InvalidValue) {
          settle(() => resolve(batch))
          stream.destroy(new Error("COPY abandoned: invalid value"))
          return
        }
        if (!stream.write(batch)) {
          stream.once("drain", pump)
          return
        }
      }
    }
    pump()
  })

const make = Effect.fnUntraced(function* (options: PgBulkPoolOptions) {
  const pool = yield* Effect.acquireRelease(
    Effect.sync(() => {
      const created = new pg.Pool({
        // The only place the URL is revealed: to the driver.
        connectionString: Redacted.value(options.url),
        max: options.maxConnections ?? 2,
        connectionTimeoutMillis: options.connectTimeoutMillis ?? 30_000,
        application_name: "syncflow-bulk"
      })
      // An idle connection that breaks (a server restart) is dropped by the pool; without a
      // listener its error would crash the process.
      created.on("error", () => {})
      return created
    }),
    (created) => Effect.promise(() => created.end())
  )

  const withConnection = <A, E, R>(
    entity: string,
    use: (connection: BulkConnection) => Effect.Effect<A, E, R>
  ): Effect.Effect<A, E | DestinationError, R> =>
    Effect.acquireUseRelease(
      Effect.tryPromise({
        try: () => pool.connect(),
        catch: (cause) => failure(entity, "connecting for COPY", cause)
      }),
      (client) =>
        use({
          query: (operation, text, params) =>
            Effect.tryPromise({
              try: () => client.query(text, params === undefined ? undefined : [...params]),
              catch: (cause) => failure(entity, operation, cause)
            }).pipe(Effect.map((result) => (Array.isArray(result) ? [] : result.rows))),
          copyIn: (operation, text, batches) =>
            Effect.tryPromise({
              try: (signal) => streamCopy(client, text, batches, signal),
              catch: (cause) => failure(entity, operation, cause)
            }).pipe(
              Effect.flatMap((outcome) =>
                outcome instanceof InvalidValue
                  ? Effect.fail(new DestinationError({ entity, reason: outcome }))
                  : Effect.succeed(outcome)
              )
            )
        }),
      (client, exit) =>
        Effect.sync(() => {
          // A connection in an unknown state (mid-COPY, open transaction) is closed, which rolls it back.
          client.release(Exit.isFailure(exit) ? true : undefined)
        })
    )

  return PgBulkPool.of({ withConnection })
})
