/**
 * The schedules of sync definitions other than the default ones (those follow their entity's
 * settings and the entity scheduler): one for the whole cluster (a cluster `Singleton`). Every tick
 * it reads the enabled definitions that have a schedule (into PostgreSQL or a connector), and runs each one whose
 * slot has come (`slotOf`: interval periods since the epoch, or cron occurrences, UTC). A slot fires
 * once, claimed in the shared database (`WorkflowTriggers.claimSlot`, key `definition:<id>`); a
 * definition's first slot is only recorded (armed), so creating one, or starting a server, runs
 * nothing at once. A due definition's run is triggered through its durable `SyncDefinition`
 * workflow (a two-way definition's cycle through its `TwoWayCycle` workflow): a run still going when
 * its next slot comes is joined (or the new one queued behind it), never run twice.
 */
import { Clock, Duration, Effect, type Layer } from "effect"
import { type Sharding, Singleton } from "effect/cluster"
import type { SqlClient } from "effect/sql"
import type { SyncEngine } from "../pipeline/SyncEngine.ts"
import type { ConnectorStore } from "../state/ConnectorStore.ts"
import type { ManifestStore } from "../state/ManifestStore.ts"
import type { ConnectorAdapters } from "../workflow/ConnectorAdapters.ts"
import { slotOf } from "../workflow/SyncScheduler.ts"
import { SyncWorkflows } from "../workflow/SyncWorkflows.ts"
import { WorkflowTriggers } from "../workflow/WorkflowTriggers.ts"
import type { SyncDefinition } from "./SyncDefinition.ts"
import { SyncDefinitions } from "./SyncDefinitions.ts"

/** The scheduler's settings. */
export interface DefinitionSchedulerOptions {
  /** How often it looks for due definitions (every second by default). */
  readonly tick?: Duration.Input | undefined
}

/** The key a definition's schedule slots are claimed under. */
export const definitionScheduleKey = (id: string): string => `definition:${id}`

/**
 * One tick: claims the current slot of every scheduled definition whose slot moved on (`claimed`
 * remembers the slots this scheduler already claimed) and returns the definitions that are due.
 */
export const tick = (claimed: Map<string, number>) =>
  Effect.gen(function* () {
    const definitions = yield* SyncDefinitions
    const triggers = yield* WorkflowTriggers
    const now = yield* Clock.currentTimeMillis
    const due: Array<SyncDefinition> = []
    for (const definition of yield* definitions.list()) {
      const { schedule } = definition
      if (definition.isDefault || !definition.enabled || schedule === null) continue
      const slot = slotOf(
        "cron" in schedule
          ? { cron: schedule.cron, intervalSeconds: null }
          : { cron: null, intervalSeconds: schedule.intervalSeconds },
        now
      )
      const key = definitionScheduleKey(definition.id)
      if (slot === undefined || claimed.get(key) === slot) continue
      const fires = yield* triggers.claimSlot(key, slot, { mode: "incremental", arm: true })
      claimed.set(key, slot)
      if (fires) due.push(definition)
    }
    return due
  }).pipe(
    Effect.catch((error) =>
      Effect.as(
        Effect.logWarning("definition scheduler tick failed").pipe(Effect.annotateLogs({ error: error.message })),
        []
      )
    ),
    Effect.withSpan("DefinitionScheduler.tick")
  )

/**
 * Triggers a due definition's durable run (started, joined or queued), logging the answer: a
 * two-way definition's is a cycle (`TwoWayCycleWorkflow`), another's a `SyncDefinition` run.
 */
export const runDue = (definition: SyncDefinition) =>
  SyncWorkflows.use((workflows) =>
    definition.direction === "bidirectional"
      ? workflows.triggerTwoWay(definition, "incremental")
      : workflows.triggerDefinition(definition, "incremental")
  ).pipe(
    Effect.tap((answer) =>
      Effect.logInfo("scheduled definition run triggered").pipe(
        Effect.annotateLogs({ definition: definition.id, ...answer })
      )
    ),
    Effect.catchCause((cause) =>
      Effect.logWarning("scheduled definition run failed to start", cause).pipe(
        Effect.annotateLogs({ definition: definition.id })
      )
    )
  )

/** The cluster-wide definition scheduler: register it on every runner; the cluster runs it on exactly one. */
export const layer = (
  options: DefinitionSchedulerOptions = {}
): Layer.Layer<
  never,
  never,
  | Sharding.Sharding
  | SyncDefinitions
  | WorkflowTriggers
  | SyncWorkflows
  | ConnectorStore
  | ManifestStore
  | SyncEngine
  | ConnectorAdapters
  | SqlClient.SqlClient
> =>
  Singleton.make(
    "syncflow/DefinitionScheduler",
    Effect.suspend(() => {
      const claimed = new Map<string, number>()
      return Effect.forever(
        Effect.gen(function* () {
          for (const definition of yield* tick(claimed)) yield* runDue(definition)
          yield* Effect.sleep(options.tick ?? Duration.seconds(1))
        })
      )
    })
  )
