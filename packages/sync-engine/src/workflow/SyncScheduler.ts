/**
 * The scheduler: one for the whole cluster (a cluster `Singleton`, so exactly one runner hosts it
 * and another takes it over when that runner dies). Every tick it reads the enabled entities and
 * starts the SyncEntity workflow of each one whose schedule slot has come: an interval schedule's
 * slots are the consecutive `intervalSeconds` periods since the epoch, a cron schedule's are its
 * occurrences (UTC). A slot fires once: it is recorded in the shared database before the sync is
 * started (whichever runner hosted the scheduler then), and a sync still running skips it.
 */
import { Clock, Cron, Duration, Effect, type Layer, Result } from "effect"
import { type Sharding, Singleton } from "effect/cluster"
import type { EntitySettings } from "../state/EntitySettings.ts"
import { StateStore } from "../state/StateStore.ts"
import { SyncWorkflows } from "./SyncWorkflows.ts"
import { scheduleKey } from "./triggerKeys.ts"
import { WorkflowTriggers } from "./WorkflowTriggers.ts"

/** The scheduler's settings. */
export interface SchedulerOptions {
  /** How often it looks for due entities (every second by default). */
  readonly tick?: Duration.Input | undefined
}

/**
 * The slot an entity's schedule is in at `nowMillis`: the number of the interval period, or the
 * time (ms) of the latest cron occurrence. `undefined` for an invalid cron expression.
 */
export const currentSlot = (settings: EntitySettings, nowMillis: number): number | undefined => {
  if (settings.cron !== null) {
    const parsed = Cron.parse(settings.cron, "UTC")
    if (Result.isFailure(parsed)) return undefined
    // `prev` of the next millisecond: an occurrence at exactly `now` is current.
    return Cron.prev(parsed.success, new Date(nowMillis + 1)).getTime()
  }
  return Math.floor(nowMillis / (settings.intervalSeconds * 1000))
}

/**
 * One pass: starts the sync of every enabled entity whose current slot has not fired. Returns how
 * many fired. `claimed` remembers the slot last claimed (or found claimed) per entity by this
 * scheduler, so an entity whose slot has not moved since costs no statement.
 */
export const tick = (
  claimed: Map<string, number>
): Effect.Effect<number, never, StateStore | WorkflowTriggers | SyncWorkflows> =>
  Effect.gen(function* () {
    const state = yield* StateStore
    const triggers = yield* WorkflowTriggers
    const workflows = yield* SyncWorkflows
    const now = yield* Clock.currentTimeMillis
    const entities = yield* state.listEnabledEntities
    let fired = 0
    for (const entity of entities) {
      const slot = currentSlot(entity.settings, now)
      if (slot === undefined) continue
      const key = scheduleKey(entity.connectorId, entity.entity)
      if (claimed.get(key) === slot) continue
      const due = yield* triggers.claimSlot(key, slot)
      claimed.set(key, slot)
      if (!due) continue
      fired++
      yield* workflows
        .startEntity({ connectorId: entity.connectorId, entity: entity.entity, mode: entity.settings.mode })
        .pipe(
          Effect.tap((executionId) =>
            Effect.logInfo("scheduled sync", { connectorId: entity.connectorId, entity: entity.entity, executionId })
          ),
          Effect.catch((error) =>
            Effect.logWarning("scheduled sync could not start", { entity: entity.entity, error: error.message })
          )
        )
    }
    return fired
  }).pipe(
    Effect.catch((error) => Effect.as(Effect.logWarning("scheduler tick failed", { error: error.message }), 0)),
    Effect.withSpan("SyncScheduler.tick")
  )

/** The cluster-wide scheduler: register it on every runner; the cluster runs it on exactly one. */
export const layer = (
  options: SchedulerOptions = {}
): Layer.Layer<never, never, Sharding.Sharding | StateStore | WorkflowTriggers | SyncWorkflows> =>
  Singleton.make(
    "syncflow/SyncScheduler",
    Effect.suspend(() => {
      const claimed = new Map<string, number>()
      return Effect.forever(Effect.andThen(tick(claimed), Effect.sleep(options.tick ?? Duration.seconds(1))))
    })
  )
