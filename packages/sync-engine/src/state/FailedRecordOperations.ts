/** SyncFlow's failed records, the dead-letter queue (table `syncflow.failed_records`). */
import { PgTypes } from "@effect/sql-pg"
import { Duration, Effect, Option, Schema } from "effect"
import type { SqlClient } from "effect/sql"
import {
  FailedRecord,
  type FailedRecordFilter,
  type FailedRecordResolution,
  type NewFailedRecord
} from "./FailedRecord.ts"
import type { FailedRecordStoreService, TakeDue } from "./FailedRecordStore.ts"
import { jsonText } from "./jsonText.ts"
import type { RecordRetryPolicy } from "./RecordRetryPolicy.ts"
import { batches, limitOf, now, storeError, textArray, uuidArray } from "./storeHelpers.ts"

const failedColumns = (alias: string) => `${alias}.id::text AS id, ${alias}.run_id::text AS "runId",
  ${alias}.connector_id AS "connectorId", ${alias}.entity, ${alias}.definition_id AS "definitionId", ${alias}.stage, ${alias}.error_type AS "errorType",
  ${alias}.message, ${alias}.raw_data AS "rawData", ${alias}.normalized_data AS "normalizedData",
  ${alias}.mapped_data AS "mappedData", ${alias}.business_key AS "businessKey", ${alias}.attempts,
  ${alias}.next_attempt_at AS "nextAttemptAt", ${alias}.created_at AS "createdAt", ${alias}.resolved_at AS "resolvedAt",
  ${alias}.resolution`

/** Failed record operations on `sql`, retried by `failedRetry`, written `batchSize` rows per statement. */
export const failedRecordOperations = (
  sql: SqlClient.SqlClient,
  failedRetry: RecordRetryPolicy,
  batchSize: number
): FailedRecordStoreService => {
  const decodeFailed = Schema.decodeUnknownEffect(Schema.Array(FailedRecord))

  const recordFailedRecords = Effect.fn("FailedRecordStore.recordFailedRecords")(function* (
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
             unnest($3::text[]) AS business_key, unnest($5::text[]) AS definition_id) k
           WHERE f.resolved_at IS NULL AND f.connector_id = k.connector_id AND f.entity = k.entity
             AND f.definition_id IS NOT DISTINCT FROM k.definition_id AND f.business_key = k.business_key`,
          [
            yield* textArray(keyed.map((record) => record.connectorId)),
            yield* textArray(keyed.map((record) => record.entity)),
            yield* textArray(keyed.map((record) => record.businessKey ?? null)),
            at,
            yield* textArray(keyed.map((record) => record.definitionId ?? null))
          ]
        )
      }
      yield* sql.unsafe(
        `INSERT INTO syncflow.failed_records (run_id, connector_id, entity, stage, error_type, message, raw_data,
           normalized_data, mapped_data, business_key, next_attempt_at, created_at, definition_id)
         SELECT unnest($1::uuid[]), unnest($2::text[]), unnest($3::text[]), unnest($4::text[]), unnest($5::text[]),
           unnest($6::text[]), unnest($7::text[]::jsonb[]), unnest($8::text[]::jsonb[]), unnest($9::text[]::jsonb[]),
           unnest($10::text[]), $11::timestamptz, $12::timestamptz, unnest($13::text[])`,
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
          at,
          yield* textArray(batch.map((record) => record.definitionId ?? null))
        ]
      )
    }
    return records.length
  }, storeError("recordFailedRecords"))

  const listFailedRecords = Effect.fn("FailedRecordStore.listFailedRecords")(function* (filter: FailedRecordFilter) {
    return yield* sql
      .unsafe(
        `SELECT ${failedColumns("f")} FROM syncflow.failed_records f
         WHERE ($1::text IS NULL OR f.connector_id = $1) AND ($2::text IS NULL OR f.entity = $2)
           AND ($3::uuid IS NULL OR f.run_id = $3)
           AND ($4::boolean OR f.resolved_at IS NULL) AND ($5::bigint IS NULL OR f.id > $5)
           AND f.definition_id IS NOT DISTINCT FROM $7::text
           AND ($8::text IS NULL OR f.stage = $8) AND ($9::text IS NULL OR f.error_type = $9)
         ORDER BY f.id LIMIT $6`,
        [
          filter.connectorId ?? null,
          filter.entity ?? null,
          PgTypes.uuid(filter.runId ?? null),
          PgTypes.bool(filter.includeResolved ?? false),
          filter.afterId ?? null,
          limitOf(filter.limit, 100),
          filter.definitionId ?? null,
          filter.stage ?? null,
          filter.errorType ?? null
        ]
      )
      .pipe(Effect.flatMap(decodeFailed))
  }, storeError("listFailedRecords"))

  const takeDueFailedRecords = Effect.fn("FailedRecordStore.takeDueFailedRecords")(function* (options: TakeDue) {
    const rows = yield* sql
      .unsafe(
        `WITH due AS (
           SELECT id FROM syncflow.failed_records
           WHERE connector_id = $1 AND ($2::text IS NULL OR entity = $2) AND resolved_at IS NULL
             AND definition_id IS NOT DISTINCT FROM $7::text AND attempts < $3 AND next_attempt_at <= $4::timestamptz
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
          PgTypes.float8(Duration.toMillis(failedRetry.retryDelay)),
          options.definitionId ?? null
        ]
      )
      .pipe(Effect.flatMap(decodeFailed))
    return [...rows].sort((a, b) => Number(a.id) - Number(b.id))
  }, storeError("takeDueFailedRecords"))

  /** The ids that are failed-record ids (bigint text); others match no record. */
  const recordIds = (ids: ReadonlyArray<string>) => ids.filter((id) => /^[0-9]{1,18}$/.test(id))

  const getFailedRecord = Effect.fn("FailedRecordStore.getFailedRecord")(function* (id: string) {
    if (recordIds([id]).length === 0) return Option.none<FailedRecord>()
    const rows = yield* sql
      .unsafe(`SELECT ${failedColumns("f")} FROM syncflow.failed_records f WHERE f.id = $1::bigint`, [id])
      .pipe(Effect.flatMap(decodeFailed))
    return Option.fromUndefinedOr(rows[0])
  }, storeError("getFailedRecord"))

  const requeueFailedRecords = Effect.fn("FailedRecordStore.requeueFailedRecords")(function* (
    ids: ReadonlyArray<string>
  ) {
    const valid = recordIds(ids)
    if (valid.length === 0) return 0
    const rows = yield* sql.unsafe(
      `UPDATE syncflow.failed_records SET next_attempt_at = $2, attempts = LEAST(attempts, $3::int - 1)
       WHERE id = ANY($1::text[]::bigint[]) AND resolved_at IS NULL RETURNING 1`,
      [yield* textArray(valid), yield* now, failedRetry.maxAttempts]
    )
    return rows.length
  }, storeError("requeueFailedRecords"))

  const discardFailedRecords = Effect.fn("FailedRecordStore.discardFailedRecords")(function* (
    ids: ReadonlyArray<string>
  ) {
    const valid = recordIds(ids)
    if (valid.length === 0) return 0
    const rows = yield* sql.unsafe(
      `DELETE FROM syncflow.failed_records WHERE id = ANY($1::text[]::bigint[]) RETURNING 1`,
      [yield* textArray(valid)]
    )
    return rows.length
  }, storeError("discardFailedRecords"))

  const resolveFailedRecords = Effect.fn("FailedRecordStore.resolveFailedRecords")(function* (
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

  const takeFailedRecords = Effect.fn("FailedRecordStore.takeFailedRecords")(function* (ids: ReadonlyArray<string>) {
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

  const supersedeFailedRecords = Effect.fn("FailedRecordStore.supersedeFailedRecords")(function* (
    connectorId: string,
    entity: string,
    bkHashes: ReadonlyArray<string>,
    definitionId?: string | undefined
  ) {
    if (bkHashes.length === 0) return 0
    const rows = yield* sql.unsafe<{ readonly closed: number }>(
      `WITH closed AS (
         UPDATE syncflow.failed_records SET resolved_at = $4::timestamptz, next_attempt_at = NULL,
           resolution = 'superseded'
         WHERE connector_id = $1 AND entity = $2 AND definition_id IS NOT DISTINCT FROM $5::text
           AND resolved_at IS NULL AND business_key = ANY($3::text[])
         RETURNING 1
       )
       SELECT count(*)::int4 AS closed FROM closed`,
      [connectorId, entity, yield* textArray(bkHashes), yield* now, definitionId ?? null]
    )
    return rows[0]?.closed ?? 0
  }, storeError("supersedeFailedRecords"))

  return {
    recordFailedRecords,
    listFailedRecords,
    takeDueFailedRecords,
    getFailedRecord,
    requeueFailedRecords,
    discardFailedRecords,
    resolveFailedRecords,
    takeFailedRecords,
    supersedeFailedRecords
  }
}
