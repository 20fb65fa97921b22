/**
 * SyncFlow's own state in PostgreSQL (schema `syncflow`, created by `StateMigrations`): connectors
 * and their sealed credentials, discovered entity manifests, checkpoints, sync runs with their
 * stage counts, failed records (the dead-letter queue) and pending children.
 *
 * Every method runs on the ambient `SqlClient`, so methods compose in the caller's transaction. The
 * checkpoint of a window is meant to be saved in the SAME transaction as the window's rows (and its
 * run counts), so the checkpoint never advances past rows that were not committed:
 *
 * ```ts
 * const sql = yield* SqlClient.SqlClient
 * const state = yield* StateStore
 * const destination = yield* TableDestination
 * yield* sql.withTransaction(
 *   Effect.gen(function* () {
 *     const written = yield* destination.upsert("items", rows, { runId })
 *     yield* state.saveCheckpoint({ connectorId, entity: "items", cursor: page.next, rowVersion, runId })
 *     yield* state.addRunCounts(runId, { fetched: rows.length, inserted: written.inserted, updated: written.updated })
 *   })
 * )
 * ```
 *
 * Times that drive behaviour (retry due dates, run durations) come from the Effect `Clock`, so tests
 * control them with `TestClock`.
 *
 * The operations are made by group, each in its own file: `ConnectorOperations`, `ManifestOperations`,
 * `CheckpointOperations`, `RunOperations`, `FailedRecordOperations` and `PendingChildOperations`.
 */
import type { Credentials, EntityManifest } from "@syncflow/adapter-core"
import { Context, Effect, Layer, type Option } from "effect"
import { SecureRandom } from "effect/crypto"
import { SqlClient } from "effect/sql"
import type { Checkpoint, CheckpointInput } from "./Checkpoint.ts"
import { checkpointOperations } from "./CheckpointOperations.ts"
import type { ColumnTypeMismatch } from "./ColumnTypeMismatch.ts"
import type { Connector, ConnectorPatch, NewConnector } from "./Connector.ts"
import { connectorOperations } from "./ConnectorOperations.ts"
import type { DiscoveredEntity } from "./DiscoveredEntity.ts"
import type { EntitySettingsPatch } from "./EntitySettings.ts"
import type { FailedRecord, FailedRecordFilter, FailedRecordResolution, NewFailedRecord } from "./FailedRecord.ts"
import { failedRecordOperations } from "./FailedRecordOperations.ts"
import { manifestOperations } from "./ManifestOperations.ts"
import type { DuePendingChildren, NewPendingChild, PendingChild } from "./PendingChild.ts"
import { pendingChildOperations } from "./PendingChildOperations.ts"
import { failedRecordsRetry, pendingChildrenRetry, type RecordRetryPolicy } from "./RecordRetryPolicy.ts"
import { runOperations } from "./RunOperations.ts"
import { SecretBox } from "./SecretBox.ts"
import { migrate } from "./StateMigrations.ts"
import { type ConnectorNotFound, type RunNotFound, StateStoreError } from "./StateStoreError.ts"
import type { FinishRun, RunCounts, RunStatus, StartRun, SyncRun } from "./SyncRun.ts"

/** Settings of the StateStore. */
export interface StateStoreOptions {
  /** Retries of failed records. Default: 3, after 60 s, 120 s, 240 s. */
  readonly failedRecordsRetry?: RecordRetryPolicy | undefined
  /** Attempts of pending children. Default: 5, at once then 60 s, 120 s, 240 s, 480 s apart. */
  readonly pendingChildrenRetry?: RecordRetryPolicy | undefined
  /** Rows per statement when recording failed records or pending children. Default 1,000. */
  readonly batchSize?: number | undefined
}

/** Which due records or children to take, and how many at most (default 100). */
export interface TakeDue {
  readonly connectorId: string
  readonly entity?: string | undefined
  readonly limit?: number | undefined
}

/** Which runs `listRuns` returns, newest first (default 50). */
export interface RunFilter {
  readonly connectorId: string
  readonly entity?: string | undefined
  readonly limit?: number | undefined
}

/** Which runs `searchRuns` returns, newest first (default 50): every filter is optional. */
export interface RunSearch {
  readonly connectorId?: string | undefined
  readonly entity?: string | undefined
  readonly status?: RunStatus | undefined
  readonly limit?: number | undefined
}

/** Which pending children `listPendingChildren` returns, oldest first (default 100). */
export interface PendingChildFilter {
  readonly connectorId: string
  readonly entity?: string | undefined
  readonly limit?: number | undefined
}

/** The StateStore's operations. */
export interface StateStoreService {
  /** Stores a new connector; its credentials are sealed first. Fails on a taken id or name. */
  readonly createConnector: (input: NewConnector) => Effect.Effect<Connector, StateStoreError>
  readonly getConnector: (id: string) => Effect.Effect<Option.Option<Connector>, StateStoreError>
  readonly listConnectors: Effect.Effect<ReadonlyArray<Connector>, StateStoreError>
  readonly updateConnector: (
    id: string,
    patch: ConnectorPatch
  ) => Effect.Effect<Connector, StateStoreError | ConnectorNotFound>
  /** Deletes a connector and all its state (entities, checkpoints, runs, failed records, pending children). */
  readonly deleteConnector: (id: string) => Effect.Effect<boolean, StateStoreError>
  /** The connector's credentials, unsealed. A wrong secret key fails with a `StateStoreError`. */
  readonly getCredentials: (
    id: string
  ) => Effect.Effect<Option.Option<Credentials>, StateStoreError | ConnectorNotFound>

  /** Stores discovered manifests (replacing earlier ones of the same entities), in one statement. */
  readonly saveManifests: (
    connectorId: string,
    manifests: ReadonlyArray<EntityManifest>
  ) => Effect.Effect<void, StateStoreError>
  readonly getManifest: (
    connectorId: string,
    entity: string
  ) => Effect.Effect<Option.Option<DiscoveredEntity>, StateStoreError>
  readonly listManifests: (connectorId: string) => Effect.Effect<ReadonlyArray<DiscoveredEntity>, StateStoreError>
  /** Changes an entity's sync settings; `None` when the entity was never discovered. */
  readonly updateEntitySettings: (
    connectorId: string,
    entity: string,
    patch: EntitySettingsPatch
  ) => Effect.Effect<Option.Option<DiscoveredEntity>, StateStoreError>
  /** Every enabled entity of every connector, for the scheduler. */
  readonly listEnabledEntities: Effect.Effect<ReadonlyArray<DiscoveredEntity>, StateStoreError>

  readonly getCheckpoint: (
    connectorId: string,
    entity: string
  ) => Effect.Effect<Option.Option<Checkpoint>, StateStoreError>
  /** Saves the checkpoint: call it in the transaction that commits the rows before it. */
  readonly saveCheckpoint: (checkpoint: CheckpointInput) => Effect.Effect<void, StateStoreError>
  /** Forgets the checkpoint (a full refresh starts from the first page). */
  readonly clearCheckpoint: (connectorId: string, entity: string) => Effect.Effect<void, StateStoreError>

  /** Starts a run (status `running`). Idempotent for a given `id`. */
  readonly startRun: (input: StartRun) => Effect.Effect<SyncRun, StateStoreError>
  /**
   * Records the columns whose type in the table differs from the source's (schema drift), on the
   * run and on its entity (replacing what was recorded: an empty list clears them).
   */
  readonly recordTypeMismatches: (
    runId: string,
    mismatches: ReadonlyArray<ColumnTypeMismatch>
  ) => Effect.Effect<void, StateStoreError>
  /** Adds to the run's stage counters: call it in the window's transaction. */
  readonly addRunCounts: (
    runId: string,
    counts: Partial<RunCounts>
  ) => Effect.Effect<void, StateStoreError | RunNotFound>
  /** Ends a running run with its status, error and duration. A run that has already ended is returned as is. */
  readonly finishRun: (runId: string, outcome: FinishRun) => Effect.Effect<SyncRun, StateStoreError | RunNotFound>
  /** Marks an interrupted or failed run as running again, when a later process resumes its listing. */
  readonly resumeRun: (runId: string) => Effect.Effect<SyncRun, StateStoreError | RunNotFound>
  readonly getRun: (runId: string) => Effect.Effect<Option.Option<SyncRun>, StateStoreError>
  readonly listRuns: (filter: RunFilter) => Effect.Effect<ReadonlyArray<SyncRun>, StateStoreError>
  /** Runs across connectors, filtered by connector, entity and status, newest first. */
  readonly searchRuns: (filter: RunSearch) => Effect.Effect<ReadonlyArray<SyncRun>, StateStoreError>

  /**
   * Adds records to the dead-letter queue, one statement per batch; the first retry is due after the
   * policy's first delay. Older unresolved records of the same business keys are closed as
   * `superseded`: the newest failure of a key is the one to retry.
   */
  readonly recordFailedRecords: (records: ReadonlyArray<NewFailedRecord>) => Effect.Effect<number, StateStoreError>
  readonly listFailedRecords: (
    filter: FailedRecordFilter
  ) => Effect.Effect<ReadonlyArray<FailedRecord>, StateStoreError>
  /**
   * Claims the unresolved records whose retry is due: counts the attempt and schedules the next one
   * (doubling the delay), or none after the last attempt. Concurrent callers get distinct records.
   */
  readonly takeDueFailedRecords: (options: TakeDue) => Effect.Effect<ReadonlyArray<FailedRecord>, StateStoreError>
  /** One failed record by id; `None` when there is no such record (or the id is not a record id). */
  readonly getFailedRecord: (id: string) => Effect.Effect<Option.Option<FailedRecord>, StateStoreError>
  /**
   * Makes unresolved records due for a retry now, even those whose retries were exhausted (a manual
   * retry: they get one more attempt). Returns how many were requeued.
   */
  readonly requeueFailedRecords: (ids: ReadonlyArray<string>) => Effect.Effect<number, StateStoreError>
  /** Deletes records from the dead-letter queue (given up on by hand). Returns how many were deleted. */
  readonly discardFailedRecords: (ids: ReadonlyArray<string>) => Effect.Effect<number, StateStoreError>
  /**
   * Marks records resolved (`retried` by default: a retry wrote them; `resolved` by hand; `stale`: a
   * retry found a newer or deleted row). Returns how many were unresolved.
   */
  readonly resolveFailedRecords: (
    ids: ReadonlyArray<string>,
    resolution?: FailedRecordResolution
  ) => Effect.Effect<number, StateStoreError>
  /**
   * Claims these unresolved records for a retry now, due or not (a one-record retry from the API or
   * the CLI: exhausted records get one more attempt). Counts the attempt; other records are untouched.
   */
  readonly takeFailedRecords: (
    ids: ReadonlyArray<string>
  ) => Effect.Effect<ReadonlyArray<FailedRecord>, StateStoreError>
  /**
   * Closes (resolution `superseded`) the entity's unresolved failed records of these business keys:
   * call it in the transaction that wrote the keys. One statement. Returns how many were closed.
   */
  readonly supersedeFailedRecords: (
    connectorId: string,
    entity: string,
    bkHashes: ReadonlyArray<string>
  ) => Effect.Effect<number, StateStoreError>

  /**
   * Parks children whose parent is missing, one statement per batch. A child already parked keeps
   * its attempts and due date; its row, raw record and parent are replaced. The failed record a child
   * becomes after its last attempt keeps both its raw record and its row.
   */
  readonly enqueuePendingChildren: (children: ReadonlyArray<NewPendingChild>) => Effect.Effect<void, StateStoreError>
  /**
   * Moves the children that have used all their attempts to the failed records (stage `resolve`,
   * error type `ParentNotFound`), then claims those due for an attempt: counts it and schedules the
   * next one. Remove the children that resolve with `removePendingChildren`.
   */
  readonly takeDuePendingChildren: (options: TakeDue) => Effect.Effect<DuePendingChildren, StateStoreError>
  /** The children waiting for any of these parents (to resolve them as soon as the parents arrive). */
  readonly pendingChildrenOf: (
    connectorId: string,
    parentEntity: string,
    parentBkHashes: ReadonlyArray<string>
  ) => Effect.Effect<ReadonlyArray<PendingChild>, StateStoreError>
  /** The children waiting for their parents, oldest first. */
  readonly listPendingChildren: (
    filter: PendingChildFilter
  ) => Effect.Effect<ReadonlyArray<PendingChild>, StateStoreError>
  /** Removes resolved children. Returns how many were removed. */
  readonly removePendingChildren: (
    connectorId: string,
    entity: string,
    bkHashes: ReadonlyArray<string>
  ) => Effect.Effect<number, StateStoreError>
}
/** Builds the StateStore on the ambient `SqlClient`, after applying the migrations. */
const make = Effect.fnUntraced(function* (options: StateStoreOptions = {}) {
  const sql = (yield* SqlClient.SqlClient).withoutTransforms()
  const box = yield* SecretBox
  const random = yield* SecureRandom.SecureRandom
  const failedRetry = options.failedRecordsRetry ?? failedRecordsRetry
  const pendingRetry = options.pendingChildrenRetry ?? pendingChildrenRetry
  const batchSize = Math.max(1, Math.floor(options.batchSize ?? 1000))

  yield* migrate.pipe(
    Effect.mapError((cause) => new StateStoreError({ operation: "migrate", message: cause.message, cause }))
  )

  return StateStore.of({
    ...connectorOperations(sql, box, random),
    ...manifestOperations(sql),
    ...checkpointOperations(sql),
    ...runOperations(sql, random),
    ...failedRecordOperations(sql, failedRetry, batchSize),
    ...pendingChildOperations(sql, pendingRetry, failedRetry, batchSize)
  })
})

/** SyncFlow's state in PostgreSQL. Its layers apply the migrations when they are built. */
export class StateStore extends Context.Service<StateStore, StateStoreService>()(
  "@syncflow/sync-engine/state/StateStore"
) {
  /** The StateStore with the given settings. */
  static readonly layerWith = (
    options: StateStoreOptions
  ): Layer.Layer<StateStore, StateStoreError, SqlClient.SqlClient | SecretBox> =>
    Layer.effect(StateStore, make(options)).pipe(Layer.provide(SecureRandom.layerWebCrypto))

  /** The StateStore with the default retry policies. */
  static readonly layer: Layer.Layer<StateStore, StateStoreError, SqlClient.SqlClient | SecretBox> =
    StateStore.layerWith({})
}
