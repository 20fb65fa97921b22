/**
 * The scheduler: one for the whole cluster (a cluster `Singleton`, so exactly one runner hosts it
 * and another takes it over when that runner dies). Every tick it reads the enabled entities and
 * starts the SyncEntity workflow of each one whose schedule slot has come: an interval schedule's
 * slots are the consecutive `intervalSeconds` periods since the epoch, a cron schedule's are its
 * occurrences (UTC). A slot fires once: it is recorded in the shared database (with the mode it
 * starts) before the sync is started (whichever runner hosted the scheduler then), and a sync still
 * running skips it.
 *
 * Each entity has two schedules: its sync schedule (its configured mode, incremental by default)
 * and its reconciliation schedule (daily by default), which starts a `reconcile`, a complete listing
 * that soft-deletes what the source no longer has. When both come at once, the reconciliation runs
 * (it also writes every change). A reconciliation schedule fires from its first slot after the
 * scheduler first saw it, so a server start does not reconcile every entity at once. Entities that
 * are always listed in full (`full`/`hash` strategies, or a complete mode) need no reconciliation:
 * every sync of theirs finds deletes.
 *
 * While a connector-wide sync of a connector runs (`SyncWorkflows.startConnector`/`runConnector`),
 * the scheduler starts none of that connector's entities: the connector sync carries them parents
 * first, and a scheduled child synced before its parents would write its rows as orphans and take
 * them from the connector sync's summary. Their slots stay unclaimed, so a slot still current when
 * the connector sync ends fires then.
 *
 * When several entities of a connector are due at once (right after discovery, or in the same cron
 * slot), parents run before children, as in a connector sync's levels: each pass looks at the
 * entities in dependency order, and a child whose parent's sync runs (started in this pass or
 * earlier) or whose parent is itself waiting waits, its slot unclaimed, until that sync has ended;
 * its slot then fires (or its next one, when the slot passed meanwhile).
 *
 * Beside it, when it starts and every minute, it sweeps the runs whose executor is gone (running,
 * with no live lease on their entity: a process or runner killed mid-sync) and marks them `abandoned`.
 */

import type { EntityManifest } from "@syncflow/adapter-core"
import { Clock, Cron, Duration, Effect, type Layer, Result } from "effect"
import { type Sharding, Singleton } from "effect/cluster"
import { dependencyOrder } from "../pipeline/dependencyOrder.ts"
import { listingKind, type SyncMode } from "../pipeline/SyncMode.ts"
import { EntityLeases } from "../state/EntityLeases.ts"
import type { EntitySettings } from "../state/EntitySettings.ts"
import { ManifestStore } from "../state/ManifestStore.ts"
import { type EntityTrigger, SyncWorkflows } from "./SyncWorkflows.ts"
import { reconcileKey, scheduleKey } from "./triggerKeys.ts"
import { WorkflowTriggers } from "./WorkflowTriggers.ts"

/** The scheduler's settings. */
export interface SchedulerOptions {
  /** How often it looks for due entities (every second by default). */
  readonly tick?: Duration.Input | undefined
  /** How often it marks abandoned runs (every minute by default). */
  readonly sweep?: Duration.Input | undefined
}

/** A schedule: an interval in seconds, or a cron expression (UTC) that takes precedence. */
export interface Schedule {
  readonly intervalSeconds: number | null
  readonly cron: string | null
}

/**
 * The slot a schedule is in at `nowMillis`: the number of the interval period, or the time (ms) of
 * the latest cron occurrence. `undefined` for an invalid cron expression or no schedule at all.
 */
export const slotOf = (schedule: Schedule, nowMillis: number): number | undefined => {
  if (schedule.cron !== null) {
    const parsed = Cron.parse(schedule.cron, "UTC")
    if (Result.isFailure(parsed)) return undefined
    // `prev` of the next millisecond: an occurrence at exactly `now` is current.
    return Cron.prev(parsed.success, new Date(nowMillis + 1)).getTime()
  }
  if (schedule.intervalSeconds === null) return undefined
  return Math.floor(nowMillis / (schedule.intervalSeconds * 1000))
}

/**
 * The next `count` times (ms) a schedule fires after `nowMillis`, as the scheduler reads it: the
 * starts of the next interval periods since the epoch, or the next cron occurrences (UTC). Empty for
 * an invalid cron expression or no schedule at all.
 */
export const nextFireTimes = (schedule: Schedule, nowMillis: number, count: number): ReadonlyArray<number> => {
  if (schedule.cron !== null) {
    const parsed = Cron.parse(schedule.cron, "UTC")
    if (Result.isFailure(parsed)) return []
    const times: Array<number> = []
    for (const next of Cron.sequence(parsed.success, new Date(nowMillis))) {
      if (times.length >= count) break
      times.push(next.getTime())
    }
    return times
  }
  if (schedule.intervalSeconds === null) return []
  const period = schedule.intervalSeconds * 1000
  const first = (Math.floor(nowMillis / period) + 1) * period
  return Array.from({ length: count }, (_, index) => first + index * period)
}

/**
 * The slot an entity's sync schedule is in at `nowMillis`: the number of the interval period, or
 * the time (ms) of the latest cron occurrence. `undefined` for an invalid cron expression.
 */
export const currentSlot = (settings: EntitySettings, nowMillis: number): number | undefined =>
  slotOf(settings, nowMillis)

/**
 * Whether an entity needs reconciliations beside its scheduled syncs: only when those are
 * incremental listings of a row-version entity (the only listings that cannot see deletes).
 */
export const needsReconciliation = (manifest: Pick<EntityManifest, "deltaStrategy">, settings: EntitySettings) =>
  manifest.deltaStrategy === "rowversion" && listingKind(settings.mode) === "incremental"

/**
 * The slot an entity's reconciliation schedule is in at `nowMillis`; `undefined` when it has none
 * (switched off, an invalid cron expression, or not needed: see {@link needsReconciliation}).
 */
export const reconcileSlot = (
  manifest: Pick<EntityManifest, "deltaStrategy">,
  settings: EntitySettings,
  nowMillis: number
): number | undefined =>
  needsReconciliation(manifest, settings)
    ? slotOf({ intervalSeconds: settings.reconcileIntervalSeconds, cron: settings.reconcileCron }, nowMillis)
    : undefined

/**
 * A sync the scheduler started: what, in which mode, what the trigger did (`started`, `joined`,
 * `queued`), its execution and run (absent when it could not start).
 */
export interface ScheduledSync {
  readonly connectorId: string
  readonly entity: string
  readonly mode: SyncMode
  readonly executionId: string | undefined
  readonly status?: EntityTrigger["status"] | undefined
  readonly runId?: string | undefined
}

/**
 * The enabled entities in dependency order: per connector, parents before children (entities on a
 * cycle keep their order); connectors in the order they came.
 */
export const parentsFirst = <A extends { readonly connectorId: string; readonly manifest: EntityManifest }>(
  entities: ReadonlyArray<A>
): ReadonlyArray<A> => {
  const connectors = [...new Set(entities.map((entity) => entity.connectorId))]
  return connectors.flatMap((connectorId) => {
    const mine = entities.filter((entity) => entity.connectorId === connectorId)
    const order = dependencyOrder(mine.map((entity) => entity.manifest)).map((manifest) => manifest.entity)
    return order.flatMap((name) => mine.filter((entity) => entity.manifest.entity === name))
  })
}

const noSyncs: ReadonlyArray<ScheduledSync> = []

/**
 * One pass: starts the sync of every enabled entity whose current slot (of either schedule) has not
 * fired, as a reconciliation when its reconciliation slot has come. Returns what it started.
 * `claimed` remembers the slot last claimed (or found claimed) per schedule by this scheduler, so
 * an entity whose slots have not moved since costs no statement.
 */
export const tick = (
  claimed: Map<string, number>
): Effect.Effect<ReadonlyArray<ScheduledSync>, never, ManifestStore | WorkflowTriggers | SyncWorkflows> =>
  Effect.gen(function* () {
    const manifestStore = yield* ManifestStore
    const triggers = yield* WorkflowTriggers
    const workflows = yield* SyncWorkflows
    const now = yield* Clock.currentTimeMillis
    const entities = parentsFirst(yield* manifestStore.listEnabledEntities)
    const fired: Array<ScheduledSync> = []
    // Per entity, once a pass: whether a sync of it runs (a parent's, for its children).
    const entitySyncing = new Map<string, boolean>()
    const isSyncing = (connectorId: string, entity: string) =>
      Effect.gen(function* () {
        const key = `${connectorId}/${entity}`
        const known = entitySyncing.get(key)
        if (known !== undefined) return known
        const syncing = yield* workflows
          .entitySyncing(connectorId, entity)
          .pipe(
            Effect.catch((error) =>
              Effect.as(
                Effect.logWarning("entity sync status unknown").pipe(
                  Effect.annotateLogs({ connectorId, entity, error: error.message })
                ),
                false
              )
            )
          )
        entitySyncing.set(key, syncing)
        return syncing
      })
    /** Whether a parent of the entity (in the same connector) is syncing: the entity waits for it. */
    const parentSyncing = (connectorId: string, manifest: EntityManifest) =>
      Effect.gen(function* () {
        for (const parent of manifest.parents) {
          if (parent.entity === manifest.entity) continue
          if (yield* isSyncing(connectorId, parent.entity)) return parent.entity
        }
        return undefined
      })
    // Per connector, once a pass: whether a connector-wide sync of it runs.
    const syncing = new Map<string, boolean>()
    for (const entity of entities) {
      const { connectorId, settings } = entity
      // A connector-wide sync carries its entities, parents first: their slots wait for it to end
      // (unclaimed, so a slot still current then fires), rather than racing it out of order.
      let busy = syncing.get(connectorId)
      if (busy === undefined) {
        busy = yield* workflows
          .connectorSyncing(connectorId)
          .pipe(
            Effect.catch((error) =>
              Effect.as(
                Effect.logWarning("connector sync status unknown").pipe(
                  Effect.annotateLogs({ connectorId, error: error.message })
                ),
                false
              )
            )
          )
        syncing.set(connectorId, busy)
      }
      if (busy) continue
      const reconcileAt = reconcileSlot(entity.manifest, settings, now)
      const reconcileAs = reconcileKey(connectorId, entity.entity)
      const slot = currentSlot(settings, now)
      const key = scheduleKey(connectorId, entity.entity)
      const reconcileDue = reconcileAt !== undefined && claimed.get(reconcileAs) !== reconcileAt
      const slotDue = slot !== undefined && claimed.get(key) !== slot
      if (!reconcileDue && !slotDue) continue
      // A parent syncing (started in this pass or before): the child waits, its slots unclaimed.
      const waitingFor = yield* parentSyncing(connectorId, entity.manifest)
      if (waitingFor !== undefined) {
        // Its own children wait for it in turn.
        entitySyncing.set(`${connectorId}/${entity.entity}`, true)
        yield* Effect.logDebug("scheduled sync waits for its parent").pipe(
          Effect.annotateLogs({
            connectorId,
            entity: entity.entity,
            waitingFor
          })
        )
        continue
      }
      // The reconciliation first: when both schedules come at once, it is the one that runs.
      let reconcile = false
      if (reconcileDue) {
        reconcile = yield* triggers.claimSlot(reconcileAs, reconcileAt, { mode: "reconcile", arm: true })
        claimed.set(reconcileAs, reconcileAt)
      }
      let due = false
      if (slotDue) {
        due = yield* triggers.claimSlot(key, slot, { mode: reconcile ? "reconcile" : settings.mode })
        claimed.set(key, slot)
      }
      if (!due && !reconcile) continue
      const mode: SyncMode = reconcile ? "reconcile" : settings.mode
      const trigger = yield* workflows.triggerEntity({ connectorId, entity: entity.entity, mode }).pipe(
        Effect.tap((trigger) =>
          Effect.logInfo(`${reconcile ? "scheduled reconciliation" : "scheduled sync"} ${trigger.status}`).pipe(
            Effect.annotateLogs({
              connectorId,
              entity: entity.entity,
              mode,
              executionId: trigger.executionId,
              runId: trigger.runId
            })
          )
        ),
        Effect.catch((error) =>
          Effect.as(
            Effect.logWarning("scheduled sync could not start").pipe(
              Effect.annotateLogs({ entity: entity.entity, error: error.message })
            ),
            undefined
          )
        )
      )
      // Its children see it syncing in this pass.
      if (trigger !== undefined) entitySyncing.set(`${connectorId}/${entity.entity}`, true)
      fired.push({
        connectorId,
        entity: entity.entity,
        mode,
        executionId: trigger?.executionId,
        status: trigger?.status,
        runId: trigger?.runId
      })
    }
    return fired
  }).pipe(
    Effect.catch((error) =>
      Effect.as(Effect.logWarning("scheduler tick failed").pipe(Effect.annotateLogs({ error: error.message })), noSyncs)
    ),
    Effect.withSpan("SyncScheduler.tick")
  )

/** One sweep: marks abandoned the running runs nobody holds a live lease for; returns how many. */
export const sweep: Effect.Effect<number, never, EntityLeases> = Effect.gen(function* () {
  const leases = yield* EntityLeases
  const abandoned = yield* leases.sweep
  for (const run of abandoned) {
    yield* Effect.logWarning("run abandoned: its executor is gone").pipe(
      Effect.annotateLogs({
        connectorId: run.connectorId,
        entity: run.entity,
        runId: run.runId
      })
    )
  }
  return abandoned.length
}).pipe(
  Effect.catch((error) =>
    Effect.as(
      Effect.logWarning("sweep of abandoned runs failed").pipe(Effect.annotateLogs({ error: error.message })),
      0
    )
  ),
  Effect.withSpan("SyncScheduler.sweep")
)

/** The cluster-wide scheduler: register it on every runner; the cluster runs it on exactly one. */
export const layer = (
  options: SchedulerOptions = {}
): Layer.Layer<never, never, Sharding.Sharding | ManifestStore | WorkflowTriggers | SyncWorkflows | EntityLeases> =>
  Singleton.make(
    "syncflow/SyncScheduler",
    Effect.suspend(() => {
      const claimed = new Map<string, number>()
      const ticks = Effect.forever(Effect.andThen(tick(claimed), Effect.sleep(options.tick ?? Duration.seconds(1))))
      const sweeps = Effect.forever(Effect.andThen(sweep, Effect.sleep(options.sweep ?? Duration.minutes(1))))
      return Effect.all([ticks, sweeps], { concurrency: 2, discard: true })
    })
  )
