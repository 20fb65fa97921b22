/**
 * The retention job: one for the whole cluster (a cluster `Singleton`, like `RetryScheduler`, so
 * exactly one runner hosts it and another takes over when that runner dies). When it starts and
 * then daily by default it deletes, in batches of 1,000 rows, the runs, execution links, schedule
 * fires, closed failed records, expired rate-limit states and resolved alerts older than the
 * retention (30 days by default; see `state/Retention.ts` for what is always kept).
 */
import { Clock, Duration, Effect, type Layer } from "effect"
import { type Sharding, Singleton } from "effect/cluster"
import { SqlClient } from "effect/sql"
import { type Pruned, pruneOlderThan } from "../state/Retention.ts"

/** The retention job's settings. */
export interface RetentionOptions {
  /** How long rows are kept (30 days by default). */
  readonly retention?: Duration.Input | undefined
  /** How often it prunes (daily by default). */
  readonly every?: Duration.Input | undefined
  /** Rows deleted per statement (1,000 by default). */
  readonly batchSize?: number | undefined
  /** Called after every pass with what it deleted (for monitoring and tests). */
  readonly onPass?: ((pruned: Pruned) => Effect.Effect<void>) | undefined
}

/** The default retention: 30 days. */
export const defaultRetention = Duration.days(30)

/** One pass at the clock's time: deletes what is older than the retention; logs what it deleted. */
export const prune = (options: RetentionOptions = {}): Effect.Effect<Pruned | undefined, never, SqlClient.SqlClient> =>
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const now = yield* Clock.currentTimeMillis
    const retention = Duration.toMillis(Duration.fromInputUnsafe(options.retention ?? defaultRetention))
    const cutoff = new Date(now - retention)
    const pruned = yield* pruneOlderThan(sql, cutoff, options.batchSize ?? 1000)
    if (Object.values(pruned).some((count) => count > 0)) {
      yield* Effect.logInfo("retention: old rows deleted").pipe(
        Effect.annotateLogs({ cutoff: cutoff.toISOString(), ...pruned })
      )
    }
    return pruned
  }).pipe(
    Effect.catch((error) =>
      Effect.as(
        Effect.logWarning("retention pass failed").pipe(Effect.annotateLogs({ error: error.message })),
        undefined
      )
    ),
    Effect.withSpan("RetentionJob.prune")
  )

/** The job's loop: a pass now and every `every`. */
export const loop = (options: RetentionOptions = {}): Effect.Effect<never, never, SqlClient.SqlClient> =>
  Effect.forever(
    Effect.gen(function* () {
      const pruned = yield* prune(options)
      if (pruned !== undefined && options.onPass !== undefined) yield* options.onPass(pruned)
      yield* Effect.sleep(options.every ?? Duration.days(1))
    })
  )

/** The cluster-wide retention job: register it on every runner; the cluster runs it on exactly one. */
export const layer = (
  options: RetentionOptions = {}
): Layer.Layer<never, never, Sharding.Sharding | SqlClient.SqlClient> =>
  Singleton.make("syncflow/RetentionJob", loop(options))
