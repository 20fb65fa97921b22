/**
 * Automatic retries: one for the whole cluster (a cluster `Singleton`, like `SyncScheduler`, so
 * exactly one runner hosts it and another takes over when that runner dies). Every tick (30 s by
 * default) it retries the due failed records of every enabled entity through the connector's
 * current stage options (`RecordRetryPolicy.failedRecordsRetry`: at 60 s, 120 s, 240 s after the failure,
 * at most 3 times); every 5 minutes it also retries the parked children of the entities that have
 * parents (`RecordRetryPolicy.pendingChildrenRetry`: at most 5 attempts, then a failed record) and clears
 * the flags of kept orphans whose parents have arrived. Nobody has to ask.
 *
 * A retry writes a record only when it is still newer than the table's row (see the engine's
 * `retryFailedRecords`), so it is safe beside a sync of the same entity.
 */
import { Clock, Duration, Effect, type Layer } from "effect"
import { type Sharding, Singleton } from "effect/cluster"
import { noRetries, SyncEngine } from "../pipeline/SyncEngine.ts"
import { FailedRecordStore } from "../state/FailedRecordStore.ts"
import { ManifestStore } from "../state/ManifestStore.ts"
import { ConnectorAdapters } from "./ConnectorAdapters.ts"

/** The retry scheduler's settings. */
export interface RetrySchedulerOptions {
  /** How often due failed records are looked for (every 30 seconds by default). */
  readonly tick?: Duration.Input | undefined
  /** How often parked children and kept orphans are checked (every 5 minutes by default). */
  readonly pendingEvery?: Duration.Input | undefined
  /** Called after every pass with what it did (for monitoring and tests). */
  readonly onPass?: ((pass: RetryPass) => Effect.Effect<void>) | undefined
}

/** What one pass did, summed over the entities. */
export interface RetryPass {
  /** Whether parked children and kept orphans were checked in this pass. */
  readonly pending: boolean
  /** Failed records written (or found in the table as they are). */
  readonly retried: number
  /** Failed records that failed again. */
  readonly stillFailing: number
  /** Failed records not written because the table holds a newer or deleted row. */
  readonly stale: number
  /** Parked children and kept orphans resolved. */
  readonly childrenResolved: number
  /** Parked children that used their attempts and became failed records. */
  readonly movedToFailed: number
}

const emptyPass = (pending: boolean): RetryPass => ({
  pending,
  retried: 0,
  stillFailing: 0,
  stale: 0,
  childrenResolved: 0,
  movedToFailed: 0
})

/**
 * One pass over every enabled entity: its due failed records, and, with `pending`, its parked
 * children and kept orphans. An entity whose retry fails is logged and skipped; the pass goes on.
 */
export const pass = (
  pending: boolean
): Effect.Effect<RetryPass, never, ManifestStore | FailedRecordStore | SyncEngine | ConnectorAdapters> =>
  Effect.gen(function* () {
    const manifestStore = yield* ManifestStore
    const failedRecordStore = yield* FailedRecordStore
    const engine = yield* SyncEngine
    const adapters = yield* ConnectorAdapters
    const entities = yield* manifestStore.listEnabledEntities
    let total = emptyPass(pending)
    const byConnector = new Map<string, Array<(typeof entities)[number]>>()
    for (const entity of entities) {
      const group = byConnector.get(entity.connectorId) ?? []
      group.push(entity)
      byConnector.set(entity.connectorId, group)
    }
    for (const [connectorId, group] of byConnector) {
      const connector = Effect.gen(function* () {
        const runtime = yield* adapters.runtime(connectorId)
        const manifests = (yield* manifestStore.listManifests(connectorId)).map((entity) => entity.manifest)
        for (const { manifest } of group) {
          const one = Effect.gen(function* () {
            // Most entities have no open failed record: one indexed look costs less than a retry's setup.
            const open = yield* failedRecordStore.listFailedRecords({ connectorId, entity: manifest.entity, limit: 1 })
            const failed =
              open.length === 0
                ? noRetries
                : yield* engine.retryFailedRecords({
                    connectorId,
                    manifest,
                    manifests,
                    stages: runtime.stages(manifest)
                  })
            const children =
              pending && manifest.parents.length > 0
                ? yield* engine.retryPendingChildren(connectorId, manifest, manifests)
                : undefined
            total = {
              pending,
              retried: total.retried + failed.resolved,
              stillFailing: total.stillFailing + failed.stillWaiting,
              stale: total.stale + failed.stale,
              childrenResolved: total.childrenResolved + (children?.resolved ?? 0),
              movedToFailed: total.movedToFailed + (children?.movedToFailed ?? 0)
            }
          })
          yield* one.pipe(
            Effect.catch((error) =>
              Effect.logWarning("automatic retry failed").pipe(
                Effect.annotateLogs({
                  connectorId,
                  entity: manifest.entity,
                  error: error.message
                })
              )
            )
          )
        }
      })
      yield* connector.pipe(
        Effect.catch((error) =>
          Effect.logWarning("automatic retry skipped").pipe(Effect.annotateLogs({ connectorId, error: error.message }))
        )
      )
    }
    if (total.retried + total.stale + total.childrenResolved + total.movedToFailed > 0) {
      yield* Effect.logInfo("automatic retries").pipe(Effect.annotateLogs({ ...total }))
    }
    return total
  }).pipe(
    Effect.catch((error) =>
      Effect.as(
        Effect.logWarning("retry pass failed").pipe(Effect.annotateLogs({ error: error.message })),
        emptyPass(pending)
      )
    ),
    Effect.withSpan("RetryScheduler.pass")
  )

/** The scheduler's loop: a pass now and every `tick`, checking children every `pendingEvery`. */
export const loop = (
  options: RetrySchedulerOptions = {}
): Effect.Effect<never, never, ManifestStore | FailedRecordStore | SyncEngine | ConnectorAdapters> =>
  Effect.suspend(() => {
    const tick = options.tick ?? Duration.seconds(30)
    const pendingEvery = Duration.toMillis(Duration.fromInputUnsafe(options.pendingEvery ?? Duration.minutes(5)))
    let lastPending = Number.NEGATIVE_INFINITY
    const step = Effect.gen(function* () {
      const now = yield* Clock.currentTimeMillis
      const pending = now - lastPending >= pendingEvery
      if (pending) lastPending = now
      const done = yield* pass(pending)
      if (options.onPass !== undefined) yield* options.onPass(done)
    })
    return Effect.forever(Effect.andThen(step, Effect.sleep(tick)))
  })

/** The cluster-wide retry scheduler: register it on every runner; the cluster runs it on exactly one. */
export const layer = (
  options: RetrySchedulerOptions = {}
): Layer.Layer<never, never, Sharding.Sharding | ManifestStore | FailedRecordStore | SyncEngine | ConnectorAdapters> =>
  Singleton.make("syncflow/RetryScheduler", loop(options))
