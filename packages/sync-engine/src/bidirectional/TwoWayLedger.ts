/**
 * The two-way ledger (`syncflow.two_way_records`): per definition and record (the table's `_key`),
 * the connector's id, the last version both sides agreed on (`base`, what a cycle compares each
 * side with to find what changed) and the hash of each side's fields as SyncFlow last wrote or saw
 * them (a side whose hash is unchanged did not change: SyncFlow's own writes never come back as
 * changes). `state` is `creating` while a record is being created in the connector (so a cycle
 * killed after the create finds it again instead of creating it twice) and `detached` once a delete
 * was ignored or soft (the record is no longer synced).
 */
import { PgTypes } from "@effect/sql-pg"
import { Effect, Schema } from "effect"
import type { SqlClient } from "effect/sql"
import { textArray } from "../state/storeHelpers.ts"
import type { FieldValues } from "./FieldValues.ts"

/** What the ledger holds for one record. */
export interface LedgerRecord {
  readonly key: string
  readonly sourceId: string | null
  readonly base: FieldValues
  readonly sourceHash: string | null
  readonly tableHash: string | null
  readonly state: "synced" | "creating" | "detached"
}

const Row = Schema.Struct({
  key: Schema.String,
  source_id: Schema.NullOr(Schema.String),
  base: Schema.Record(Schema.String, Schema.Union([Schema.String, Schema.Number, Schema.Boolean, Schema.Null])),
  source_hash: Schema.NullOr(Schema.String),
  table_hash: Schema.NullOr(Schema.String),
  state: Schema.Literals(["synced", "creating", "detached"])
})
const decodeRows = Schema.decodeUnknownEffect(Schema.Array(Row))

const columns = "record_key AS key, source_id, base, source_hash, table_hash, state"

const select = (sql: SqlClient.SqlClient, where: string, params: ReadonlyArray<unknown>) =>
  sql.unsafe(`SELECT ${columns} FROM syncflow.two_way_records WHERE ${where}`, params as Array<unknown>).pipe(
    Effect.flatMap(decodeRows),
    Effect.map((rows) =>
      rows.map(
        (row): LedgerRecord => ({
          key: row.key,
          sourceId: row.source_id,
          base: row.base,
          sourceHash: row.source_hash,
          tableHash: row.table_hash,
          state: row.state
        })
      )
    )
  )

/** The records of these table keys. */
export const byKeys = Effect.fnUntraced(function* (
  sql: SqlClient.SqlClient,
  definitionId: string,
  keys: ReadonlyArray<string>
) {
  if (keys.length === 0) return new Map<string, LedgerRecord>()
  const rows = yield* select(sql, "definition_id = $1 AND record_key = ANY($2)", [definitionId, yield* textArray(keys)])
  return new Map(rows.map((row) => [row.key, row]))
})

/** The records of these connector ids, by connector id. */
export const bySourceIds = Effect.fnUntraced(function* (
  sql: SqlClient.SqlClient,
  definitionId: string,
  ids: ReadonlyArray<string>
) {
  if (ids.length === 0) return new Map<string, LedgerRecord>()
  const rows = yield* select(sql, "definition_id = $1 AND source_id = ANY($2)", [definitionId, yield* textArray(ids)])
  return new Map(rows.flatMap((row) => (row.sourceId === null ? [] : [[row.sourceId, row] as const])))
})

/** The records being created in the connector (a cycle that did not see the create's end). */
export const creating = (sql: SqlClient.SqlClient, definitionId: string) =>
  select(sql, "definition_id = $1 AND state = 'creating' ORDER BY record_key", [definitionId])

/** Up to `limit` synced records a complete listing by `cycleId` did not see (deleted in the connector). */
export const unseen = (sql: SqlClient.SqlClient, definitionId: string, cycleId: string, limit: number) =>
  select(
    sql,
    `definition_id = $1 AND state = 'synced' AND source_id IS NOT NULL
  AND seen_cycle IS DISTINCT FROM $2::uuid ORDER BY record_key LIMIT $3`,
    [definitionId, cycleId, limit]
  )

/** Marks connector ids as seen by a complete listing. */
export const markSeen = Effect.fnUntraced(function* (
  sql: SqlClient.SqlClient,
  definitionId: string,
  ids: ReadonlyArray<string>,
  cycleId: string
) {
  if (ids.length === 0) return
  yield* sql.unsafe(
    "UPDATE syncflow.two_way_records SET seen_cycle = $3::uuid WHERE definition_id = $1 AND source_id = ANY($2)",
    [definitionId, yield* textArray(ids), cycleId]
  )
})

/** Stores a record (replacing what the ledger held for its key). */
export const save = (sql: SqlClient.SqlClient, definitionId: string, record: LedgerRecord, cycleId: string) =>
  sql
    .unsafe(
      `INSERT INTO syncflow.two_way_records
  (definition_id, record_key, source_id, base, source_hash, table_hash, state, seen_cycle, updated_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8::uuid, clock_timestamp())
ON CONFLICT (definition_id, record_key) DO UPDATE SET source_id = EXCLUDED.source_id, base = EXCLUDED.base,
  source_hash = EXCLUDED.source_hash, table_hash = EXCLUDED.table_hash, state = EXCLUDED.state,
  seen_cycle = EXCLUDED.seen_cycle, updated_at = EXCLUDED.updated_at`,
      [
        definitionId,
        record.key,
        record.sourceId,
        PgTypes.jsonb(record.base),
        record.sourceHash,
        record.tableHash,
        record.state,
        cycleId
      ]
    )
    .pipe(Effect.asVoid)

/** Forgets a record (deleted on both sides). */
export const remove = (sql: SqlClient.SqlClient, definitionId: string, key: string) =>
  sql
    .unsafe("DELETE FROM syncflow.two_way_records WHERE definition_id = $1 AND record_key = $2", [definitionId, key])
    .pipe(Effect.asVoid)

/** How far the definition has read the connector's changes (its cursor field's greatest value). */
export const readCursor = Effect.fnUntraced(function* (sql: SqlClient.SqlClient, definitionId: string) {
  const rows = yield* sql.unsafe<{ readonly cursor: string | null }>(
    "SELECT cursor FROM syncflow.two_way_cursors WHERE definition_id = $1",
    [definitionId]
  )
  return rows[0]?.cursor ?? undefined
})

/** Saves the cursor after a cycle. */
export const saveCursor = (sql: SqlClient.SqlClient, definitionId: string, cursor: string) =>
  sql
    .unsafe(
      `INSERT INTO syncflow.two_way_cursors (definition_id, cursor, updated_at) VALUES ($1, $2, clock_timestamp())
ON CONFLICT (definition_id) DO UPDATE SET cursor = EXCLUDED.cursor, updated_at = EXCLUDED.updated_at`,
      [definitionId, cursor]
    )
    .pipe(Effect.asVoid)
