/** SyncFlow's checkpoints (table `syncflow.checkpoints`). */
import { PgTypes } from "@effect/sql-pg"
import { Cursor } from "@syncflow/adapter-core"
import { Effect, Option, Schema } from "effect"
import type { SqlClient } from "effect/sql"
import { Checkpoint, type CheckpointInput } from "./Checkpoint.ts"
import type { CheckpointStoreService } from "./CheckpointStore.ts"
import { now, storeError } from "./storeHelpers.ts"

const checkpointColumns = `connector_id AS "connectorId", entity, definition_id AS "definitionId", cursor, row_version AS "rowVersion",
  run_id::text AS "runId", listing, updated_at AS "updatedAt"`

/** Checkpoint operations on `sql`. */
export const checkpointOperations = (sql: SqlClient.SqlClient): CheckpointStoreService => {
  const decodeCheckpoints = Schema.decodeUnknownEffect(Schema.Array(Checkpoint))
  const encodeCursor = Schema.encodeUnknownEffect(Schema.toCodecJson(Cursor.Cursor))

  const getCheckpoint = Effect.fn("CheckpointStore.getCheckpoint")(function* (
    connectorId: string,
    entity: string,
    definitionId?: string | undefined
  ) {
    const rows = yield* sql
      .unsafe(
        `SELECT ${checkpointColumns} FROM syncflow.checkpoints
         WHERE connector_id = $1 AND entity = $2 AND definition_id IS NOT DISTINCT FROM $3::text`,
        [connectorId, entity, definitionId ?? null]
      )
      .pipe(Effect.flatMap(decodeCheckpoints))
    return Option.fromUndefinedOr(rows[0])
  }, storeError("getCheckpoint"))

  const saveCheckpoint = Effect.fn("CheckpointStore.saveCheckpoint")(function* (checkpoint: CheckpointInput) {
    const cursor =
      checkpoint.cursor === undefined || checkpoint.cursor === null ? null : yield* encodeCursor(checkpoint.cursor)
    yield* sql.unsafe(
      `INSERT INTO syncflow.checkpoints (connector_id, entity, cursor, row_version, run_id, listing, updated_at,
         definition_id)
       VALUES ($1, $2, $3, $4::text, $5, $7, $6, $8::text)
       ON CONFLICT (connector_id, entity, (COALESCE(definition_id, ''))) DO UPDATE SET cursor = excluded.cursor, row_version = excluded.row_version,
         run_id = excluded.run_id, listing = excluded.listing, updated_at = excluded.updated_at`,
      [
        checkpoint.connectorId,
        checkpoint.entity,
        PgTypes.jsonb(cursor),
        checkpoint.rowVersion ?? null,
        PgTypes.uuid(checkpoint.runId ?? null),
        yield* now,
        PgTypes.jsonb(checkpoint.listing ?? null),
        checkpoint.definitionId ?? null
      ]
    )
  }, storeError("saveCheckpoint"))

  const clearCheckpoint = Effect.fn("CheckpointStore.clearCheckpoint")(function* (
    connectorId: string,
    entity: string,
    definitionId?: string | undefined
  ) {
    yield* sql.unsafe(
      `DELETE FROM syncflow.checkpoints
       WHERE connector_id = $1 AND entity = $2 AND definition_id IS NOT DISTINCT FROM $3::text`,
      [connectorId, entity, definitionId ?? null]
    )
  }, storeError("clearCheckpoint"))

  return { getCheckpoint, saveCheckpoint, clearCheckpoint }
}
