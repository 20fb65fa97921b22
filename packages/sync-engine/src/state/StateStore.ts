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
 * const destination = yield* Destination
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
 */
import { PgTypes } from "@effect/sql-pg"
import { Credentials, Cursor, EntityManifest } from "@syncflow/adapter-core"
import { Clock, Context, Duration, Effect, Layer, Option, Schema } from "effect"
import { SecureRandom } from "effect/crypto"
import { SqlClient } from "effect/sql"
import { Checkpoint, type CheckpointInput } from "./Checkpoint.ts"
import type { ColumnTypeMismatch } from "./ColumnTypeMismatch.ts"
import { Connector, type ConnectorPatch, type NewConnector } from "./Connector.ts"
import { DiscoveredEntity } from "./DiscoveredEntity.ts"
import type { EntitySettingsPatch } from "./EntitySettings.ts"
import {
  FailedRecord,
  type FailedRecordFilter,
  type FailedRecordResolution,
  type NewFailedRecord
} from "./FailedRecord.ts"
import { jsonText } from "./jsonText.ts"
import { type DuePendingChildren, type NewPendingChild, PendingChild } from "./PendingChild.ts"
import { failedRecordsRetry, pendingChildrenRetry, type RetryPolicy } from "./RetryPolicy.ts"
import { SecretBox } from "./SecretBox.ts"
import { migrate } from "./StateMigrations.ts"
import { ConnectorNotFound, RunNotFound, StateStoreError } from "./StateStoreError.ts"
import { type FinishRun, type RunCounts, type RunStatus, runCountNames, type StartRun, SyncRun } from "./SyncRun.ts"

/** Settings of the StateStore. */
export interface StateStoreOptions {
  /** Retries of failed records. Default: 3, after 60 s, 120 s, 240 s. */
  readonly failedRecordsRetry?: RetryPolicy | undefined
  /** Attempts of pending children. Default: 5, at once then 60 s, 120 s, 240 s, 480 s apart. */
  readonly pendingChildrenRetry?: RetryPolicy | undefined
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
   * its attempts and due date; its row and parent are replaced.
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

const connectorColumns = `id, adapter, name, config, credentials IS NOT NULL AS "hasCredentials",
  target_schema AS "targetSchema", created_at AS "createdAt", updated_at AS "updatedAt"`

const entityColumns = `connector_id AS "connectorId", entity, manifest, discovered_at AS "discoveredAt",
  json_build_object('enabled', enabled, 'intervalSeconds', interval_seconds, 'cron', cron, 'mode', mode,
    'reconcileIntervalSeconds', reconcile_interval_seconds, 'reconcileCron', reconcile_cron, 'orphans', orphans,
    'targetTable', target_table) AS settings,
  type_mismatches AS "typeMismatches"`

const checkpointColumns = `connector_id AS "connectorId", entity, cursor, row_version AS "rowVersion",
  run_id::text AS "runId", listing, updated_at AS "updatedAt"`

const runColumns = `id::text AS id, connector_id AS "connectorId", entity, mode, status, started_at AS "startedAt",
  finished_at AS "finishedAt", duration_ms::float8 AS "durationMs",
  ${runCountNames.map((name) => `${name}::float8 AS ${name}`).join(", ")}, error,
  type_mismatches AS "typeMismatches"`

const failedColumns = (alias: string) => `${alias}.id::text AS id, ${alias}.run_id::text AS "runId",
  ${alias}.connector_id AS "connectorId", ${alias}.entity, ${alias}.stage, ${alias}.error_type AS "errorType",
  ${alias}.message, ${alias}.raw_data AS "rawData", ${alias}.normalized_data AS "normalizedData",
  ${alias}.mapped_data AS "mappedData", ${alias}.business_key AS "businessKey", ${alias}.attempts,
  ${alias}.next_attempt_at AS "nextAttemptAt", ${alias}.created_at AS "createdAt", ${alias}.resolved_at AS "resolvedAt",
  ${alias}.resolution`

const pendingColumns = (alias: string) => `${alias}.connector_id AS "connectorId", ${alias}.entity,
  ${alias}.bk_hash AS "bkHash", ${alias}.parent_entity AS "parentEntity", ${alias}.parent_bk_hash AS "parentBkHash",
  ${alias}.row_data AS row, ${alias}.run_id::text AS "runId", ${alias}.attempts,
  ${alias}.next_attempt_at AS "nextAttemptAt", ${alias}.last_error AS "lastError", ${alias}.created_at AS "createdAt"`

const CredentialsJson = Schema.toCodecJson(Credentials)
const encoder = new TextEncoder()
const decoder = new TextDecoder()

/** Splits `items` into batches of at most `size`. */
const batches = <A>(items: ReadonlyArray<A>, size: number): ReadonlyArray<ReadonlyArray<A>> => {
  const out: Array<ReadonlyArray<A>> = []
  for (let start = 0; start < items.length; start += size) out.push(items.slice(start, start + size))
  return out
}

const textArray = (values: ReadonlyArray<string | null>) =>
  Effect.fromResult(PgTypes.array(values, PgTypes.OID.text)).pipe(Effect.orDie)

const uuidArray = (values: ReadonlyArray<string | null>) =>
  Effect.fromResult(PgTypes.array(values, PgTypes.OID.uuid)).pipe(Effect.orDie)

/** The number a limit option stands for, clamped to [1, 10000]. */
const limitOf = (limit: number | undefined, fallback: number): number =>
  Math.min(10_000, Math.max(1, Math.floor(limit ?? fallback)))

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

  /** Wraps database, decoding and unsealing failures of `operation` as a `StateStoreError`. */
  const storeError =
    (operation: string) =>
    <A, E extends { readonly message: string }, R>(effect: Effect.Effect<A, E, R>) =>
      Effect.mapError(effect, (cause) => new StateStoreError({ operation, message: cause.message, cause }))

  const now = Effect.map(Clock.currentTimeMillis, (millis) => new Date(millis))

  const decodeConnectors = Schema.decodeUnknownEffect(Schema.Array(Connector))
  const decodeEntities = Schema.decodeUnknownEffect(Schema.Array(DiscoveredEntity))
  const decodeCheckpoints = Schema.decodeUnknownEffect(Schema.Array(Checkpoint))
  const decodeRuns = Schema.decodeUnknownEffect(Schema.Array(SyncRun))
  const decodeFailed = Schema.decodeUnknownEffect(Schema.Array(FailedRecord))
  const decodePending = Schema.decodeUnknownEffect(Schema.Array(PendingChild))
  const encodeManifest = Schema.encodeUnknownEffect(Schema.toCodecJson(EntityManifest))
  const encodeCursor = Schema.encodeUnknownEffect(Schema.toCodecJson(Cursor.Cursor))
  const encodeCredentials = Schema.encodeUnknownEffect(CredentialsJson)
  const decodeCredentials = Schema.decodeUnknownEffect(CredentialsJson)

  const sealCredentials = (connectorId: string, credentials: Credentials) =>
    Effect.flatMap(encodeCredentials(credentials), (json) =>
      box.seal(encoder.encode(JSON.stringify(json)), `connector:${connectorId}`)
    )

  // -- connectors ------------------------------------------------------------------------------------

  const selectConnector = (id: string) =>
    Effect.flatMap(
      sql.unsafe(`SELECT ${connectorColumns} FROM syncflow.connectors WHERE id = $1`, [id]),
      decodeConnectors
    )

  const createConnector = Effect.fn("StateStore.createConnector")(function* (input: NewConnector) {
    const id = input.id ?? (yield* random.uuidV4())
    const at = yield* now
    const sealed = input.credentials === undefined ? null : yield* sealCredentials(id, input.credentials)
    const rows = yield* sql
      .unsafe(
        `INSERT INTO syncflow.connectors (id, adapter, name, config, credentials, target_schema, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $7, $6, $6) RETURNING ${connectorColumns}`,
        [
          id,
          input.adapter,
          input.name,
          PgTypes.jsonb(input.config ?? {}),
          PgTypes.bytea(sealed),
          at,
          input.targetSchema ?? null
        ]
      )
      .pipe(Effect.flatMap(decodeConnectors))
    return rows[0]!
  }, storeError("createConnector"))

  const getConnector = Effect.fn("StateStore.getConnector")(function* (id: string) {
    return Option.fromUndefinedOr((yield* selectConnector(id))[0])
  }, storeError("getConnector"))

  const listConnectors = sql
    .unsafe(`SELECT ${connectorColumns} FROM syncflow.connectors ORDER BY name`)
    .pipe(Effect.flatMap(decodeConnectors), storeError("listConnectors"), Effect.withSpan("StateStore.listConnectors"))

  const updateConnector = Effect.fn("StateStore.updateConnector")(function* (id: string, patch: ConnectorPatch) {
    const sealed =
      patch.credentials === undefined || patch.credentials === null
        ? null
        : yield* sealCredentials(id, patch.credentials).pipe(storeError("updateConnector"))
    const rows = yield* sql
      .unsafe(
        `UPDATE syncflow.connectors SET name = COALESCE($2::text, name), config = COALESCE($3::jsonb, config),
           credentials = CASE WHEN $4::boolean THEN $5::bytea ELSE credentials END, updated_at = $6,
           target_schema = CASE WHEN $7::boolean THEN $8::text ELSE target_schema END
         WHERE id = $1 RETURNING ${connectorColumns}`,
        [
          id,
          patch.name ?? null,
          PgTypes.jsonb(patch.config ?? null),
          PgTypes.bool(patch.credentials !== undefined),
          PgTypes.bytea(sealed),
          yield* now,
          PgTypes.bool(patch.targetSchema !== undefined),
          patch.targetSchema ?? null
        ]
      )
      .pipe(Effect.flatMap(decodeConnectors), storeError("updateConnector"))
    const row = rows[0]
    if (row === undefined) return yield* new ConnectorNotFound({ connectorId: id })
    return row
  })

  const deleteConnector = Effect.fn("StateStore.deleteConnector")(function* (id: string) {
    const rows = yield* sql.unsafe(`DELETE FROM syncflow.connectors WHERE id = $1 RETURNING 1`, [id])
    return rows.length > 0
  }, storeError("deleteConnector"))

  const getCredentials = Effect.fn("StateStore.getCredentials")(function* (id: string) {
    const rows = yield* sql
      .unsafe<{ readonly credentials: Uint8Array | null }>(
        `SELECT credentials FROM syncflow.connectors WHERE id = $1`,
        [id]
      )
      .pipe(storeError("getCredentials"))
    const row = rows[0]
    if (row === undefined) return yield* new ConnectorNotFound({ connectorId: id })
    if (row.credentials === null) return Option.none<Credentials>()
    const plaintext = yield* box.open(row.credentials, `connector:${id}`).pipe(storeError("getCredentials"))
    const credentials = yield* Effect.try({
      try: () => JSON.parse(decoder.decode(plaintext)) as unknown,
      catch: () => new StateStoreError({ operation: "getCredentials", message: "Stored credentials are not JSON" })
    })
    return Option.some(yield* decodeCredentials(credentials).pipe(storeError("getCredentials")))
  })

  // -- manifests -------------------------------------------------------------------------------------

  const saveManifests = Effect.fn("StateStore.saveManifests")(function* (
    connectorId: string,
    manifests: ReadonlyArray<EntityManifest>
  ) {
    if (manifests.length === 0) return
    const byEntity = new Map<string, EntityManifest>()
    for (const manifest of manifests) byEntity.set(manifest.entity, manifest)
    const encoded = yield* Effect.forEach(byEntity.values(), (manifest) => encodeManifest(manifest))
    yield* sql.unsafe(
      `INSERT INTO syncflow.entities (connector_id, entity, manifest, discovered_at)
       SELECT $1::text, unnest($2::text[]), unnest($3::text[]::jsonb[]), $4::timestamptz
       ON CONFLICT (connector_id, entity) DO UPDATE SET manifest = excluded.manifest, discovered_at = excluded.discovered_at`,
      [
        connectorId,
        yield* textArray([...byEntity.keys()]),
        yield* textArray(encoded.map((manifest) => JSON.stringify(manifest))),
        yield* now
      ]
    )
  }, storeError("saveManifests"))

  const getManifest = Effect.fn("StateStore.getManifest")(function* (connectorId: string, entity: string) {
    const rows = yield* sql
      .unsafe(`SELECT ${entityColumns} FROM syncflow.entities WHERE connector_id = $1 AND entity = $2`, [
        connectorId,
        entity
      ])
      .pipe(Effect.flatMap(decodeEntities))
    return Option.fromUndefinedOr(rows[0])
  }, storeError("getManifest"))

  const listManifests = Effect.fn("StateStore.listManifests")(function* (connectorId: string) {
    return yield* sql
      .unsafe(`SELECT ${entityColumns} FROM syncflow.entities WHERE connector_id = $1 ORDER BY entity`, [connectorId])
      .pipe(Effect.flatMap(decodeEntities))
  }, storeError("listManifests"))

  const updateEntitySettings = Effect.fn("StateStore.updateEntitySettings")(function* (
    connectorId: string,
    entity: string,
    patch: EntitySettingsPatch
  ) {
    const rows = yield* sql
      .unsafe(
        `UPDATE syncflow.entities SET enabled = coalesce($3, enabled), interval_seconds = coalesce($4, interval_seconds),
           cron = CASE WHEN $5 THEN $6 ELSE cron END, mode = coalesce($7, mode),
           reconcile_interval_seconds = CASE WHEN $8 THEN $9::integer ELSE reconcile_interval_seconds END,
           reconcile_cron = CASE WHEN $10 THEN $11 ELSE reconcile_cron END,
           orphans = coalesce($12, orphans),
           target_table = CASE WHEN $13 THEN $14 ELSE target_table END
         WHERE connector_id = $1 AND entity = $2
         RETURNING ${entityColumns}`,
        [
          connectorId,
          entity,
          patch.enabled ?? null,
          patch.intervalSeconds ?? null,
          patch.cron !== undefined,
          patch.cron ?? null,
          patch.mode ?? null,
          patch.reconcileIntervalSeconds !== undefined,
          patch.reconcileIntervalSeconds ?? null,
          patch.reconcileCron !== undefined,
          patch.reconcileCron ?? null,
          patch.orphans ?? null,
          patch.targetTable !== undefined,
          patch.targetTable ?? null
        ]
      )
      .pipe(Effect.flatMap(decodeEntities))
    return Option.fromUndefinedOr(rows[0])
  }, storeError("updateEntitySettings"))

  const listEnabledEntities = Effect.gen(function* () {
    return yield* sql
      .unsafe(`SELECT ${entityColumns} FROM syncflow.entities WHERE enabled ORDER BY connector_id, entity`)
      .pipe(Effect.flatMap(decodeEntities))
  }).pipe(Effect.withSpan("StateStore.listEnabledEntities"), storeError("listEnabledEntities"))

  // -- checkpoints -----------------------------------------------------------------------------------

  const getCheckpoint = Effect.fn("StateStore.getCheckpoint")(function* (connectorId: string, entity: string) {
    const rows = yield* sql
      .unsafe(`SELECT ${checkpointColumns} FROM syncflow.checkpoints WHERE connector_id = $1 AND entity = $2`, [
        connectorId,
        entity
      ])
      .pipe(Effect.flatMap(decodeCheckpoints))
    return Option.fromUndefinedOr(rows[0])
  }, storeError("getCheckpoint"))

  const saveCheckpoint = Effect.fn("StateStore.saveCheckpoint")(function* (checkpoint: CheckpointInput) {
    const cursor =
      checkpoint.cursor === undefined || checkpoint.cursor === null ? null : yield* encodeCursor(checkpoint.cursor)
    yield* sql.unsafe(
      `INSERT INTO syncflow.checkpoints (connector_id, entity, cursor, row_version, run_id, listing, updated_at)
       VALUES ($1, $2, $3, $4::text, $5, $7, $6)
       ON CONFLICT (connector_id, entity) DO UPDATE SET cursor = excluded.cursor, row_version = excluded.row_version,
         run_id = excluded.run_id, listing = excluded.listing, updated_at = excluded.updated_at`,
      [
        checkpoint.connectorId,
        checkpoint.entity,
        PgTypes.jsonb(cursor),
        checkpoint.rowVersion ?? null,
        PgTypes.uuid(checkpoint.runId ?? null),
        yield* now,
        PgTypes.jsonb(checkpoint.listing ?? null)
      ]
    )
  }, storeError("saveCheckpoint"))

  const clearCheckpoint = Effect.fn("StateStore.clearCheckpoint")(function* (connectorId: string, entity: string) {
    yield* sql.unsafe(`DELETE FROM syncflow.checkpoints WHERE connector_id = $1 AND entity = $2`, [connectorId, entity])
  }, storeError("clearCheckpoint"))

  // -- runs ------------------------------------------------------------------------------------------

  const selectRun = (runId: string) =>
    Effect.flatMap(
      sql.unsafe(`SELECT ${runColumns} FROM syncflow.sync_runs WHERE id = $1`, [PgTypes.uuid(runId)]),
      decodeRuns
    )

  const startRun = Effect.fn("StateStore.startRun")(function* (input: StartRun) {
    const id = input.id ?? (yield* random.uuidV4())
    yield* sql.unsafe(
      `INSERT INTO syncflow.sync_runs (id, connector_id, entity, mode, started_at) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (id) DO NOTHING`,
      [PgTypes.uuid(id), input.connectorId, input.entity, input.mode, yield* now]
    )
    return (yield* selectRun(id))[0]!
  }, storeError("startRun"))

  const recordTypeMismatches = Effect.fn("StateStore.recordTypeMismatches")(function* (
    runId: string,
    mismatches: ReadonlyArray<ColumnTypeMismatch>
  ) {
    const json = PgTypes.jsonb(mismatches.map(({ column, expected, actual }) => ({ column, expected, actual })))
    yield* sql.unsafe(
      `WITH run AS (
         UPDATE syncflow.sync_runs SET type_mismatches = $2 WHERE id = $1 AND type_mismatches IS DISTINCT FROM $2
         RETURNING connector_id, entity
       )
       UPDATE syncflow.entities e SET type_mismatches = $2 FROM (
         SELECT connector_id, entity FROM syncflow.sync_runs WHERE id = $1
       ) r
       WHERE e.connector_id = r.connector_id AND e.entity = r.entity AND e.type_mismatches IS DISTINCT FROM $2`,
      [PgTypes.uuid(runId), json]
    )
  }, storeError("recordTypeMismatches"))

  const addRunCounts = Effect.fn("StateStore.addRunCounts")(function* (runId: string, counts: Partial<RunCounts>) {
    const names = runCountNames.filter((name) => counts[name] !== undefined)
    const assignments = names.map((name, index) => `${name} = ${name} + $${index + 2}::bigint`)
    const rows = yield* sql
      .unsafe(
        names.length === 0
          ? `SELECT 1 FROM syncflow.sync_runs WHERE id = $1`
          : `UPDATE syncflow.sync_runs SET ${assignments.join(", ")} WHERE id = $1 RETURNING 1`,
        [PgTypes.uuid(runId), ...names.map((name) => PgTypes.float8(Math.round(counts[name] ?? 0)))]
      )
      .pipe(storeError("addRunCounts"))
    if (rows.length === 0) return yield* new RunNotFound({ runId })
  })

  const finishRun = Effect.fn("StateStore.finishRun")(function* (runId: string, outcome: FinishRun) {
    const rows = yield* sql
      .unsafe(
        `UPDATE syncflow.sync_runs SET status = $2, error = $3::text, finished_at = $4::timestamptz,
           duration_ms = GREATEST(0, round(extract(epoch FROM ($4::timestamptz - started_at)) * 1000))::bigint
         WHERE id = $1 AND status = 'running' RETURNING ${runColumns}`,
        [PgTypes.uuid(runId), outcome.status, outcome.error ?? null, yield* now]
      )
      .pipe(
        Effect.flatMap(decodeRuns),
        Effect.flatMap((updated) => (updated.length > 0 ? Effect.succeed(updated) : selectRun(runId))),
        storeError("finishRun")
      )
    const run = rows[0]
    if (run === undefined) return yield* new RunNotFound({ runId })
    return run
  })

  const resumeRun = Effect.fn("StateStore.resumeRun")(function* (runId: string) {
    const rows = yield* sql
      .unsafe(
        `UPDATE syncflow.sync_runs SET status = 'running', error = NULL, finished_at = NULL, duration_ms = NULL
         WHERE id = $1 RETURNING ${runColumns}`,
        [PgTypes.uuid(runId)]
      )
      .pipe(Effect.flatMap(decodeRuns), storeError("resumeRun"))
    const run = rows[0]
    if (run === undefined) return yield* new RunNotFound({ runId })
    return run
  })

  const getRun = Effect.fn("StateStore.getRun")(function* (runId: string) {
    return Option.fromUndefinedOr((yield* selectRun(runId))[0])
  }, storeError("getRun"))

  const listRuns = Effect.fn("StateStore.listRuns")(function* (filter: RunFilter) {
    return yield* sql
      .unsafe(
        `SELECT ${runColumns} FROM syncflow.sync_runs WHERE connector_id = $1 AND ($2::text IS NULL OR entity = $2)
         ORDER BY started_at DESC, id LIMIT $3`,
        [filter.connectorId, filter.entity ?? null, limitOf(filter.limit, 50)]
      )
      .pipe(Effect.flatMap(decodeRuns))
  }, storeError("listRuns"))

  const searchRuns = Effect.fn("StateStore.searchRuns")(function* (filter: RunSearch) {
    return yield* sql
      .unsafe(
        `SELECT ${runColumns} FROM syncflow.sync_runs
         WHERE ($1::text IS NULL OR connector_id = $1) AND ($2::text IS NULL OR entity = $2)
           AND ($3::text IS NULL OR status = $3)
         ORDER BY started_at DESC, id LIMIT $4`,
        [filter.connectorId ?? null, filter.entity ?? null, filter.status ?? null, limitOf(filter.limit, 50)]
      )
      .pipe(Effect.flatMap(decodeRuns))
  }, storeError("searchRuns"))

  // -- failed records --------------------------------------------------------------------------------

  const recordFailedRecords = Effect.fn("StateStore.recordFailedRecords")(function* (
    records: ReadonlyArray<NewFailedRecord>
  ) {
    if (records.length === 0) return 0
    const at = yield* now
    const due = new Date(at.getTime() + Duration.toMillis(failedRetry.firstDelay))
    for (const batch of batches(records, batchSize)) {
      const keyed = batch.filter((record) => record.businessKey !== undefined && record.businessKey !== null)
      if (keyed.length > 0) {
        yield* sql.unsafe(
          `UPDATE syncflow.failed_records f SET resolved_at = $4::timestamptz, next_attempt_at = NULL,
             resolution = 'superseded'
           FROM (SELECT unnest($1::text[]) AS connector_id, unnest($2::text[]) AS entity,
             unnest($3::text[]) AS business_key) k
           WHERE f.resolved_at IS NULL AND f.connector_id = k.connector_id AND f.entity = k.entity
             AND f.business_key = k.business_key`,
          [
            yield* textArray(keyed.map((record) => record.connectorId)),
            yield* textArray(keyed.map((record) => record.entity)),
            yield* textArray(keyed.map((record) => record.businessKey ?? null)),
            at
          ]
        )
      }
      yield* sql.unsafe(
        `INSERT INTO syncflow.failed_records (run_id, connector_id, entity, stage, error_type, message, raw_data,
           normalized_data, mapped_data, business_key, next_attempt_at, created_at)
         SELECT unnest($1::uuid[]), unnest($2::text[]), unnest($3::text[]), unnest($4::text[]), unnest($5::text[]),
           unnest($6::text[]), unnest($7::text[]::jsonb[]), unnest($8::text[]::jsonb[]), unnest($9::text[]::jsonb[]),
           unnest($10::text[]), $11::timestamptz, $12::timestamptz`,
        [
          yield* uuidArray(batch.map((record) => record.runId ?? null)),
          yield* textArray(batch.map((record) => record.connectorId)),
          yield* textArray(batch.map((record) => record.entity)),
          yield* textArray(batch.map((record) => record.stage)),
          yield* textArray(batch.map((record) => record.errorType)),
          yield* textArray(batch.map((record) => record.message)),
          yield* textArray(batch.map((record) => jsonText(record.raw))),
          yield* textArray(batch.map((record) => jsonText(record.normalized))),
          yield* textArray(batch.map((record) => jsonText(record.mapped))),
          yield* textArray(batch.map((record) => record.businessKey ?? null)),
          due,
          at
        ]
      )
    }
    return records.length
  }, storeError("recordFailedRecords"))

  const listFailedRecords = Effect.fn("StateStore.listFailedRecords")(function* (filter: FailedRecordFilter) {
    return yield* sql
      .unsafe(
        `SELECT ${failedColumns("f")} FROM syncflow.failed_records f
         WHERE f.connector_id = $1 AND ($2::text IS NULL OR f.entity = $2) AND ($3::uuid IS NULL OR f.run_id = $3)
           AND ($4::boolean OR f.resolved_at IS NULL) AND ($5::bigint IS NULL OR f.id > $5)
         ORDER BY f.id LIMIT $6`,
        [
          filter.connectorId,
          filter.entity ?? null,
          PgTypes.uuid(filter.runId ?? null),
          PgTypes.bool(filter.includeResolved ?? false),
          filter.afterId ?? null,
          limitOf(filter.limit, 100)
        ]
      )
      .pipe(Effect.flatMap(decodeFailed))
  }, storeError("listFailedRecords"))

  const takeDueFailedRecords = Effect.fn("StateStore.takeDueFailedRecords")(function* (options: TakeDue) {
    const rows = yield* sql
      .unsafe(
        `WITH due AS (
           SELECT id FROM syncflow.failed_records
           WHERE connector_id = $1 AND ($2::text IS NULL OR entity = $2) AND resolved_at IS NULL
             AND attempts < $3 AND next_attempt_at <= $4::timestamptz
           ORDER BY next_attempt_at, id LIMIT $5 FOR UPDATE SKIP LOCKED
         )
         UPDATE syncflow.failed_records f SET attempts = f.attempts + 1,
           next_attempt_at = CASE WHEN f.attempts + 1 >= $3 THEN NULL
             ELSE $4::timestamptz + ($6::float8 * power(2, f.attempts)) * interval '1 millisecond' END
         FROM due WHERE f.id = due.id
         RETURNING ${failedColumns("f")}`,
        [
          options.connectorId,
          options.entity ?? null,
          failedRetry.maxAttempts,
          yield* now,
          limitOf(options.limit, 100),
          PgTypes.float8(Duration.toMillis(failedRetry.retryDelay))
        ]
      )
      .pipe(Effect.flatMap(decodeFailed))
    return [...rows].sort((a, b) => Number(a.id) - Number(b.id))
  }, storeError("takeDueFailedRecords"))

  /** The ids that are failed-record ids (bigint text); others match no record. */
  const recordIds = (ids: ReadonlyArray<string>) => ids.filter((id) => /^[0-9]{1,18}$/.test(id))

  const getFailedRecord = Effect.fn("StateStore.getFailedRecord")(function* (id: string) {
    if (recordIds([id]).length === 0) return Option.none<FailedRecord>()
    const rows = yield* sql
      .unsafe(`SELECT ${failedColumns("f")} FROM syncflow.failed_records f WHERE f.id = $1::bigint`, [id])
      .pipe(Effect.flatMap(decodeFailed))
    return Option.fromUndefinedOr(rows[0])
  }, storeError("getFailedRecord"))

  const requeueFailedRecords = Effect.fn("StateStore.requeueFailedRecords")(function* (ids: ReadonlyArray<string>) {
    const valid = recordIds(ids)
    if (valid.length === 0) return 0
    const rows = yield* sql.unsafe(
      `UPDATE syncflow.failed_records SET next_attempt_at = $2, attempts = LEAST(attempts, $3::int - 1)
       WHERE id = ANY($1::text[]::bigint[]) AND resolved_at IS NULL RETURNING 1`,
      [yield* textArray(valid), yield* now, failedRetry.maxAttempts]
    )
    return rows.length
  }, storeError("requeueFailedRecords"))

  const discardFailedRecords = Effect.fn("StateStore.discardFailedRecords")(function* (ids: ReadonlyArray<string>) {
    const valid = recordIds(ids)
    if (valid.length === 0) return 0
    const rows = yield* sql.unsafe(
      `DELETE FROM syncflow.failed_records WHERE id = ANY($1::text[]::bigint[]) RETURNING 1`,
      [yield* textArray(valid)]
    )
    return rows.length
  }, storeError("discardFailedRecords"))

  const resolveFailedRecords = Effect.fn("StateStore.resolveFailedRecords")(function* (
    ids: ReadonlyArray<string>,
    resolution: FailedRecordResolution = "retried"
  ) {
    const valid = recordIds(ids)
    if (valid.length === 0) return 0
    const rows = yield* sql.unsafe(
      `UPDATE syncflow.failed_records SET resolved_at = $2, next_attempt_at = NULL, resolution = $3
       WHERE id = ANY($1::text[]::bigint[]) AND resolved_at IS NULL RETURNING 1`,
      [yield* textArray(valid), yield* now, resolution]
    )
    return rows.length
  }, storeError("resolveFailedRecords"))

  const takeFailedRecords = Effect.fn("StateStore.takeFailedRecords")(function* (ids: ReadonlyArray<string>) {
    const valid = recordIds(ids)
    if (valid.length === 0) return []
    const at = yield* now
    const rows = yield* sql
      .unsafe(
        `UPDATE syncflow.failed_records f SET attempts = f.attempts + 1,
           next_attempt_at = CASE WHEN f.attempts + 1 >= $3 THEN NULL
             ELSE $2::timestamptz + ($4::float8 * power(2, LEAST(f.attempts, 30))) * interval '1 millisecond' END
         WHERE f.id = ANY($1::text[]::bigint[]) AND f.resolved_at IS NULL
         RETURNING ${failedColumns("f")}`,
        [
          yield* textArray(valid),
          at,
          failedRetry.maxAttempts,
          PgTypes.float8(Duration.toMillis(failedRetry.retryDelay))
        ]
      )
      .pipe(Effect.flatMap(decodeFailed))
    return [...rows].sort((a, b) => Number(a.id) - Number(b.id))
  }, storeError("takeFailedRecords"))

  const supersedeFailedRecords = Effect.fn("StateStore.supersedeFailedRecords")(function* (
    connectorId: string,
    entity: string,
    bkHashes: ReadonlyArray<string>
  ) {
    if (bkHashes.length === 0) return 0
    const rows = yield* sql.unsafe<{ readonly closed: number }>(
      `WITH closed AS (
         UPDATE syncflow.failed_records SET resolved_at = $4::timestamptz, next_attempt_at = NULL,
           resolution = 'superseded'
         WHERE connector_id = $1 AND entity = $2 AND resolved_at IS NULL AND business_key = ANY($3::text[])
         RETURNING 1
       )
       SELECT count(*)::int4 AS closed FROM closed`,
      [connectorId, entity, yield* textArray(bkHashes), yield* now]
    )
    return rows[0]?.closed ?? 0
  }, storeError("supersedeFailedRecords"))

  // -- pending children ------------------------------------------------------------------------------

  const enqueuePendingChildren = Effect.fn("StateStore.enqueuePendingChildren")(function* (
    children: ReadonlyArray<NewPendingChild>
  ) {
    if (children.length === 0) return
    const byKey = new Map<string, NewPendingChild>()
    for (const child of children) byKey.set(JSON.stringify([child.connectorId, child.entity, child.bkHash]), child)
    const at = yield* now
    const due = new Date(at.getTime() + Duration.toMillis(pendingRetry.firstDelay))
    for (const batch of batches([...byKey.values()], batchSize)) {
      yield* sql.unsafe(
        `INSERT INTO syncflow.pending_children (connector_id, entity, bk_hash, parent_entity, parent_bk_hash, row_data,
           run_id, last_error, next_attempt_at, created_at)
         SELECT unnest($1::text[]), unnest($2::text[]), unnest($3::text[]), unnest($4::text[]), unnest($5::text[]),
           unnest($6::text[]::jsonb[]), unnest($7::uuid[]), unnest($8::text[]), $9::timestamptz, $10::timestamptz
         ON CONFLICT (connector_id, entity, bk_hash) DO UPDATE SET parent_entity = excluded.parent_entity,
           parent_bk_hash = excluded.parent_bk_hash, row_data = excluded.row_data, run_id = excluded.run_id,
           last_error = COALESCE(excluded.last_error, pending_children.last_error)`,
        [
          yield* textArray(batch.map((child) => child.connectorId)),
          yield* textArray(batch.map((child) => child.entity)),
          yield* textArray(batch.map((child) => child.bkHash)),
          yield* textArray(batch.map((child) => child.parentEntity)),
          yield* textArray(batch.map((child) => child.parentBkHash)),
          yield* textArray(batch.map((child) => jsonText(child.row) ?? "null")),
          yield* uuidArray(batch.map((child) => child.runId ?? null)),
          yield* textArray(batch.map((child) => child.lastError ?? null)),
          due,
          at
        ]
      )
    }
  }, storeError("enqueuePendingChildren"))

  const takeDuePendingChildren = Effect.fn("StateStore.takeDuePendingChildren")(function* (options: TakeDue) {
    const at = yield* now
    const failedDue = new Date(at.getTime() + Duration.toMillis(failedRetry.firstDelay))
    return yield* sql.withTransaction(
      Effect.gen(function* () {
        const moved = yield* sql.unsafe<{ readonly moved: number }>(
          `WITH moved AS (
             DELETE FROM syncflow.pending_children p
             WHERE p.connector_id = $1 AND ($2::text IS NULL OR p.entity = $2) AND p.attempts >= $3
               AND p.next_attempt_at <= $4::timestamptz
             RETURNING p.*
           ), failed AS (
             INSERT INTO syncflow.failed_records (run_id, connector_id, entity, stage, error_type, message, mapped_data,
               business_key, next_attempt_at, created_at)
             SELECT run_id, connector_id, entity, 'resolve', 'ParentNotFound',
               'Parent ' || parent_entity || ' ' || parent_bk_hash || ' not found after ' || attempts || ' attempts'
                 || COALESCE(': ' || last_error, ''),
               row_data, bk_hash, $5::timestamptz, $4::timestamptz
             FROM moved
             RETURNING 1
           )
           SELECT count(*)::int4 AS moved FROM failed`,
          [options.connectorId, options.entity ?? null, pendingRetry.maxAttempts, at, failedDue]
        )
        const due = yield* sql
          .unsafe(
            `WITH due AS (
               SELECT connector_id, entity, bk_hash FROM syncflow.pending_children
               WHERE connector_id = $1 AND ($2::text IS NULL OR entity = $2) AND attempts < $3
                 AND next_attempt_at <= $4::timestamptz
               ORDER BY next_attempt_at, entity, bk_hash LIMIT $5 FOR UPDATE SKIP LOCKED
             )
             UPDATE syncflow.pending_children p SET attempts = p.attempts + 1,
               next_attempt_at = $4::timestamptz + ($6::float8 * power(2, p.attempts)) * interval '1 millisecond'
             FROM due WHERE p.connector_id = due.connector_id AND p.entity = due.entity AND p.bk_hash = due.bk_hash
             RETURNING ${pendingColumns("p")}`,
            [
              options.connectorId,
              options.entity ?? null,
              pendingRetry.maxAttempts,
              at,
              limitOf(options.limit, 100),
              PgTypes.float8(Duration.toMillis(pendingRetry.retryDelay))
            ]
          )
          .pipe(Effect.flatMap(decodePending))
        return { due, movedToFailed: moved[0]?.moved ?? 0 } satisfies DuePendingChildren
      })
    )
  }, storeError("takeDuePendingChildren"))

  const pendingChildrenOf = Effect.fn("StateStore.pendingChildrenOf")(function* (
    connectorId: string,
    parentEntity: string,
    parentBkHashes: ReadonlyArray<string>
  ) {
    if (parentBkHashes.length === 0) return []
    return yield* sql
      .unsafe(
        `SELECT ${pendingColumns("p")} FROM syncflow.pending_children p
         WHERE p.connector_id = $1 AND p.parent_entity = $2 AND p.parent_bk_hash = ANY($3::text[])
         ORDER BY p.entity, p.bk_hash`,
        [connectorId, parentEntity, yield* textArray(parentBkHashes)]
      )
      .pipe(Effect.flatMap(decodePending))
  }, storeError("pendingChildrenOf"))

  const listPendingChildren = Effect.fn("StateStore.listPendingChildren")(function* (filter: PendingChildFilter) {
    return yield* sql
      .unsafe(
        `SELECT ${pendingColumns("p")} FROM syncflow.pending_children p
         WHERE p.connector_id = $1 AND ($2::text IS NULL OR p.entity = $2)
         ORDER BY p.created_at, p.entity, p.bk_hash LIMIT $3`,
        [filter.connectorId, filter.entity ?? null, limitOf(filter.limit, 100)]
      )
      .pipe(Effect.flatMap(decodePending))
  }, storeError("listPendingChildren"))

  const removePendingChildren = Effect.fn("StateStore.removePendingChildren")(function* (
    connectorId: string,
    entity: string,
    bkHashes: ReadonlyArray<string>
  ) {
    if (bkHashes.length === 0) return 0
    const rows = yield* sql.unsafe(
      `DELETE FROM syncflow.pending_children WHERE connector_id = $1 AND entity = $2 AND bk_hash = ANY($3::text[])
       RETURNING 1`,
      [connectorId, entity, yield* textArray(bkHashes)]
    )
    return rows.length
  }, storeError("removePendingChildren"))

  return StateStore.of({
    createConnector,
    getConnector,
    listConnectors,
    updateConnector,
    deleteConnector,
    getCredentials,
    saveManifests,
    getManifest,
    listManifests,
    updateEntitySettings,
    listEnabledEntities,
    getCheckpoint,
    saveCheckpoint,
    clearCheckpoint,
    startRun,
    addRunCounts,
    recordTypeMismatches,
    finishRun,
    resumeRun,
    getRun,
    listRuns,
    searchRuns,
    recordFailedRecords,
    listFailedRecords,
    takeDueFailedRecords,
    getFailedRecord,
    requeueFailedRecords,
    discardFailedRecords,
    resolveFailedRecords,
    takeFailedRecords,
    supersedeFailedRecords,
    enqueuePendingChildren,
    takeDuePendingChildren,
    pendingChildrenOf,
    listPendingChildren,
    removePendingChildren
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
