/**
 * The entry point to durable syncs: starts the SyncEntity, SyncConnector, SyncDefinition and
 * TwoWayCycle workflows on the cluster (one in-process runner by default, or several sharing the database) and reads their
 * outcome. The server's triggers, webhooks and scheduler go through it.
 */
import { Context, Effect, Layer, Option } from "effect"
import type { SqlClient, SqlError } from "effect/sql"
import type { WorkflowEngine } from "effect/workflow"
import type { SyncDefinition } from "../definitions/SyncDefinition.ts"
import type { SyncEngine } from "../pipeline/SyncEngine.ts"
import type { SyncMode } from "../pipeline/SyncMode.ts"
import type { SyncSummary } from "../pipeline/SyncSummary.ts"
import type { CheckpointStore } from "../state/CheckpointStore.ts"
import type { ConnectorStore } from "../state/ConnectorStore.ts"
import { EntityLeases } from "../state/EntityLeases.ts"
import type { FailedRecordStore } from "../state/FailedRecordStore.ts"
import { ManifestStore } from "../state/ManifestStore.ts"
import { RunStore } from "../state/RunStore.ts"
import type { ConnectorAdapters } from "./ConnectorAdapters.ts"
import { allocateRun, executionListed, runOfExecution } from "./executionRuns.ts"
import * as Statuses from "./executionStatus.ts"
import {
  dependencyLevels,
  type EntityClaim,
  requestEntity,
  SyncConnectorWorkflow,
  SyncConnectorWorkflowLayer
} from "./SyncConnectorWorkflow.ts"
import { type DefinitionRunAnswer, SyncDefinitionWorkflowLayer, triggerDefinition } from "./SyncDefinitionWorkflow.ts"
import {
  isEntityRunning,
  SyncEntityWorkflow,
  SyncEntityWorkflowLayer,
  SyncWorkflowConfig,
  type SyncWorkflowSettings
} from "./SyncEntityWorkflow.ts"
import { SyncWorkflowError } from "./SyncWorkflowError.ts"
import { type TwoWayCycleAnswer, TwoWayCycleWorkflowLayer, triggerTwoWayCycle } from "./TwoWayCycleWorkflow.ts"
import { connectorTriggerKey, entityTriggerKey } from "./triggerKeys.ts"
import { signalOnRelease, WorkflowShutdown } from "./WorkflowShutdown.ts"
import { WorkflowTriggers } from "./WorkflowTriggers.ts"

export type {
  ConnectorStatus,
  ConnectorTrigger,
  ConnectorTriggerRun,
  EntityTrigger,
  StartConnectorSync,
  StartEntitySync,
  SyncStatus
} from "./SyncTriggerAnswers.ts"
export { SyncWorkflowError } from "./SyncWorkflowError.ts"

import { requestSettled } from "./requestSettled.ts"
import type {
  ConnectorStatus,
  ConnectorTrigger,
  ConnectorTriggerRun,
  EntityTrigger,
  StartConnectorSync,
  StartEntitySync,
  SyncStatus
} from "./SyncTriggerAnswers.ts"

/** Durable syncs on the cluster. */
export class SyncWorkflows extends Context.Service<
  SyncWorkflows,
  {
    /**
     * Triggers an entity's sync without waiting: starts it, joins the running one that covers it, or
     * queues it behind the running one (see `EntityTrigger`).
     */
    readonly triggerEntity: (request: StartEntitySync) => Effect.Effect<EntityTrigger, SyncWorkflowError>
    /** `triggerEntity`, returning only the id of the execution that carries the request. */
    readonly startEntity: (request: StartEntitySync) => Effect.Effect<string, SyncWorkflowError>
    /**
     * Triggers a connector's sync without waiting: starts it (claiming each known entity's sync,
     * parents first), or joins the one running; the answer names each entity's run.
     */
    readonly triggerConnector: (request: StartConnectorSync) => Effect.Effect<ConnectorTrigger, SyncWorkflowError>
    /** `triggerConnector`, returning only the connector sync's execution id. */
    readonly startConnector: (request: StartConnectorSync) => Effect.Effect<string, SyncWorkflowError>
    /** Runs a connector's sync to the end and returns each entity's summary. */
    readonly runConnector: (request: StartConnectorSync) => Effect.Effect<ReadonlyArray<SyncSummary>, SyncWorkflowError>
    /** Where an entity sync started by `startEntity` stands (any runner may be running it). */
    readonly entityStatus: (executionId: string) => Effect.Effect<SyncStatus>
    /** Waits for an entity sync started by `startEntity` to end, polling the shared storage. */
    readonly awaitEntity: (executionId: string) => Effect.Effect<SyncSummary, SyncWorkflowError>
    /**
     * Waits for a connector sync started by `triggerConnector` to end, polling the shared storage
     * (any runner may be running it), and returns each entity's summary.
     */
    readonly awaitConnector: (executionId: string) => Effect.Effect<ReadonlyArray<SyncSummary>, SyncWorkflowError>
    /**
     * Whether a connector-wide sync of the connector (incremental or complete) has been started and
     * has not ended: the scheduler leaves the connector's entities to it (see `SyncScheduler.tick`).
     */
    readonly connectorSyncing: (connectorId: string) => Effect.Effect<boolean, SyncWorkflowError>
    /** Whether a sync of the entity has been started (or claimed by a connector sync) and has not ended. */
    readonly entitySyncing: (connectorId: string, entity: string) => Effect.Effect<boolean, SyncWorkflowError>
    /**
     * Where an execution (of an entity or a connector sync) stands; `None` when no execution has this
     * id. Its runs are `RunStore.executionRuns`.
     */
    readonly executionStatus: (executionId: string) => Effect.Effect<Option.Option<SyncStatus | ConnectorStatus>>
    /** Triggers a run of a (non-default) sync definition through its durable workflow (see `SyncDefinitionWorkflow`). */
    readonly triggerDefinition: (
      definition: SyncDefinition,
      mode: SyncMode
    ) => Effect.Effect<DefinitionRunAnswer, SyncWorkflowError>
    /**
     * Triggers a durable cycle of a two-way definition (`direction: "bidirectional"`): started, or
     * queued behind the running one (see `TwoWayCycleWorkflow`).
     */
    readonly triggerTwoWay: (
      definition: SyncDefinition,
      mode: SyncMode
    ) => Effect.Effect<TwoWayCycleAnswer, SyncWorkflowError>
  }
>()("@syncflow/sync-engine/workflow/SyncWorkflows") {
  /**
   * The service over a running workflow engine, with both workflows registered on it. Every runner
   * of a cluster builds this layer (with the same settings), so any of them can run any execution.
   */
  static readonly layerWith = (
    settings: SyncWorkflowSettings = {}
  ): Layer.Layer<
    SyncWorkflows | WorkflowTriggers | EntityLeases,
    SqlError.SqlError,
    | WorkflowEngine.WorkflowEngine
    | SyncEngine
    | ConnectorStore
    | ManifestStore
    | RunStore
    | CheckpointStore
    | FailedRecordStore
    | ConnectorAdapters
    | SqlClient.SqlClient
  > =>
    Layer.effect(
      SyncWorkflows,
      Effect.gen(function* () {
        const triggers = yield* WorkflowTriggers
        const manifestStore = yield* ManifestStore
        const runStore = yield* RunStore
        const context = yield* Effect.context<
          WorkflowEngine.WorkflowEngine | ManifestStore | RunStore | CheckpointStore
        >()
        // Released first on shutdown: window activities stop before the cluster drains (see WorkflowShutdown).
        yield* signalOnRelease

        const triggerEntity = Effect.fn("SyncWorkflows.triggerEntity")(
          function* (request: StartEntitySync) {
            const key = entityTriggerKey(request.connectorId, request.entity)
            const idOf = (seq: number) =>
              SyncEntityWorkflow.executionId({
                connectorId: request.connectorId,
                entity: request.entity,
                mode: request.mode,
                seq
              })
            const running = (seq: number) =>
              isEntityRunning({ connectorId: request.connectorId, entity: request.entity, mode: request.mode, seq })
            const answer = yield* requestSettled(
              triggers,
              key,
              request.mode,
              {
                followUp: request.followUp,
                isRunning: running,
                hasListed: (seq) => Effect.flatMap(idOf(seq), executionListed)
              },
              "sync"
            )
            const { connectorId, entity } = request
            switch (answer.status) {
              case "running": {
                const executionId = yield* idOf(answer.seq)
                return {
                  status: "joined",
                  executionId,
                  runId: yield* runOfExecution(executionId),
                  mode: answer.mode
                } as const
              }
              case "queued": {
                // The running execution starts it when it closes.
                const executionId = yield* idOf(answer.seq)
                const behind = yield* idOf(answer.behind)
                return {
                  status: "queued",
                  executionId,
                  // Its listing is decided when it starts (after the running one): a new run.
                  runId: yield* allocateRun(executionId, { connectorId, entity }, undefined),
                  mode: answer.mode,
                  behind,
                  behindRunId: yield* runOfExecution(behind)
                } as const
              }
              case "started": {
                const payload = {
                  connectorId,
                  entity,
                  mode: answer.mode,
                  ...(request.recordIds === undefined ? {} : { recordIds: request.recordIds }),
                  seq: answer.seq
                }
                const listingMode =
                  payload.recordIds !== undefined && payload.recordIds.length > 0 ? "incremental" : answer.mode
                const runId = yield* allocateRun(yield* idOf(answer.seq), { connectorId, entity }, listingMode)
                const executionId = yield* SyncEntityWorkflow.execute(payload, { discard: true })
                return { status: "started", executionId, runId, mode: answer.mode } as const
              }
            }
          },
          Effect.mapError(SyncWorkflowError.from),
          Effect.provideContext(context)
        )

        const startEntity = (request: StartEntitySync) =>
          Effect.map(triggerEntity(request), (trigger) => trigger.executionId)

        /**
         * Claims the sync of each entity the connector sync will carry (the known ones, parents
         * first), as an entity trigger would: the connector sync's payload carries the claims, and
         * its execution is linked with their runs.
         */
        const claimEntities = Effect.fnUntraced(function* (request: StartConnectorSync, executionId: string) {
          const { connectorId, mode } = request
          const manifests = (yield* manifestStore.listManifests(connectorId)).map((discovered) => discovered.manifest)
          const claims: Record<string, EntityClaim> = {}
          const runs: Array<ConnectorTriggerRun> = []
          for (const entity of dependencyLevels(manifests, request.entities).flat()) {
            const answer = yield* requestEntity(triggers, { connectorId, entity, mode })
            const target = { connectorId, entity }
            const entityExecution = yield* SyncEntityWorkflow.executionId({
              connectorId,
              entity,
              mode,
              seq: answer.seq
            })
            switch (answer.status) {
              case "started": {
                claims[entity] = { seq: answer.seq, mode: answer.mode, started: true }
                const runId = yield* allocateRun(entityExecution, target, answer.mode, executionId)
                runs.push({ entity, status: "started", executionId: entityExecution, runId })
                break
              }
              case "running": {
                claims[entity] = { seq: answer.seq, mode: answer.mode }
                const runId = yield* runOfExecution(entityExecution)
                yield* runStore.linkRuns(executionId, [{ runId, ...target }])
                runs.push({ entity, status: "joined", executionId: entityExecution, runId })
                break
              }
              case "queued": {
                claims[entity] = { seq: answer.seq, mode: answer.mode, behind: answer.behind }
                const runId = yield* allocateRun(entityExecution, target, undefined, executionId)
                runs.push({ entity, status: "queued", executionId: entityExecution, runId })
                break
              }
            }
          }
          return { claims, runs }
        })

        /** The runs a connector sync carries, as its links list them (a joined trigger's answer). */
        const runsOfConnector = Effect.fnUntraced(function* (executionId: string) {
          const links = (yield* runStore.executionRuns(executionId)).filter((link) => link.executionId === executionId)
          const runs: Array<ConnectorTriggerRun> = []
          for (const link of links) {
            // The entity execution that carries the run is linked with it too.
            const carriers = yield* runStore.executionRuns(link.runId)
            const entityExecution = carriers.find((other) => other.executionId !== executionId)?.executionId
            runs.push({
              entity: link.entity,
              status: "joined",
              executionId: entityExecution ?? executionId,
              runId: link.runId
            })
          }
          return runs
        })

        const connectorTrigger = Effect.fnUntraced(function* (request: StartConnectorSync) {
          const { connectorId, mode } = request
          const claim = yield* triggers.claim(connectorTriggerKey(connectorId, mode), (seq) =>
            Effect.gen(function* () {
              const executionId = yield* SyncConnectorWorkflow.executionId({ connectorId, mode, seq })
              const result = yield* SyncConnectorWorkflow.poll(executionId)
              return result._tag === "None" || result.value._tag === "Suspended"
            })
          )
          const executionId = yield* SyncConnectorWorkflow.executionId({ connectorId, mode, seq: claim.seq })
          const base = {
            connectorId,
            mode,
            ...(request.entities === undefined ? {} : { entities: request.entities }),
            seq: claim.seq
          }
          if (!claim.fresh) {
            const runs = yield* runsOfConnector(executionId)
            return { payload: base, answer: { status: "joined", executionId, mode, runs } as const }
          }
          const { claims, runs } = yield* claimEntities(request, executionId)
          return { payload: { ...base, claims }, answer: { status: "started", executionId, mode, runs } as const }
        })

        const triggerConnector = Effect.fn("SyncWorkflows.triggerConnector")(
          function* (request: StartConnectorSync) {
            const { payload, answer } = yield* connectorTrigger(request)
            yield* SyncConnectorWorkflow.execute(payload, { discard: true })
            return answer
          },
          Effect.mapError(SyncWorkflowError.from),
          Effect.provideContext(context)
        )

        const startConnector = (request: StartConnectorSync) =>
          Effect.map(triggerConnector(request), (trigger) => trigger.executionId)

        const runConnector = Effect.fn("SyncWorkflows.runConnector")(
          function* (request: StartConnectorSync) {
            const { payload } = yield* connectorTrigger(request)
            return yield* SyncConnectorWorkflow.execute(payload)
          },
          Effect.mapError(SyncWorkflowError.from),
          Effect.provideContext(context)
        )

        const entityStatus = (executionId: string) =>
          Statuses.entityStatus(executionId).pipe(Effect.provideContext(context))
        const awaitEntity = (executionId: string) =>
          Statuses.awaitEntity(executionId).pipe(Effect.provideContext(context))
        const awaitConnector = (executionId: string) =>
          Statuses.awaitConnector(executionId).pipe(Effect.provideContext(context))

        const connectorSyncing = Effect.fn("SyncWorkflows.connectorSyncing")(
          function* (connectorId: string) {
            // Incremental and complete connector syncs are numbered apart (see `connectorTriggerKey`).
            for (const mode of ["incremental", "reconcile"] as const) {
              const seq = yield* triggers.current(connectorTriggerKey(connectorId, mode))
              if (seq === 0) continue
              const executionId = yield* SyncConnectorWorkflow.executionId({ connectorId, mode, seq })
              const result = yield* SyncConnectorWorkflow.poll(executionId)
              if (Option.isNone(result) || result.value._tag === "Suspended") return true
            }
            return false
          },
          Effect.mapError(SyncWorkflowError.from),
          Effect.provideContext(context)
        )

        const entitySyncing = Effect.fn("SyncWorkflows.entitySyncing")(
          function* (connectorId: string, entity: string) {
            const seq = yield* triggers.current(entityTriggerKey(connectorId, entity))
            if (seq === 0) return false
            return yield* isEntityRunning({ connectorId, entity, mode: "incremental", seq })
          },
          Effect.mapError(SyncWorkflowError.from),
          Effect.provideContext(context)
        )

        const executionStatus = (executionId: string) =>
          Statuses.executionStatus(executionId).pipe(Effect.provideContext(context))

        return SyncWorkflows.of({
          triggerDefinition: (definition, mode) =>
            triggerDefinition(definition, mode).pipe(
              Effect.provideService(WorkflowTriggers, triggers),
              Effect.provideContext(context),
              Effect.mapError(SyncWorkflowError.from)
            ),
          triggerTwoWay: (definition, mode) =>
            triggerTwoWayCycle(definition, mode).pipe(
              Effect.provideService(WorkflowTriggers, triggers),
              Effect.provideContext(context),
              Effect.mapError(SyncWorkflowError.from)
            ),
          triggerConnector,
          entitySyncing,
          executionStatus,
          triggerEntity,
          startEntity,
          startConnector,
          runConnector,
          entityStatus,
          awaitEntity,
          awaitConnector,
          connectorSyncing
        })
      })
    ).pipe(
      Layer.provideMerge(
        Layer.mergeAll(
          SyncEntityWorkflowLayer,
          SyncConnectorWorkflowLayer,
          SyncDefinitionWorkflowLayer,
          TwoWayCycleWorkflowLayer
        )
      ),
      Layer.provideMerge(WorkflowTriggers.layer),
      Layer.provideMerge(EntityLeases.layer),
      Layer.provideMerge(WorkflowShutdown.layer),
      Layer.provide(Layer.succeed(SyncWorkflowConfig, settings))
    )

  /** The service with the default settings (windows of 10,000 records, 4 entities at once). */
  static readonly layer = SyncWorkflows.layerWith()
}
