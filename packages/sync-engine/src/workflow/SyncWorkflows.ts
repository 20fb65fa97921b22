/**
 * The entry point to durable syncs: starts the SyncEntity and SyncConnector workflows on the
 * cluster (one in-process runner by default, or several sharing the database) and reads their
 * outcome. The server's triggers, webhooks and scheduler go through it.
 */
import { Context, Duration, Effect, Layer, Option, Schedule } from "effect"
import type { SqlClient, SqlError } from "effect/sql"
import type { WorkflowEngine } from "effect/workflow"
import type { SyncEngine } from "../pipeline/SyncEngine.ts"
import type { SyncMode } from "../pipeline/SyncMode.ts"
import type { SyncSummary } from "../pipeline/SyncSummary.ts"
import { EntityLeases } from "../state/EntityLeases.ts"
import type { StateStore } from "../state/StateStore.ts"
import type { ConnectorAdapters } from "./ConnectorAdapters.ts"
import { SyncConnectorWorkflow, SyncConnectorWorkflowLayer } from "./SyncConnectorWorkflow.ts"
import {
  isEntityRunning,
  SyncEntityWorkflow,
  SyncEntityWorkflowLayer,
  SyncWorkflowConfig,
  type SyncWorkflowSettings
} from "./SyncEntityWorkflow.ts"
import { SyncWorkflowError } from "./SyncWorkflowError.ts"
import { connectorTriggerKey, entityTriggerKey } from "./triggerKeys.ts"
import { signalOnRelease, WorkflowShutdown } from "./WorkflowShutdown.ts"
import { WorkflowTriggers } from "./WorkflowTriggers.ts"

export { SyncWorkflowError } from "./SyncWorkflowError.ts"

/** Start one entity's sync. */
export interface StartEntitySync {
  readonly connectorId: string
  readonly entity: string
  readonly mode: SyncMode
  /**
   * The records a webhook said changed: a targeted sync. Adapters list entities, not single records,
   * so a targeted sync may read more than these (the workflow documents what it does).
   */
  readonly recordIds?: ReadonlyArray<string> | undefined
  /**
   * While a sync of the entity runs: `true` queues one more (incremental) sync after it, so a change
   * that came after the running listing passed it is not missed (what a webhook wants). Otherwise a
   * running sync that covers the mode is joined and any other mode is queued (see `EntityTrigger`).
   */
  readonly followUp?: boolean | undefined
}

/**
 * What an entity trigger did: `started` a sync; joined the one `running` (any request while a
 * complete listing runs, an incremental one while an incremental one runs); or `queued` a complete
 * listing behind the running incremental sync `behind`, which starts it when it ends. `executionId` is the sync that carries the request and
 * `mode` the mode it runs in (a queued complete listing absorbs a queued incremental one).
 */
export type EntityTrigger =
  | { readonly status: "started" | "running"; readonly executionId: string; readonly mode: SyncMode }
  | { readonly status: "queued"; readonly executionId: string; readonly mode: SyncMode; readonly behind: string }

/** Start a connector's sync: every entity (or the named ones), parents first. */
export interface StartConnectorSync {
  readonly connectorId: string
  readonly entities?: ReadonlyArray<string> | undefined
  readonly mode: SyncMode
}

/** Where a started sync stands. */
export type SyncStatus =
  | { readonly _tag: "Running" }
  | { readonly _tag: "Succeeded"; readonly summary: SyncSummary }
  | { readonly _tag: "Failed"; readonly message: string }

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
    /** Starts a connector's sync and returns its execution id without waiting. */
    readonly startConnector: (request: StartConnectorSync) => Effect.Effect<string, SyncWorkflowError>
    /** Runs a connector's sync to the end and returns each entity's summary. */
    readonly runConnector: (request: StartConnectorSync) => Effect.Effect<ReadonlyArray<SyncSummary>, SyncWorkflowError>
    /** Where an entity sync started by `startEntity` stands (any runner may be running it). */
    readonly entityStatus: (executionId: string) => Effect.Effect<SyncStatus>
    /** Waits for an entity sync started by `startEntity` to end, polling the shared storage. */
    readonly awaitEntity: (executionId: string) => Effect.Effect<SyncSummary, SyncWorkflowError>
    /**
     * Whether a connector-wide sync of the connector (incremental or complete) has been started and
     * has not ended: the scheduler leaves the connector's entities to it (see `SyncScheduler.tick`).
     */
    readonly connectorSyncing: (connectorId: string) => Effect.Effect<boolean, SyncWorkflowError>
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
    WorkflowEngine.WorkflowEngine | SyncEngine | StateStore | ConnectorAdapters | SqlClient.SqlClient
  > =>
    Layer.effect(
      SyncWorkflows,
      Effect.gen(function* () {
        const triggers = yield* WorkflowTriggers
        const context = yield* Effect.context<WorkflowEngine.WorkflowEngine>()
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
            const ask = triggers.request(key, request.mode, { followUp: request.followUp, isRunning: running })
            let answer = yield* ask
            if (answer.status === "closing") {
              // The running execution has closed (it is ending): once it has ended, ask again.
              yield* running(answer.seq).pipe(
                Effect.repeat({ until: (stillRunning) => !stillRunning, schedule: Schedule.spaced("50 millis") }),
                Effect.timeoutOrElse({
                  duration: "30 seconds",
                  orElse: () => Effect.fail(new SyncWorkflowError({ message: "the running sync did not end" }))
                })
              )
              answer = yield* ask
            }
            switch (answer.status) {
              case "closing":
                return yield* new SyncWorkflowError({ message: "the running sync did not end" })
              case "running":
                return { status: "running", executionId: yield* idOf(answer.seq), mode: answer.mode } as const
              case "queued":
                // The running execution starts it when it closes.
                return {
                  status: "queued",
                  executionId: yield* idOf(answer.seq),
                  mode: answer.mode,
                  behind: yield* idOf(answer.behind)
                } as const
              case "started": {
                const executionId = yield* SyncEntityWorkflow.execute(
                  {
                    connectorId: request.connectorId,
                    entity: request.entity,
                    mode: answer.mode,
                    ...(request.recordIds === undefined ? {} : { recordIds: request.recordIds }),
                    seq: answer.seq
                  },
                  { discard: true }
                )
                return { status: "started", executionId, mode: answer.mode } as const
              }
            }
          },
          Effect.mapError(SyncWorkflowError.from),
          Effect.provideContext(context)
        )

        const startEntity = (request: StartEntitySync) =>
          Effect.map(triggerEntity(request), (trigger) => trigger.executionId)

        const connectorPayload = Effect.fnUntraced(function* (request: StartConnectorSync) {
          const claim = yield* triggers.claim(connectorTriggerKey(request.connectorId, request.mode), (seq) =>
            Effect.gen(function* () {
              const executionId = yield* SyncConnectorWorkflow.executionId({
                connectorId: request.connectorId,
                mode: request.mode,
                seq
              })
              const result = yield* SyncConnectorWorkflow.poll(executionId)
              return result._tag === "None" || result.value._tag === "Suspended"
            })
          )
          return {
            connectorId: request.connectorId,
            mode: request.mode,
            ...(request.entities === undefined ? {} : { entities: request.entities }),
            seq: claim.seq
          }
        })

        const startConnector = Effect.fn("SyncWorkflows.startConnector")(
          function* (request: StartConnectorSync) {
            return yield* SyncConnectorWorkflow.execute(yield* connectorPayload(request), { discard: true })
          },
          Effect.mapError(SyncWorkflowError.from),
          Effect.provideContext(context)
        )

        const runConnector = Effect.fn("SyncWorkflows.runConnector")(
          function* (request: StartConnectorSync) {
            return yield* SyncConnectorWorkflow.execute(yield* connectorPayload(request))
          },
          Effect.mapError(SyncWorkflowError.from),
          Effect.provideContext(context)
        )

        const entityStatus = (executionId: string): Effect.Effect<SyncStatus> =>
          SyncEntityWorkflow.poll(executionId).pipe(
            Effect.map((result): SyncStatus => {
              if (Option.isNone(result) || result.value._tag === "Suspended") return { _tag: "Running" }
              const exit = result.value.exit
              if (exit._tag === "Success") return { _tag: "Succeeded", summary: exit.value }
              const error = exit.cause.reasons.find((reason) => reason._tag === "Fail")
              return { _tag: "Failed", message: error?._tag === "Fail" ? error.error.message : "the sync died" }
            }),
            Effect.provideContext(context)
          )

        const awaitEntity = (executionId: string) =>
          entityStatus(executionId).pipe(
            Effect.repeat({
              until: (status) => status._tag !== "Running",
              schedule: Schedule.min([Schedule.exponential(Duration.millis(100), 1.5), Schedule.spaced("2 seconds")])
            }),
            Effect.flatMap((status) =>
              status._tag === "Succeeded"
                ? Effect.succeed(status.summary)
                : Effect.fail(new SyncWorkflowError({ message: status._tag === "Failed" ? status.message : "running" }))
            )
          )

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

        return SyncWorkflows.of({
          triggerEntity,
          startEntity,
          startConnector,
          runConnector,
          entityStatus,
          awaitEntity,
          connectorSyncing
        })
      })
    ).pipe(
      Layer.provideMerge(Layer.mergeAll(SyncEntityWorkflowLayer, SyncConnectorWorkflowLayer)),
      Layer.provideMerge(WorkflowTriggers.layer),
      Layer.provideMerge(EntityLeases.layer),
      Layer.provideMerge(WorkflowShutdown.layer),
      Layer.provide(Layer.succeed(SyncWorkflowConfig, settings))
    )

  /** The service with the default settings (windows of 10,000 records, 4 entities at once). */
  static readonly layer = SyncWorkflows.layerWith()
}
