/**
 * Where a durable sync stands, read from the shared workflow storage (so any process can ask,
 * whichever runner runs it), and waiting for its end: an entity's, a definition's or a connector's
 * execution. The reads behind `SyncWorkflows`' `entityStatus`, `awaitEntity`, `awaitConnector` and
 * `executionStatus`.
 */
import { type Cause, Duration, Effect, Option, Schedule } from "effect"
import { RunStore } from "../state/RunStore.ts"
import { SyncConnectorWorkflow } from "./SyncConnectorWorkflow.ts"
import { SyncDefinitionWorkflow } from "./SyncDefinitionWorkflow.ts"
import { SyncEntityWorkflow } from "./SyncEntityWorkflow.ts"
import type { ConnectorStatus, SyncStatus } from "./SyncTriggerAnswers.ts"
import { SyncWorkflowError } from "./SyncWorkflowError.ts"

/** The message of a failed execution's error (or that it died). */
const failureOf = (cause: Cause.Cause<SyncWorkflowError>): string => {
  const error = cause.reasons.find((reason) => reason._tag === "Fail")
  return error?._tag === "Fail" ? error.error.message : "the sync died"
}

/** An entity's (or a definition's) status from its workflow's result: `Running` while it has none or is suspended. */
const syncStatusOf = (result: Effect.Success<ReturnType<typeof SyncEntityWorkflow.poll>>): SyncStatus => {
  if (Option.isNone(result) || result.value._tag === "Suspended") return { _tag: "Running" }
  const exit = result.value.exit
  return exit._tag === "Success"
    ? { _tag: "Succeeded", summary: exit.value }
    : { _tag: "Failed", message: failureOf(exit.cause) }
}

/** A connector sync's status from its workflow's result: `Running` while it has none or is suspended. */
const connectorStatusOf = (result: Effect.Success<ReturnType<typeof SyncConnectorWorkflow.poll>>): ConnectorStatus => {
  if (Option.isNone(result) || result.value._tag === "Suspended") return { _tag: "Running" }
  const exit = result.value.exit
  return exit._tag === "Success"
    ? { _tag: "Succeeded", summaries: exit.value }
    : { _tag: "Failed", message: failureOf(exit.cause) }
}

/** Where an entity sync stands. */
export const entityStatus = (executionId: string) => Effect.map(SyncEntityWorkflow.poll(executionId), syncStatusOf)

/** Where a connector sync stands. */
export const connectorStatus = (executionId: string) =>
  Effect.map(SyncConnectorWorkflow.poll(executionId), connectorStatusOf)

/** Polls a status until it is no longer `Running`: quickly at first, then every 2 seconds. */
const untilEnded = <S extends { readonly _tag: string }, E, R>(status: Effect.Effect<S, E, R>) =>
  Effect.repeat(status, {
    until: (current) => current._tag !== "Running",
    schedule: Schedule.min([Schedule.exponential(Duration.millis(100), 1.5), Schedule.spaced("2 seconds")])
  })

/** Waits for an entity sync to end: its summary, or its failure. */
export const awaitEntity = (executionId: string) =>
  Effect.flatMap(untilEnded(entityStatus(executionId)), (status) =>
    status._tag === "Succeeded"
      ? Effect.succeed(status.summary)
      : Effect.fail(new SyncWorkflowError({ message: status._tag === "Failed" ? status.message : "running" }))
  )

/** Waits for a connector sync to end: each entity's summary, or its failure. */
export const awaitConnector = (executionId: string) =>
  Effect.flatMap(untilEnded(connectorStatus(executionId)), (status) =>
    status._tag === "Succeeded"
      ? Effect.succeed(status.summaries)
      : Effect.fail(new SyncWorkflowError({ message: status._tag === "Failed" ? status.message : "running" }))
  )

/**
 * Where any execution stands (an entity's, a definition's or a connector's); `None` when no
 * execution has this id.
 */
export const executionStatus = Effect.fnUntraced(function* (executionId: string) {
  // An entity's and a definition's execution both end in one summary.
  const entity = yield* SyncEntityWorkflow.poll(executionId)
  const found = Option.isSome(entity) ? entity : yield* SyncDefinitionWorkflow.poll(executionId)
  if (Option.isSome(found)) return Option.some<SyncStatus | ConnectorStatus>(syncStatusOf(found))
  const connector = yield* SyncConnectorWorkflow.poll(executionId)
  if (Option.isSome(connector)) return Option.some<SyncStatus | ConnectorStatus>(connectorStatusOf(connector))
  // No result yet: running (or about to start) when a trigger linked runs with it.
  const links = yield* RunStore.use((runs) => runs.executionRuns(executionId)).pipe(Effect.orElseSucceed(() => []))
  return links.some((link) => link.executionId === executionId)
    ? Option.some<SyncStatus | ConnectorStatus>({ _tag: "Running" })
    : Option.none()
})
