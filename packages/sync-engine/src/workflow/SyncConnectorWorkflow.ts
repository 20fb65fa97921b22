/**
 * The SyncConnector workflow: a connector's entities in dependency order from its manifests.
 *
 * A `plan` activity rediscovers and stores the manifests (once the connector's discovery TTL has
 * passed, see `freshManifests`) and groups the entities in levels: an entity's level is one more
 * than its deepest parent's, so each level only depends on the ones before it. Level by level, a
 * `claim/<n>` activity picks each entity's SyncEntity execution (the running one when a sync of that
 * entity in a mode that covers this one is in progress; one queued behind it, awaited after it, when
 * the mode differs), the level's entities run as child
 * workflows, at most `entityConcurrency` at once, and a `pending/<n>` activity retries the children
 * parked while their parents were missing. Child workflows (not concurrent activities in one
 * workflow) carry the concurrency, which replays safely.
 */
import type { EntityManifest } from "@syncflow/adapter-core"
import { Effect, Schema } from "effect"
import { Activity, Workflow } from "effect/workflow"
import { dependencyOrder } from "../pipeline/dependencyOrder.ts"
import { freshManifests } from "../pipeline/freshManifests.ts"
import { SyncEngine } from "../pipeline/SyncEngine.ts"
import { listingKind, SyncMode } from "../pipeline/SyncMode.ts"
import type { SyncSummary } from "../pipeline/SyncSummary.ts"
import { ManifestStore } from "../state/ManifestStore.ts"
import { RunStore } from "../state/RunStore.ts"
import { ConnectorAdapters } from "./ConnectorAdapters.ts"
import { allocateRun, executionListed, runOfExecution } from "./executionRuns.ts"
import { requestSettled } from "./requestSettled.ts"
import { isEntityRunning, SyncEntityWorkflow, SyncWorkflowConfig } from "./SyncEntityWorkflow.ts"
import { SyncSummarySchema } from "./SyncSummarySchema.ts"
import { SyncWorkflowError } from "./SyncWorkflowError.ts"
import { entityTriggerKey } from "./triggerKeys.ts"
import { WorkflowTriggers } from "./WorkflowTriggers.ts"

/**
 * The SyncEntity execution an entity's sync is carried by: `started` when the connector sync claimed
 * a new one (it must run it, or end it: see the workflow), and the running one it is queued behind.
 */
export const EntityClaim = Schema.Struct({
  seq: Schema.Number,
  mode: SyncMode,
  behind: Schema.optional(Schema.Number),
  started: Schema.optional(Schema.Boolean)
})
/** The SyncEntity execution an entity's sync is carried by. */
export type EntityClaim = typeof EntityClaim.Type

/** What a SyncConnector execution syncs. */
export const SyncConnectorPayload = Schema.Struct({
  connectorId: Schema.String,
  /** Only these entities (in dependency order among themselves); all when absent. */
  entities: Schema.optional(Schema.Array(Schema.String)),
  mode: SyncMode,
  seq: Schema.Number,
  /** The entities' syncs claimed when it was triggered (the others are claimed level by level). */
  claims: Schema.optional(Schema.Record(Schema.String, EntityClaim))
})
/** What a SyncConnector execution syncs. */
export type SyncConnectorPayload = typeof SyncConnectorPayload.Type

/** The SyncConnector workflow definition: each entity's summary, in the order they ran. */
export const SyncConnectorWorkflow = Workflow.make("SyncConnector", {
  payload: SyncConnectorPayload,
  success: Schema.Array(SyncSummarySchema),
  error: SyncWorkflowError,
  // Complete and incremental connector syncs are numbered apart (see `connectorTriggerKey`).
  idempotencyKey: (payload) =>
    listingKind(payload.mode) === "complete"
      ? `${payload.connectorId}/complete/${payload.seq}`
      : `${payload.connectorId}/${payload.seq}`
})

/** The entities grouped in levels: every entity comes after all of its parents' levels. */
export const dependencyLevels = (
  manifests: ReadonlyArray<EntityManifest>,
  wanted: ReadonlyArray<string> | undefined
): ReadonlyArray<ReadonlyArray<string>> => {
  const ordered = dependencyOrder(manifests)
  const level = new Map<string, number>()
  for (const manifest of ordered) {
    // Parents come first in `ordered`; a parent on a broken cycle counts as level 0.
    const parents = manifest.parents.map((parent) => level.get(parent.entity) ?? -1)
    level.set(manifest.entity, parents.length === 0 ? 0 : Math.max(...parents) + 1)
  }
  const levels: Array<Array<string>> = []
  for (const manifest of ordered) {
    if (wanted !== undefined && !wanted.includes(manifest.entity)) continue
    const at = level.get(manifest.entity) ?? 0
    while (levels.length <= at) levels.push([])
    levels[at]?.push(manifest.entity)
  }
  return levels.filter((entities) => entities.length > 0)
}

const Plan = Schema.Struct({
  levels: Schema.Array(Schema.Array(Schema.String)),
  /** Per entity, the entities that have it as a parent. */
  children: Schema.Record(Schema.String, Schema.Array(Schema.String))
})

const planActivity = (payload: SyncConnectorPayload) =>
  Activity.make({
    name: "plan",
    success: Plan,
    error: SyncWorkflowError,
    execute: Effect.gen(function* () {
      const adapters = yield* ConnectorAdapters
      const runtime = yield* adapters.runtime(payload.connectorId)
      const { manifests: discovered } = yield* freshManifests(
        payload.connectorId,
        runtime.adapter,
        runtime.discoveryTtl,
        runtime.changedAt
      )
      const children: Record<string, Array<string>> = {}
      for (const manifest of discovered) {
        for (const parent of manifest.parents) {
          children[parent.entity] = [...(children[parent.entity] ?? []), manifest.entity]
        }
      }
      return { levels: dependencyLevels(discovered, payload.entities), children }
    }).pipe(Effect.mapError(SyncWorkflowError.from))
  })

/**
 * An entity trigger for a connector sync (see `WorkflowTriggers.request`): when the entity's running
 * sync is closing, asks again once it has ended.
 */
export const requestEntity = (
  triggers: WorkflowTriggers["Service"],
  target: { readonly connectorId: string; readonly entity: string; readonly mode: SyncMode }
) =>
  Effect.gen(function* () {
    const isRunning = (seq: number) => isEntityRunning({ ...target, seq })
    const hasListed = (seq: number) =>
      Effect.flatMap(SyncEntityWorkflow.executionId({ ...target, seq }), executionListed)
    return yield* requestSettled(
      triggers,
      entityTriggerKey(target.connectorId, target.entity),
      target.mode,
      { isRunning, hasListed },
      "sync"
    )
  })

const claimActivity = (
  payload: SyncConnectorPayload,
  executionId: string,
  index: number,
  entities: ReadonlyArray<string>
) =>
  Activity.make({
    name: `claim/${index}`,
    success: Schema.Record(Schema.String, EntityClaim),
    error: SyncWorkflowError,
    execute: Effect.gen(function* () {
      const triggers = yield* WorkflowTriggers
      const claims: Record<string, EntityClaim> = {}
      for (const entity of entities) {
        const claimed = payload.claims?.[entity]
        if (claimed !== undefined) {
          claims[entity] = claimed
          continue
        }
        const { connectorId, mode } = payload
        const answer = yield* requestEntity(triggers, { connectorId, entity, mode })
        const entityExecution = yield* SyncEntityWorkflow.executionId({ connectorId, entity, mode, seq: answer.seq })
        const target = { connectorId, entity }
        if (answer.status === "running") {
          claims[entity] = { seq: answer.seq, mode: answer.mode }
          const runId = yield* runOfExecution(entityExecution)
          yield* RunStore.use((runStore) => runStore.linkRuns(executionId, [{ runId, ...target }]))
        } else {
          claims[entity] =
            answer.status === "queued"
              ? { seq: answer.seq, mode: answer.mode, behind: answer.behind }
              : { seq: answer.seq, mode: answer.mode, started: true }
          const listingMode = answer.status === "queued" ? undefined : answer.mode
          yield* allocateRun(entityExecution, target, listingMode, executionId)
        }
      }
      return claims
    }).pipe(Effect.mapError(SyncWorkflowError.from))
  })

const pendingActivity = (
  payload: SyncConnectorPayload,
  index: number,
  parents: ReadonlyArray<string>,
  children: Readonly<Record<string, ReadonlyArray<string>>>
) =>
  Activity.make({
    name: `pending/${index}`,
    error: SyncWorkflowError,
    execute: Effect.gen(function* () {
      const engine = yield* SyncEngine
      const manifestStore = yield* ManifestStore
      const manifests = (yield* manifestStore.listManifests(payload.connectorId)).map(
        (discovered) => discovered.manifest
      )
      const retried = new Set<string>()
      for (const parent of parents) {
        for (const child of children[parent] ?? []) {
          const manifest = manifests.find((m) => m.entity === child)
          if (manifest === undefined || retried.has(child)) continue
          retried.add(child)
          yield* engine.retryPendingChildren(payload.connectorId, manifest, manifests)
        }
      }
    }).pipe(Effect.mapError(SyncWorkflowError.from))
  })

/**
 * Ends the executions this connector sync claimed when it was triggered and did not run (the
 * connector's discovery failed, a parent failed, the entity is gone): each runs as a SyncEntity
 * execution that fails at once with `reason`, so its run is `failed` with the cause and what was
 * queued behind it starts.
 */
const endUnrun = (payload: SyncConnectorPayload, ran: ReadonlySet<string>, reason: string) =>
  Effect.forEach(
    Object.entries(payload.claims ?? {}).filter(([entity, claim]) => claim.started === true && !ran.has(entity)),
    ([entity, claim]) =>
      SyncEntityWorkflow.execute({
        connectorId: payload.connectorId,
        entity,
        mode: claim.mode,
        seq: claim.seq,
        skip: reason
      }).pipe(Effect.ignore),
    { discard: true }
  )

/** The SyncConnector workflow's implementation: register it on a runner. */
export const SyncConnectorWorkflowLayer = SyncConnectorWorkflow.toLayer(
  Effect.fnUntraced(function* (payload, executionId) {
    const settings = yield* SyncWorkflowConfig
    const ran = new Set<string>()
    const plan = yield* planActivity(payload).pipe(
      Effect.tapError((error) =>
        Effect.andThen(
          Effect.logError("connector sync failed").pipe(
            Effect.annotateLogs({
              connector: payload.connectorId,
              executionId,
              error: error.message
            })
          ),
          endUnrun(payload, ran, `not synced: the connector sync failed: ${error.message}`)
        )
      )
    )
    const summaries: Array<SyncSummary> = []
    for (const [index, level] of plan.levels.entries()) {
      const claims = yield* claimActivity(payload, executionId, index, level)
      for (const entity of level) ran.add(entity)
      const results = yield* Effect.forEach(
        level,
        (entity) => {
          const claim = claims[entity] ?? { seq: 1, mode: payload.mode }
          const execute = (seq: number, mode: SyncMode) =>
            SyncEntityWorkflow.execute({ connectorId: payload.connectorId, entity, mode, seq })
          // Queued: the running sync starts it when it ends; wait for that one first (whatever its outcome).
          const before = claim.behind === undefined ? Effect.void : Effect.ignore(execute(claim.behind, claim.mode))
          return Effect.andThen(before, execute(claim.seq, claim.mode)).pipe(Effect.result)
        },
        { concurrency: Math.max(1, settings.entityConcurrency ?? 4) }
      )
      const failures: Array<string> = []
      for (const [i, result] of results.entries()) {
        if (result._tag === "Success") summaries.push(result.success)
        else failures.push(`${level[i]}: ${result.failure.message}`)
      }
      if (failures.length > 0) {
        // Children of a failed parent would only be parked: stop here, with what did run.
        yield* endUnrun(payload, ran, `not synced: a parent entity failed (${failures.join("; ")})`)
        return yield* new SyncWorkflowError({ message: `entities failed: ${failures.join("; ")}` })
      }
      yield* pendingActivity(payload, index, level, plan.children)
    }
    yield* endUnrun(payload, ran, "not synced: the entity is no longer among the connector's discovered entities")
    return summaries
  })
)
