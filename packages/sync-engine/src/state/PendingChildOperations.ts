/** SyncFlow's pending children: children parked until their parent arrives (`syncflow.pending_children`). */
import { PgTypes } from "@effect/sql-pg"
import { Duration, Effect, Schema } from "effect"
import type { SqlClient } from "effect/sql"
import type { TakeDue } from "./FailedRecordStore.ts"
import { jsonText } from "./jsonText.ts"
import { type DuePendingChildren, type NewPendingChild, PendingChild } from "./PendingChild.ts"
import type { PendingChildFilter, PendingChildStoreService } from "./PendingChildStore.ts"
import type { RecordRetryPolicy } from "./RecordRetryPolicy.ts"
import { batches, limitOf, now, storeError, textArray, uuidArray } from "./storeHelpers.ts"

const pendingColumns = (alias: string) => `${alias}.connector_id AS "connectorId", ${alias}.entity,
  ${alias}.definition_id AS "definitionId",
  ${alias}.bk_hash AS "bkHash", ${alias}.parent_entity AS "parentEntity", ${alias}.parent_bk_hash AS "parentBkHash",
  ${alias}.row_data AS row, ${alias}.run_id::text AS "runId", ${alias}.attempts,
  ${alias}.next_attempt_at AS "nextAttemptAt", ${alias}.last_error AS "lastError", ${alias}.created_at AS "createdAt"`

/**
 * Pending child operations on `sql`: attempts follow `pendingRetry`; children out of attempts become
 * failed records due after `failedRetry`'s first delay.
 */
export const pendingChildOperations = (
  sql: SqlClient.SqlClient,
  pendingRetry: RecordRetryPolicy,
  failedRetry: RecordRetryPolicy,
  batchSize: number
): PendingChildStoreService => {
  const decodePending = Schema.decodeUnknownEffect(Schema.Array(PendingChild))

  const enqueuePendingChildren = Effect.fn("PendingChildStore.enqueuePendingChildren")(function* (
    children: ReadonlyArray<NewPendingChild>
  ) {
    if (children.length === 0) return
    const byKey = new Map<string, NewPendingChild>()
    for (const child of children)
      byKey.set(JSON.stringify([child.connectorId, child.entity, child.definitionId ?? null, child.bkHash]), child)
    const at = yield* now
    const due = new Date(at.getTime() + Duration.toMillis(pendingRetry.firstDelay))
    for (const batch of batches([...byKey.values()], batchSize)) {
      yield* sql.unsafe(
        `INSERT INTO syncflow.pending_children (connector_id, entity, bk_hash, parent_entity, parent_bk_hash, row_data,
           run_id, last_error, next_attempt_at, created_at, raw_data, definition_id)
         SELECT unnest($1::text[]), unnest($2::text[]), unnest($3::text[]), unnest($4::text[]), unnest($5::text[]),
           unnest($6::text[]::jsonb[]), unnest($7::uuid[]), unnest($8::text[]), $9::timestamptz, $10::timestamptz,
           unnest($11::text[]::jsonb[]), unnest($12::text[])
         ON CONFLICT (connector_id, entity, (COALESCE(definition_id, '')), bk_hash) DO UPDATE SET parent_entity = excluded.parent_entity,
           parent_bk_hash = excluded.parent_bk_hash, row_data = excluded.row_data, run_id = excluded.run_id,
           last_error = COALESCE(excluded.last_error, pending_children.last_error),
           raw_data = excluded.raw_data`,
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
          at,
          yield* textArray(batch.map((child) => jsonText(child.raw))),
          yield* textArray(batch.map((child) => child.definitionId ?? null))
        ]
      )
    }
  }, storeError("enqueuePendingChildren"))

  const takeDuePendingChildren = Effect.fn("PendingChildStore.takeDuePendingChildren")(function* (options: TakeDue) {
    const at = yield* now
    const failedDue = new Date(at.getTime() + Duration.toMillis(failedRetry.firstDelay))
    return yield* sql.withTransaction(
      Effect.gen(function* () {
        const moved = yield* sql.unsafe<{ readonly moved: number }>(
          `WITH moved AS (
             DELETE FROM syncflow.pending_children p
             WHERE p.connector_id = $1 AND ($2::text IS NULL OR p.entity = $2) AND p.attempts >= $3
               AND p.definition_id IS NOT DISTINCT FROM $6::text AND p.next_attempt_at <= $4::timestamptz
             RETURNING p.*
           ), failed AS (
             INSERT INTO syncflow.failed_records (run_id, connector_id, entity, stage, error_type, message, raw_data,
               mapped_data, business_key, next_attempt_at, created_at, definition_id)
             SELECT run_id, connector_id, entity, 'resolve', 'ParentNotFound',
               'Parent ' || parent_entity || ' ' || parent_bk_hash || ' not found after ' || attempts || ' attempts'
                 || COALESCE(': ' || last_error, ''),
               raw_data, row_data, bk_hash, $5::timestamptz, $4::timestamptz, definition_id
             FROM moved
             RETURNING 1
           )
           SELECT count(*)::int4 AS moved FROM failed`,
          [
            options.connectorId,
            options.entity ?? null,
            pendingRetry.maxAttempts,
            at,
            failedDue,
            options.definitionId ?? null
          ]
        )
        const due = yield* sql
          .unsafe(
            `WITH due AS (
               SELECT ctid FROM syncflow.pending_children
               WHERE connector_id = $1 AND ($2::text IS NULL OR entity = $2) AND attempts < $3
                 AND definition_id IS NOT DISTINCT FROM $7::text AND next_attempt_at <= $4::timestamptz
               ORDER BY next_attempt_at, entity, bk_hash LIMIT $5 FOR UPDATE SKIP LOCKED
             )
             UPDATE syncflow.pending_children p SET attempts = p.attempts + 1,
               next_attempt_at = $4::timestamptz + ($6::float8 * power(2, p.attempts)) * interval '1 millisecond'
             FROM due WHERE p.ctid = due.ctid
             RETURNING ${pendingColumns("p")}`,
            [
              options.connectorId,
              options.entity ?? null,
              pendingRetry.maxAttempts,
              at,
              limitOf(options.limit, 100),
              PgTypes.float8(Duration.toMillis(pendingRetry.retryDelay)),
              options.definitionId ?? null
            ]
          )
          .pipe(Effect.flatMap(decodePending))
        return { due, movedToFailed: moved[0]?.moved ?? 0 } satisfies DuePendingChildren
      })
    )
  }, storeError("takeDuePendingChildren"))

  const pendingChildrenOf = Effect.fn("PendingChildStore.pendingChildrenOf")(function* (
    connectorId: string,
    parentEntity: string,
    parentBkHashes: ReadonlyArray<string>,
    definitionId?: string | undefined
  ) {
    if (parentBkHashes.length === 0) return []
    return yield* sql
      .unsafe(
        `SELECT ${pendingColumns("p")} FROM syncflow.pending_children p
         WHERE p.connector_id = $1 AND p.parent_entity = $2 AND p.parent_bk_hash = ANY($3::text[])
           AND p.definition_id IS NOT DISTINCT FROM $4::text
         ORDER BY p.entity, p.bk_hash`,
        [connectorId, parentEntity, yield* textArray(parentBkHashes), definitionId ?? null]
      )
      .pipe(Effect.flatMap(decodePending))
  }, storeError("pendingChildrenOf"))

  const listPendingChildren = Effect.fn("PendingChildStore.listPendingChildren")(function* (
    filter: PendingChildFilter
  ) {
    return yield* sql
      .unsafe(
        `SELECT ${pendingColumns("p")} FROM syncflow.pending_children p
         WHERE ($1::text IS NULL OR p.connector_id = $1) AND ($2::text IS NULL OR p.entity = $2)
           AND p.definition_id IS NOT DISTINCT FROM $4::text AND ($5::text IS NULL OR p.parent_entity = $5)
         ORDER BY p.created_at, p.entity, p.bk_hash LIMIT $3`,
        [
          filter.connectorId ?? null,
          filter.entity ?? null,
          limitOf(filter.limit, 100),
          filter.definitionId ?? null,
          filter.parentEntity ?? null
        ]
      )
      .pipe(Effect.flatMap(decodePending))
  }, storeError("listPendingChildren"))

  const requeuePendingChildren = Effect.fn("PendingChildStore.requeuePendingChildren")(function* (
    connectorId: string,
    entity: string,
    bkHashes: ReadonlyArray<string>,
    definitionId?: string | undefined
  ) {
    if (bkHashes.length === 0) return 0
    const rows = yield* sql.unsafe(
      `UPDATE syncflow.pending_children SET next_attempt_at = $4::timestamptz,
         attempts = LEAST(attempts, $6::int - 1)
       WHERE connector_id = $1 AND entity = $2 AND bk_hash = ANY($3::text[])
         AND definition_id IS NOT DISTINCT FROM $5::text
       RETURNING 1`,
      [connectorId, entity, yield* textArray(bkHashes), yield* now, definitionId ?? null, pendingRetry.maxAttempts]
    )
    return rows.length
  }, storeError("requeuePendingChildren"))

  const removePendingChildren = Effect.fn("PendingChildStore.removePendingChildren")(function* (
    connectorId: string,
    entity: string,
    bkHashes: ReadonlyArray<string>,
    definitionId?: string | undefined
  ) {
    if (bkHashes.length === 0) return 0
    const rows = yield* sql.unsafe(
      `DELETE FROM syncflow.pending_children WHERE connector_id = $1 AND entity = $2 AND bk_hash = ANY($3::text[])
         AND definition_id IS NOT DISTINCT FROM $4::text
       RETURNING 1`,
      [connectorId, entity, yield* textArray(bkHashes), definitionId ?? null]
    )
    return rows.length
  }, storeError("removePendingChildren"))

  return {
    enqueuePendingChildren,
    takeDuePendingChildren,
    pendingChildrenOf,
    listPendingChildren,
    requeuePendingChildren,
    removePendingChildren
  }
}
