/**
 * Retrying failed records by hand: exactly the records named, through today's configuration, as
 * the automatic retries do; an entity's default-sync records through the connector's current
 * stages, a sync definition's through its definition (mapping, filters, destination). Records are
 * retried a group (connector, entity, definition) at a time.
 */
import {
  type ConnectorAdapters,
  type ConnectorStore,
  type FailedRecord,
  type FailedRecordStore,
  ManifestStore,
  noRetries,
  type PendingChildStore,
  type RetryOutcome,
  type RunStore,
  retryDefinitionFailed,
  SyncDefinitions,
  SyncEngine
} from "@syncflow/sync-engine"
import { Effect, Option } from "effect"
import type { SqlClient } from "effect/sql"
import { ConnectorRuntimes } from "../../connectors/ConnectorRuntimes.ts"
import { Unavailable } from "../ApiErrors.ts"
import { unavailable } from "./common.ts"

/** What a retry of many records did: the engine's outcome, and the groups it could not retry. */
export interface ManyRetried extends RetryOutcome {
  /** Records not retried: their entity is no longer discovered, or their connector cannot run. */
  readonly skipped: number
  /** Why each group of skipped records was not retried. */
  readonly errors: ReadonlyArray<string>
}

/** The records of one connector, entity and definition. */
const groupsOf = (records: ReadonlyArray<FailedRecord>): ReadonlyArray<ReadonlyArray<FailedRecord>> => {
  const groups = new Map<string, Array<FailedRecord>>()
  for (const record of records) {
    const key = JSON.stringify([record.connectorId, record.entity, Option.getOrNull(record.definitionId)])
    const group = groups.get(key)
    if (group === undefined) groups.set(key, [record])
    else group.push(record)
  }
  return [...groups.values()]
}

/** The retry of failed records, over the server's engine, connector runtimes and definitions. */
export const makeFailedRecordRetries = Effect.gen(function* () {
  const manifestStore = yield* ManifestStore
  const engine = yield* SyncEngine
  const runtimes = yield* ConnectorRuntimes
  const definitions = yield* SyncDefinitions
  const context = yield* Effect.context<
    | ConnectorAdapters
    | ConnectorStore
    | ManifestStore
    | SyncEngine
    | SqlClient.SqlClient
    | FailedRecordStore
    | PendingChildStore
    | RunStore
  >()

  /** Retries records of one connector, entity and definition. */
  const retryGroup = Effect.fnUntraced(function* (group: ReadonlyArray<FailedRecord>) {
    const [first] = group
    if (first === undefined) return noRetries
    const ids = group.map((record) => record.id)
    if (Option.isSome(first.definitionId)) {
      const definitionId = first.definitionId.value
      const definition = yield* unavailable(definitions.get(definitionId))
      if (Option.isNone(definition)) {
        return yield* new Unavailable({ detail: `Definition ${definitionId} no longer exists` })
      }
      return yield* retryDefinitionFailed(definition.value, ids).pipe(
        Effect.mapError((error) => new Unavailable({ detail: error.message })),
        Effect.provideContext(context)
      )
    }
    const manifests = yield* unavailable(manifestStore.listManifests(first.connectorId))
    const manifest = manifests.find((entity) => entity.entity === first.entity)?.manifest
    if (manifest === undefined) {
      return yield* new Unavailable({ detail: `Entity ${first.entity} is no longer discovered` })
    }
    const running = yield* unavailable(runtimes.get(first.connectorId))
    const outcome = yield* unavailable(
      engine.retryFailedRecords({
        connectorId: first.connectorId,
        manifest,
        manifests: manifests.map((entity) => entity.manifest),
        stages: running.runtime.stages(manifest),
        ids
      })
    )
    yield* Effect.logInfo("failed records retried").pipe(
      Effect.annotateLogs({ connector: first.connectorId, entity: first.entity, records: ids.length })
    )
    return outcome
  })

  /** Retries one record; a record whose entity or definition is gone fails with `Unavailable`. */
  const retryOne = (record: FailedRecord) => retryGroup([record])

  /** Retries many records, group by group; a group that cannot be retried is counted as skipped. */
  const retryMany = Effect.fnUntraced(function* (records: ReadonlyArray<FailedRecord>) {
    let done: ManyRetried = { ...noRetries, skipped: 0, errors: [] }
    for (const group of groupsOf(records)) {
      const outcome = yield* Effect.result(retryGroup(group))
      if (outcome._tag === "Success") {
        done = {
          ...done,
          resolved: done.resolved + outcome.success.resolved,
          stillWaiting: done.stillWaiting + outcome.success.stillWaiting,
          movedToFailed: done.movedToFailed + outcome.success.movedToFailed,
          stale: done.stale + outcome.success.stale
        }
      } else {
        done = {
          ...done,
          skipped: done.skipped + group.length,
          errors: [...done.errors, outcome.failure.detail]
        }
      }
    }
    return done
  })

  return { retryOne, retryMany } as const
})
