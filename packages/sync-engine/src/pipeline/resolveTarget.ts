/**
 * Where a connector's entity is written: the connector's schema (its `targetSchema`, or its id as
 * an identifier) and the entity's table (its `targetTable`, or its name). Resolved from the stored
 * settings once per sync, and claimed in `syncflow.entity_tables`, so two connectors never write
 * one table: the second is refused with {@link TableTaken}.
 */
import { Effect, Option, type Result, Schema } from "effect"
import { SqlClient } from "effect/sql"
import * as Identifier from "../destination/Identifier.ts"
import * as TableTarget from "../destination/TableTarget.ts"
import { ConnectorStore } from "../state/ConnectorStore.ts"
import * as EntityTables from "../state/EntityTables.ts"
import { ManifestStore } from "../state/ManifestStore.ts"
import { ConnectorNotFound } from "../state/StateStoreError.ts"

/** The table an entity resolves to already holds another connector's (or entity's) rows. */
export class TableTaken extends Schema.TaggedError<TableTaken>()("TableTaken", {
  connectorId: Schema.String,
  entity: Schema.String,
  /** `schema.table`. */
  table: Schema.String,
  ownerConnectorId: Schema.String,
  ownerEntity: Schema.String
}) {
  override get message(): string {
    return (
      `${this.connectorId}/${this.entity}: table ${this.table} holds ${this.ownerConnectorId}/${this.ownerEntity}; ` +
      "give this connector another targetSchema (or the entity another targetTable)"
    )
  }
}

/** The schema a connector's tables go to, from its stored `targetSchema` (or its id). */
export const schemaOf = (connector: {
  readonly id: string
  readonly targetSchema: string | null
}): Result.Result<string, Identifier.InvalidIdentifier> =>
  connector.targetSchema === null
    ? TableTarget.defaultSchemaOf(connector.id)
    : TableTarget.validateSchemaResult(connector.targetSchema)

/**
 * The targets of a connector's entities, reading the connector once: `target(entity)` resolves an
 * entity's table (without claiming it), `claimed(entity)` also claims it for the connector.
 */
export const connectorTargets = Effect.fnUntraced(function* (connectorId: string) {
  const connectorStore = yield* ConnectorStore
  const manifestStore = yield* ManifestStore
  const sql = yield* SqlClient.SqlClient
  const connector = yield* connectorStore.getConnector(connectorId)
  if (Option.isNone(connector)) return yield* new ConnectorNotFound({ connectorId })
  const schema = yield* Effect.fromResult(schemaOf(connector.value))

  const target = Effect.fnUntraced(function* (entity: string) {
    const discovered = yield* manifestStore.getManifest(connectorId, entity)
    const named = Option.match(discovered, {
      onNone: () => null,
      onSome: (found) => found.settings.targetTable
    })
    const table = yield* Identifier.validate("table", named ?? entity)
    return TableTarget.make(schema, table, entity)
  })

  const claimed = Effect.fnUntraced(function* (entity: string) {
    const resolved = yield* target(entity)
    const owner = yield* EntityTables.claim({ connectorId, entity, schema, table: resolved.table }).pipe(
      Effect.provideService(SqlClient.SqlClient, sql)
    )
    if (Option.isSome(owner)) {
      return yield* new TableTaken({
        connectorId,
        entity,
        table: TableTarget.keyOf(resolved),
        ownerConnectorId: owner.value.connectorId,
        ownerEntity: owner.value.entity
      })
    }
    return resolved
  })

  return { schema, target, claimed }
})
