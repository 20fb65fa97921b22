/**
 * Another synced table, as join, lookup and merge steps read it: found through the tables' claims
 * (`syncflow.entity_tables`: an entity's default sync, or a sync definition), its columns read from
 * the catalog, and its live rows fetched by key, a page of keys at a time, as clean values (the forms
 * stages 2-5 produce: decimal text without trailing zeros, ISO 8601 UTC timestamps, ...).
 */
import type { ColumnManifest, ColumnType } from "@syncflow/adapter-core"
import { Effect } from "effect"
import { SqlClient } from "effect/sql"
import { convertValue } from "../stages/map/Mapper.ts"
import type { Row } from "../stages/Row.ts"
import { EtlRunError } from "./EtlRunError.ts"
import type { SyncedTableRef } from "./EtlStep.ts"

/** A synced table, resolved. */
export interface SyncedTable {
  readonly schema: string
  readonly table: string
  /** Its data columns (audit columns left out), typed. */
  readonly columns: ReadonlyArray<ColumnManifest>
}

/** The ref as text, for messages. */
export const showRef = (ref: SyncedTableRef): string =>
  "definition" in ref ? `definition ${ref.definition}` : `${ref.connectorId}:${ref.entity}`

const typeOfSql = (sqlType: string): ColumnType => {
  if (sqlType === "bigint" || sqlType === "integer" || sqlType === "smallint") return "integer"
  if (sqlType === "numeric" || sqlType === "double precision" || sqlType === "real") return "decimal"
  if (sqlType === "boolean") return "boolean"
  if (sqlType === "date") return "date"
  if (sqlType.startsWith("timestamp")) return "timestamp"
  if (sqlType === "jsonb" || sqlType === "json") return "json"
  if (sqlType === "bytea") return "binary"
  return "string"
}

const quote = (name: string) => `"${name.replaceAll('"', '""')}"`

/** The SQL reading a column as its clean value. */
const cleanSelect = (column: ColumnManifest): string => {
  const c = quote(column.name)
  switch (column.type) {
    case "integer":
      return `${c}::text`
    case "decimal":
      return `trim_scale(${c}::numeric)::text`
    case "date":
      return `${c}::text`
    case "timestamp":
      return `to_char(${c} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`
    case "binary":
      return `translate(encode(${c}, 'base64'), E'\\n', '')`
    default:
      return c
  }
}

const cleanValue = (type: ColumnType, value: unknown): unknown => {
  if (value === null || value === undefined) return null
  if (type === "integer" && typeof value === "string") {
    const n = Number(value)
    return Number.isSafeInteger(n) ? n : value
  }
  return value
}

/** Resolves a ref to its table and columns; a table not synced yet is an `EtlRunError` naming `step`. */
export const resolveSyncedTable = Effect.fnUntraced(function* (step: string, ref: SyncedTableRef) {
  const sql = (yield* SqlClient.SqlClient).withoutTransforms()
  const fail = (message: string) => new EtlRunError({ step, message })
  const claims = yield* sql
    .unsafe<{ readonly schema: string; readonly table: string }>(
      "definition" in ref
        ? `SELECT target_schema AS schema, target_table AS "table" FROM syncflow.entity_tables WHERE definition_id = $1`
        : `SELECT target_schema AS schema, target_table AS "table" FROM syncflow.entity_tables
           WHERE connector_id = $1 AND entity = $2 AND definition_id IS NULL`,
      "definition" in ref ? [ref.definition] : [ref.connectorId, ref.entity]
    )
    .pipe(Effect.mapError((e) => fail(e.message)))
  const claim = claims[0]
  if (claim === undefined) return yield* fail(`${showRef(ref)} has no synced table yet (sync it first)`)
  const columns = yield* sql
    .unsafe<{ readonly name: string; readonly type: string; readonly nullable: boolean }>(
      `SELECT column_name AS name, data_type AS type, is_nullable = 'YES' AS nullable FROM information_schema.columns
       WHERE table_schema = $1 AND table_name = $2 AND column_name NOT LIKE '\\_%' ORDER BY ordinal_position`,
      [claim.schema, claim.table]
    )
    .pipe(Effect.mapError((e) => fail(e.message)))
  if (columns.length === 0) return yield* fail(`${showRef(ref)}: table ${claim.schema}.${claim.table} is missing`)
  const table: SyncedTable = {
    schema: claim.schema,
    table: claim.table,
    columns: columns.map((c) => ({ name: c.name, type: typeOfSql(c.type), nullable: true, businessKey: false }))
  }
  return table
})

/** A column of a synced table by name, or an `EtlRunError` naming `step`. */
export const columnOf = (step: string, table: SyncedTable, name: string) => {
  const found = table.columns.find((c) => c.name === name)
  return found === undefined
    ? Effect.fail(
        new EtlRunError({ step, message: `${table.schema}.${table.table} has no column ${JSON.stringify(name)}` })
      )
    : Effect.succeed(found)
}

/** The key's text form for comparing with a column read as text (`null` for no key). */
export const keyText = (value: unknown): string | null =>
  value === null || value === undefined
    ? null
    : typeof value === "string"
      ? value
      : typeof value === "number" || typeof value === "boolean" || typeof value === "bigint"
        ? String(value)
        : JSON.stringify(value)

/**
 * Reads the live rows of `table` whose `keyColumn` (as text) is one of `keys`, their `columns` as
 * clean values converted for a destination column of their type; the first row per key wins.
 */
export const fetchByKey = Effect.fnUntraced(function* (
  step: string,
  table: SyncedTable,
  keyColumn: string,
  columns: ReadonlyArray<ColumnManifest>,
  keys: ReadonlyArray<string>
) {
  const found = new Map<string, Row>()
  if (keys.length === 0) return found
  const sql = (yield* SqlClient.SqlClient).withoutTransforms()
  const rows = yield* sql
    .unsafe<Record<string, unknown>>(
      `SELECT ${quote(keyColumn)}::text AS "__key", ${columns.map((c, i) => `${cleanSelect(c)} AS "c${i}"`).join(", ")}
       FROM ${quote(table.schema)}.${quote(table.table)}
       WHERE ${quote(keyColumn)}::text = ANY($1::text[]) AND NOT _deleted ORDER BY _id`,
      [keys]
    )
    .pipe(Effect.mapError((e) => new EtlRunError({ step, message: e.message })))
  for (const row of rows) {
    const key = row.__key
    if (typeof key !== "string" || found.has(key)) continue
    const values: Record<string, unknown> = {}
    columns.forEach((c, i) => {
      values[c.name] = convertValue(c.type, cleanValue(c.type, row[`c${i}`]))
    })
    found.set(key, values)
  }
  return found
})
