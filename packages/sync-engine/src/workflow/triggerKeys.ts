/**
 * How triggers name what they start, and whether an execution is still running: shared by the
 * SyncWorkflows service, the SyncConnector workflow and the scheduler.
 */
import { Effect } from "effect"
import { type SyncEntityPayload, SyncEntityWorkflow } from "./SyncEntityWorkflow.ts"

/** The trigger key of an entity's syncs. */
export const entityTriggerKey = (connectorId: string, entity: string): string => `entity:${connectorId}/${entity}`

/** The trigger key of a connector-wide sync. */
export const connectorTriggerKey = (connectorId: string): string => `connector:${connectorId}`

/** The schedule key of an entity. */
export const scheduleKey = (connectorId: string, entity: string): string => `schedule:${connectorId}/${entity}`

/**
 * Whether the SyncEntity execution of this payload has not completed: no result yet (running, or
 * about to start) or suspended.
 */
export const isEntityRunning = (payload: SyncEntityPayload) =>
  Effect.gen(function* () {
    const executionId = yield* SyncEntityWorkflow.executionId(payload)
    const result = yield* SyncEntityWorkflow.poll(executionId)
    return result._tag === "None" || result.value._tag === "Suspended"
  })
