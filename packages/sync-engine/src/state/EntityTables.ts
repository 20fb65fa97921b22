/**
 * Which connector's entity each entity table holds (`syncflow.entity_tables`): a table is claimed
 * by the first sync that resolves to it, and a sync of another connector (or entity) that resolves
 * to the same table is refused instead of writing — and reconciling — rows that are not its own.
 * Deleting a connector releases its claims; its tables stay.
 */
import { Effect, Option, Schema } from "effect"
import { SqlClient } from "effect/sql"
import { StateStoreError } from "./StateStoreError.ts"

/** An entity's table, as claimed. */
export const EntityTable = Schema.Struct({
  connectorId: Schema.String,
  entity: Schema.String,
  /** The sync definition writing it; absent or `null` for the entity's default sync. */
  definitionId: Schema.optionalKey(Schema.NullOr(Schema.String)),
  schema: Schema.String,
  table: Schema.String
})
/** An entity's table, as claimed. */
export type EntityTable = typeof EntityTable.Type

const decode = Schema.decodeUnknownEffect(Schema.Array(EntityTable))

const columns = `connector_id AS "connectorId", entity, definition_id AS "definitionId", target_schema AS schema, target_table AS "table"`

const storeError =
  (operation: string) =>
  <A, E extends { readonly message: string }, R>(effect: Effect.Effect<A, E, R>) =>
    Effect.mapError(effect, (cause) => new StateStoreError({ operation, message: cause.message, cause }))

/**
 * Claims `schema.table` for the connector's entity (moving the entity's claim there when it had
 * another table). Returns the other connector or entity that holds it, when one does: the caller
 * must not write the table.
 */
export const claim = Effect.fn("EntityTables.claim")(function* (wanted: EntityTable) {
  const sql = (yield* SqlClient.SqlClient).withoutTransforms()
  const rows = yield* sql
    .unsafe(
      `WITH claimed AS (
  INSERT INTO syncflow.entity_tables (connector_id, entity, target_schema, target_table, definition_id)
  SELECT $1, $2, $3, $4, $5::text
  WHERE NOT EXISTS (
    SELECT 1 FROM syncflow.entity_tables
    WHERE target_schema = $3 AND target_table = $4
      AND (connector_id, entity, COALESCE(definition_id, '')) <> ($1, $2, COALESCE($5::text, ''))
  )
  ON CONFLICT (connector_id, entity, (COALESCE(definition_id, ''))) DO UPDATE SET target_schema = excluded.target_schema,
    target_table = excluded.target_table, claimed_at = now()
  WHERE (syncflow.entity_tables.target_schema, syncflow.entity_tables.target_table) <> ($3, $4)
)
SELECT ${columns} FROM syncflow.entity_tables
WHERE target_schema = $3 AND target_table = $4
  AND (connector_id, entity, COALESCE(definition_id, '')) <> ($1, $2, COALESCE($5::text, ''))`,
      [wanted.connectorId, wanted.entity, wanted.schema, wanted.table, wanted.definitionId ?? null]
    )
    .pipe(Effect.flatMap(decode))
  return Option.fromUndefinedOr(rows[0])
}, storeError("claimEntityTable"))

/** The tables claimed by a connector's entities (their default syncs). */
export const listOf = Effect.fn("EntityTables.listOf")(function* (connectorId: string) {
  const sql = (yield* SqlClient.SqlClient).withoutTransforms()
  return yield* sql
    .unsafe(
      `SELECT ${columns} FROM syncflow.entity_tables WHERE connector_id = $1 AND definition_id IS NULL ORDER BY entity`,
      [connectorId]
    )
    .pipe(Effect.flatMap(decode))
}, storeError("listEntityTables"))
