/**
 * The PostgreSQL side of a two-way definition: a table SyncFlow creates and users edit with plain
 * SQL. Besides the synced fields' columns it has `_key` (the row's id; a default UUID for rows
 * users insert), `_source_id` (the connector's id of the record, set by SyncFlow), `_modified_at`
 * (when a user last changed the row; kept by the trigger unless the statement sets it) and
 * `_deleted` (a soft delete). Its trigger (`syncflow.two_way_log_change`, migration 25) writes every
 * user change to `syncflow.two_way_changes`, so a cycle reads the changed keys instead of the table.
 * SyncFlow's own writes set `syncflow.two_way_writer` for their transaction, which the trigger
 * leaves out of the log.
 */
import { Effect } from "effect"
import type { SqlClient, SqlError } from "effect/sql"
import { withDdlLock } from "../destination/DdlLock.ts"
import * as Identifier from "../destination/Identifier.ts"
import { textArray } from "../state/storeHelpers.ts"
import type { FieldValue, FieldValues } from "./FieldValues.ts"
import { valuesOf } from "./FieldValues.ts"
import type { FieldType, SyncedField } from "./TwoWaySettings.ts"

/** Where a two-way definition's table is, and its fields. */
export interface TwoWayTableSpec {
  readonly definitionId: string
  readonly schema: string
  readonly table: string
  readonly fields: ReadonlyArray<SyncedField>
}

/** A row of the table as a cycle reads it. */
export interface TableRow {
  readonly key: string
  readonly sourceId: string | null
  readonly values: FieldValues
  /** `_modified_at` in epoch milliseconds. */
  readonly modifiedAt: number | null
  readonly deleted: boolean
}

const columnTypes: Readonly<Record<FieldType, string>> = {
  text: "text",
  integer: "bigint",
  numeric: "numeric",
  boolean: "boolean",
  date: "date"
}

const name = (spec: TwoWayTableSpec) => Identifier.qualified(spec.schema, spec.table)
const quote = Identifier.quote

/** A value as a statement parameter (cast to the column's type in the statement). */
const parameter = (value: FieldValue): string | null => (value === null ? null : String(value))

/** Creates the table, its missing columns and its trigger (under the DDL lock). */
export const ensureTable = (sql: SqlClient.SqlClient, spec: TwoWayTableSpec) =>
  withDdlLock(
    sql,
    Effect.gen(function* () {
      yield* sql.unsafe(`CREATE SCHEMA IF NOT EXISTS ${quote(spec.schema)}`)
      yield* sql.unsafe(`CREATE TABLE IF NOT EXISTS ${name(spec)} (
  _key text PRIMARY KEY DEFAULT gen_random_uuid()::text,
  _source_id text UNIQUE,
  _modified_at timestamptz,
  _deleted boolean NOT NULL DEFAULT false
)`)
      for (const field of spec.fields) {
        yield* sql.unsafe(
          `ALTER TABLE ${name(spec)} ADD COLUMN IF NOT EXISTS ${quote(field.column)} ${columnTypes[field.type]}`
        )
      }
      const trigger = yield* sql.unsafe(
        `SELECT 1 FROM pg_catalog.pg_trigger WHERE tgrelid = $1::regclass AND tgname = 'syncflow_two_way'`,
        [name(spec)]
      )
      if (trigger.length === 0) {
        yield* sql.unsafe(
          `CREATE TRIGGER syncflow_two_way BEFORE INSERT OR UPDATE OR DELETE ON ${name(spec)}
  FOR EACH ROW EXECUTE FUNCTION syncflow.two_way_log_change(${sqlText(spec.definitionId)})`
        )
      }
    })
  )

/** A string literal (for the trigger's argument, which cannot be a parameter). */
const sqlText = (text: string): string => `'${text.replaceAll("'", "''")}'`

const selectColumns = (spec: TwoWayTableSpec) =>
  [
    `_key AS key`,
    `_source_id AS source_id`,
    `(extract(epoch FROM _modified_at) * 1000)::float8 AS modified_at`,
    `_deleted AS deleted`,
    ...spec.fields.map((f, i) => `${quote(f.column)}::text AS c${i}`)
  ].join(", ")

const toRow = (spec: TwoWayTableSpec, row: Readonly<Record<string, unknown>>): TableRow => {
  const raw: Record<string, unknown> = {}
  spec.fields.forEach((f, i) => {
    raw[f.field] = row[`c${i}`]
  })
  return {
    key: String(row.key),
    sourceId: row.source_id === null || row.source_id === undefined ? null : String(row.source_id),
    values: valuesOf(spec.fields, raw, (f) => f.field),
    modifiedAt: typeof row.modified_at === "number" ? row.modified_at : null,
    deleted: row.deleted === true
  }
}

/** The rows of these keys (absent keys are left out). */
export const readRows = Effect.fnUntraced(function* (
  sql: SqlClient.SqlClient,
  spec: TwoWayTableSpec,
  keys: ReadonlyArray<string>
) {
  if (keys.length === 0) return new Map<string, TableRow>()
  const rows = yield* sql.unsafe<Record<string, unknown>>(
    `SELECT ${selectColumns(spec)} FROM ${name(spec)} WHERE _key = ANY($1)`,
    [yield* textArray(keys)]
  )
  return new Map(rows.map((row) => [String(row.key), toRow(spec, row)]))
})

/** Marks the transaction's writes as SyncFlow's own (the trigger leaves them out of the change log). */
export const asWriter = (sql: SqlClient.SqlClient, spec: TwoWayTableSpec) =>
  sql.unsafe("SELECT set_config('syncflow.two_way_writer', $1, true)", [spec.definitionId])

/** Writes a row (inserting it when absent): its source id, the values of `fields`, not deleted. */
export const upsertRow = (
  sql: SqlClient.SqlClient,
  spec: TwoWayTableSpec,
  key: string,
  sourceId: string | null,
  fields: ReadonlyArray<SyncedField>,
  values: FieldValues
): Effect.Effect<void, SqlError.SqlError> => {
  const columns = fields.map((f) => quote(f.column))
  const casts = fields.map((f, i) => `$${i + 3}::${columnTypes[f.type]}`)
  const updates = columns.map((c) => `${c} = EXCLUDED.${c}`)
  return sql
    .unsafe(
      `INSERT INTO ${name(spec)} (_key, _source_id, _deleted, _modified_at${columns.map((c) => `, ${c}`).join("")})
VALUES ($1, $2, false, clock_timestamp()${casts.map((c) => `, ${c}`).join("")})
ON CONFLICT (_key) DO UPDATE SET _source_id = EXCLUDED._source_id, _deleted = false, _modified_at = EXCLUDED._modified_at${updates.map((u) => `, ${u}`).join("")}`,
      [key, sourceId, ...fields.map((f) => parameter(values[f.field] ?? null))]
    )
    .pipe(Effect.asVoid)
}

/** Sets a row's connector id (a create the cycle adopted). */
export const linkRow = (sql: SqlClient.SqlClient, spec: TwoWayTableSpec, key: string, sourceId: string) =>
  sql.unsafe(`UPDATE ${name(spec)} SET _source_id = $2 WHERE _key = $1`, [key, sourceId]).pipe(Effect.asVoid)

/** Deletes a row, or marks it `_deleted` (`soft`). */
export const deleteRow = (sql: SqlClient.SqlClient, spec: TwoWayTableSpec, key: string, soft: boolean) =>
  sql
    .unsafe(
      soft
        ? `UPDATE ${name(spec)} SET _deleted = true, _modified_at = clock_timestamp() WHERE _key = $1`
        : `DELETE FROM ${name(spec)} WHERE _key = $1`,
      [key]
    )
    .pipe(Effect.asVoid)

/** The next keys users changed (from the change log, oldest first), with their log entries, leaving out `skip`. */
export const changedKeys = Effect.fnUntraced(function* (
  sql: SqlClient.SqlClient,
  spec: TwoWayTableSpec,
  skip: ReadonlyArray<string>,
  limit: number
) {
  const rows = yield* sql.unsafe<{ readonly key: string; readonly seqs: ReadonlyArray<string> }>(
    `SELECT record_key AS key, array_agg(seq::text) AS seqs FROM syncflow.two_way_changes
WHERE definition_id = $1 AND NOT (record_key = ANY($2))
GROUP BY record_key ORDER BY min(seq) LIMIT $3`,
    [spec.definitionId, yield* textArray(skip), limit]
  )
  return rows
})

/** Forgets change-log entries a cycle has handled. */
export const consumeChanges = Effect.fnUntraced(function* (sql: SqlClient.SqlClient, seqs: ReadonlyArray<string>) {
  if (seqs.length === 0) return
  yield* sql.unsafe("DELETE FROM syncflow.two_way_changes WHERE seq = ANY($1::bigint[])", [yield* textArray(seqs)])
})
