/**
 * Moves a connector's tables to another schema without re-syncing: `ALTER TABLE ... SET SCHEMA`
 * for every entity table it has (rows, indexes, audit columns and all), the connector's
 * `targetSchema` changed, the tables' claims and any seen keys of a listing in progress moved with
 * them — in ONE transaction holding SyncFlow's DDL lock, so either every table moves or none does.
 * This is how a deployment of the old layout (every table in `public`) moves each connector's
 * tables into a schema of their own. It holds the lease of every entity of the connector (see
 * `EntityLeases`) while it moves them, so no sync of the connector runs meanwhile: one that is
 * running makes it fail with `EntityBusy` (nothing moved), and one asked for meanwhile waits or is
 * refused as it would be behind any other sync.
 */
import { Effect, Option, Schema } from "effect"
import { SqlClient } from "effect/sql"
import { ddlLockSql } from "../destination/DdlLock.ts"
import * as Identifier from "../destination/Identifier.ts"
import * as TableTarget from "../destination/TableTarget.ts"
import { ConnectorStore } from "../state/ConnectorStore.ts"
import { EntityLeases } from "../state/EntityLeases.ts"
import * as EntityTables from "../state/EntityTables.ts"
import { ManifestStore } from "../state/ManifestStore.ts"
import { ConnectorNotFound } from "../state/StateStoreError.ts"
import { holdLease, processHolder } from "./holdLease.ts"
import { schemaOf, TableTaken } from "./resolveTarget.ts"

/** A table cannot be moved: the schema it would go to already has a table of that name. */
export class TableMoveRefused extends Schema.TaggedError<TableMoveRefused>()("TableMoveRefused", {
  connectorId: Schema.String,
  entity: Schema.String,
  from: Schema.String,
  to: Schema.String,
  reason: Schema.String
}) {
  override get message(): string {
    return `${this.connectorId}/${this.entity}: cannot move ${this.from} to ${this.to}: ${this.reason}`
  }
}

/** What happened to one entity's table. */
export interface MovedTable {
  readonly entity: string
  /** `schema.table` before. */
  readonly from: string
  /** `schema.table` after. */
  readonly to: string
  /** `false` when there was no SyncFlow table at `from` (never synced): nothing moved, the next sync creates it at `to`. */
  readonly moved: boolean
}

/** Where to move a connector's tables. */
export interface MoveTablesRequest {
  readonly connectorId: string
  /** The schema to move to, stored as the connector's `targetSchema`; `null` or absent: the default (its id). */
  readonly toSchema?: string | null | undefined
}

/** Whether `schema.table` is a table SyncFlow created (it has a `_bk_hash` column). */
const syncFlowTableSql = `SELECT EXISTS (
  SELECT 1 FROM pg_catalog.pg_class c
  JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
  JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attname = '_bk_hash' AND NOT a.attisdropped
  WHERE n.nspname = $1 AND c.relname = $2 AND c.relkind IN ('r', 'p')
) AS found`

/** Whether any relation is named `schema.table`. */
const relationSql = `SELECT EXISTS (
  SELECT 1 FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
  WHERE n.nspname = $1 AND c.relname = $2
) AS found`

/**
 * Moves the tables of a connector's discovered entities from where they are now (where they were
 * last synced, or the connector's current schema) to `toSchema`, and makes it the connector's
 * `targetSchema`. Returns what happened per entity.
 */
export const moveTables = Effect.fn("moveTables")(function* (request: MoveTablesRequest) {
  const connectorStore = yield* ConnectorStore
  const manifestStore = yield* ManifestStore
  const sql = (yield* SqlClient.SqlClient).withoutTransforms()
  const { connectorId } = request
  const connector = yield* connectorStore.getConnector(connectorId)
  if (Option.isNone(connector)) return yield* new ConnectorNotFound({ connectorId })
  const toSchema = request.toSchema ?? null
  const current = yield* Effect.fromResult(schemaOf(connector.value))
  const destination = yield* Effect.fromResult(schemaOf({ id: connectorId, targetSchema: toSchema }))

  const exists = (query: string, schema: string, table: string) =>
    Effect.map(sql.unsafe<{ readonly found: boolean }>(query, [schema, table]), (rows) => rows[0]?.found === true)

  // No sync of the connector runs while its tables move: every entity's lease is held (committed,
  // so other processes see it) from before the move until after it.
  const provided = yield* Effect.serviceOption(EntityLeases)
  const leases = Option.isSome(provided) ? provided.value : yield* EntityLeases.make()
  const entities = yield* manifestStore.listManifests(connectorId)
  const holder = `move-tables ${processHolder()}`
  yield* Effect.forEach(
    entities,
    ({ entity }) => holdLease(leases, { connectorId, entity }, holder, { release: true }),
    { discard: true }
  )

  return yield* sql.withTransaction(
    Effect.gen(function* () {
      yield* sql.unsafe(ddlLockSql)
      const claims = new Map((yield* EntityTables.listOf(connectorId)).map((claim) => [claim.entity, claim]))
      const seenTable = yield* sql.unsafe<{ readonly name: string | null }>(
        "SELECT to_regclass('syncflow.destination_seen')::text AS name"
      )
      const moved: Array<MovedTable> = []
      for (const { entity, settings } of entities) {
        const table = yield* Identifier.validate("table", settings.targetTable ?? entity)
        const claim = claims.get(entity)
        const from = TableTarget.make(claim?.schema ?? current, claim?.table ?? table, entity)
        const to = TableTarget.make(destination, table, entity)
        const fromKey = TableTarget.keyOf(from)
        const toKey = TableTarget.keyOf(to)
        if (fromKey === toKey || !(yield* exists(syncFlowTableSql, from.schema, from.table))) {
          moved.push({ entity, from: fromKey, to: toKey, moved: false })
          continue
        }
        if (yield* exists(relationSql, to.schema, to.table)) {
          return yield* new TableMoveRefused({
            connectorId,
            entity,
            from: fromKey,
            to: toKey,
            reason: `${toKey} already exists`
          })
        }
        yield* sql.unsafe(`CREATE SCHEMA IF NOT EXISTS ${Identifier.quote(to.schema)}`)
        yield* sql.unsafe(
          `ALTER TABLE ${Identifier.qualified(from.schema, from.table)} SET SCHEMA ${Identifier.quote(to.schema)}`
        )
        if (from.table !== to.table) {
          yield* sql.unsafe(
            `ALTER TABLE ${Identifier.qualified(to.schema, from.table)} RENAME TO ${Identifier.quote(to.table)}`
          )
        }
        // A listing in progress keeps the keys it has seen: they are recorded by table.
        if (seenTable[0]?.name !== null && seenTable[0]?.name !== undefined) {
          yield* sql.unsafe("UPDATE syncflow.destination_seen SET table_name = $2 WHERE table_name = $1", [
            fromKey,
            toKey
          ])
        }
        const owner = yield* EntityTables.claim({ connectorId, entity, schema: to.schema, table: to.table })
        if (Option.isSome(owner)) {
          return yield* new TableTaken({
            connectorId,
            entity,
            table: toKey,
            ownerConnectorId: owner.value.connectorId,
            ownerEntity: owner.value.entity
          })
        }
        moved.push({ entity, from: fromKey, to: toKey, moved: true })
      }
      yield* connectorStore.updateConnector(connectorId, { targetSchema: toSchema })
      yield* Effect.logInfo("connector tables moved").pipe(
        Effect.annotateLogs({
          connector: connectorId,
          schema: destination,
          tables: moved.filter((m) => m.moved).length
        })
      )
      return moved as ReadonlyArray<MovedTable>
    })
  )
}, Effect.scoped)
