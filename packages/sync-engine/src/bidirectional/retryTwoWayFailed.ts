/**
 * Retries failed records of a two-way definition now (a manual retry from the API or the CLI): the
 * records are claimed (their attempt counted), then one incremental cycle runs, which tries every
 * record the connector refused again. A record whose key the cycle wrote is closed (resolved); one
 * refused again stays open under a new failed record of its key (still waiting).
 */
import { Effect } from "effect"
import type { SyncDefinition } from "../definitions/SyncDefinition.ts"
import { noRetries, type RetryOutcome } from "../pipeline/retryFailedBatch.ts"
import { FailedRecordStore } from "../state/FailedRecordStore.ts"
import { openFailedKeys } from "./refusedWrites.ts"
import { runTwoWayDefinition } from "./runTwoWayDefinition.ts"

/** Retries the two-way definition's failed records `ids` by one cycle (see the module comment). */
export const retryTwoWayFailed = Effect.fnUntraced(function* (definition: SyncDefinition, ids: ReadonlyArray<string>) {
  const store = yield* FailedRecordStore
  const taken = yield* store.takeFailedRecords(ids)
  if (taken.length === 0) return noRetries
  yield* runTwoWayDefinition(definition)
  const open = yield* openFailedKeys({
    definitionId: definition.id,
    connectorId: definition.source.connectorId,
    entity: definition.source.entity
  })
  const stillWaiting = taken.filter((record) => record.businessKey !== null && open.has(record.businessKey)).length
  const outcome: RetryOutcome = { ...noRetries, resolved: taken.length - stillWaiting, stillWaiting }
  return outcome
})
