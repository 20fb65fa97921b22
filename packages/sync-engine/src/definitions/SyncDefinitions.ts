/**
 * The stored sync definitions (table `syncflow.sync_definitions`, migrations 12 and 13): list, read,
 * create, replace and delete them. Default definitions are created by discovery (the ManifestStore's
 * `saveManifests`) and read back with the schedule and the enabled flag of their entity's settings;
 * `create`, `replace` and `remove` refuse them with `DefaultDefinitionFixed`.
 *
 * Definitions are validated before they are stored (`validateDefinition`); this service only keeps them.
 */
import { PgTypes } from "@effect/sql-pg"
import { Context, Effect, Layer, Option, Schema } from "effect"
import { SqlClient } from "effect/sql"
import { ManifestStore } from "../state/ManifestStore.ts"
import type { StateStoreError } from "../state/StateStoreError.ts"
import { now, storeError } from "../state/storeHelpers.ts"
import { DefaultDefinitionFixed, DefinitionNotFound, DefinitionTaken } from "./DefinitionErrors.ts"
import { type NewSyncDefinition, SyncDefinition } from "./SyncDefinition.ts"

/** Which definitions `list` returns: all, or those reading from (or writing to) a connector. */
export interface DefinitionFilter {
  readonly connectorId?: string | undefined
  readonly entity?: string | undefined
}

/** The operations on stored sync definitions. */
export interface SyncDefinitionsService {
  /** Definitions by name (default definitions too), filtered by source connector and entity. */
  readonly list: (filter?: DefinitionFilter) => Effect.Effect<ReadonlyArray<SyncDefinition>, StateStoreError>
  /** A definition by id, or by name. */
  readonly get: (idOrName: string) => Effect.Effect<Option.Option<SyncDefinition>, StateStoreError>
  /** Stores a new definition; its id and name must be free. */
  readonly create: (definition: NewSyncDefinition) => Effect.Effect<SyncDefinition, DefinitionTaken | StateStoreError>
  /** Replaces a definition (everything but its id and creation time). */
  readonly replace: (
    id: string,
    definition: NewSyncDefinition
  ) => Effect.Effect<SyncDefinition, DefinitionNotFound | DefinitionTaken | DefaultDefinitionFixed | StateStoreError>
  /** Deletes a definition. */
  readonly remove: (id: string) => Effect.Effect<void, DefinitionNotFound | DefaultDefinitionFixed | StateStoreError>
}

const definitionColumns = `d.id, d.name, d.is_default AS "isDefault",
  json_build_object('connectorId', d.source_connector_id, 'entity', d.source_entity) AS source,
  d.destination, d.mapping, d.filters, d.operation, d.match_key AS "matchKey", d.direction, d.bidirectional,
  CASE WHEN d.is_default THEN
    CASE WHEN e.cron IS NOT NULL THEN json_build_object('cron', e.cron)
         WHEN e.interval_seconds IS NOT NULL THEN json_build_object('intervalSeconds', e.interval_seconds) END
  ELSE
    CASE WHEN d.cron IS NOT NULL THEN json_build_object('cron', d.cron)
         WHEN d.interval_seconds IS NOT NULL THEN json_build_object('intervalSeconds', d.interval_seconds) END
  END AS schedule,
  CASE WHEN d.is_default THEN coalesce(e.enabled, false) ELSE d.enabled END AS enabled,
  d.pipeline,
  (SELECT json_build_object('version', m.version, 'entries', m.entries) FROM syncflow.field_mappings m
    WHERE m.definition_id = d.id ORDER BY m.version DESC LIMIT 1) AS "fieldMapping",
  d.created_at AS "createdAt", d.updated_at AS "updatedAt"`

const fromDefinitions = `FROM syncflow.sync_definitions d
  LEFT JOIN syncflow.entities e ON e.connector_id = d.source_connector_id AND e.entity = d.source_entity`

const decodeDefinitions = Schema.decodeUnknownEffect(Schema.Array(SyncDefinition))

/** The statement parameters of a definition's columns, from `$3` on (`$1` id, `$2` name). */
const columnValues = (definition: NewSyncDefinition) => [
  definition.source.connectorId,
  definition.source.entity,
  PgTypes.jsonb(definition.destination),
  definition.destination.kind === "connector" ? definition.destination.connectorId : null,
  definition.mapping === null ? null : PgTypes.jsonb(definition.mapping),
  PgTypes.jsonb(definition.filters),
  definition.operation,
  definition.matchKey === null ? null : PgTypes.jsonb(definition.matchKey),
  definition.direction,
  definition.schedule !== null && "intervalSeconds" in definition.schedule ? definition.schedule.intervalSeconds : null,
  definition.schedule !== null && "cron" in definition.schedule ? definition.schedule.cron : null,
  definition.enabled,
  PgTypes.jsonb(definition.pipeline),
  definition.bidirectional === null ? null : PgTypes.jsonb(definition.bidirectional)
]

const make = Effect.gen(function* () {
  yield* ManifestStore // built by StateStores.layer, which has applied the migrations
  const sql = (yield* SqlClient.SqlClient).withoutTransforms()

  const select = (where: string, params: ReadonlyArray<unknown>) =>
    Effect.flatMap(
      sql.unsafe(`SELECT ${definitionColumns} ${fromDefinitions} ${where}`, params as Array<unknown>),
      decodeDefinitions
    ).pipe(storeError("readDefinitions"))

  const run = (statement: string, params: ReadonlyArray<unknown>) =>
    sql.unsafe(statement, params as Array<unknown>).pipe(storeError("writeDefinitions"))

  const list = Effect.fn("SyncDefinitions.list")(function* (filter: DefinitionFilter = {}) {
    return yield* select(
      `WHERE ($1::text IS NULL OR d.source_connector_id = $1 OR d.destination_connector_id = $1)
         AND ($2::text IS NULL OR d.source_entity = $2) ORDER BY d.is_default, d.name`,
      [filter.connectorId ?? null, filter.entity ?? null]
    )
  })

  const get = Effect.fn("SyncDefinitions.get")(function* (idOrName: string) {
    const rows = yield* select("WHERE d.id = $1 OR d.name = $1 ORDER BY (d.id = $1) DESC LIMIT 1", [idOrName])
    return Option.fromUndefinedOr(rows[0])
  })

  const byId = (id: string) => select("WHERE d.id = $1", [id]).pipe(Effect.map((rows) => rows[0]))

  const nameTaken = (name: string, id: string) =>
    Effect.map(
      run("SELECT 1 FROM syncflow.sync_definitions WHERE name = $1 AND id <> $2", [name, id]),
      (rows) => rows.length > 0
    )

  const create = Effect.fn("SyncDefinitions.create")(function* (definition: NewSyncDefinition) {
    const existing = yield* run("SELECT 1 FROM syncflow.sync_definitions WHERE id = $1", [definition.id])
    if (existing.length > 0) {
      return yield* new DefinitionTaken({
        field: "id",
        message: `A sync definition ${JSON.stringify(definition.id)} exists`
      })
    }
    if (yield* nameTaken(definition.name, definition.id)) {
      return yield* new DefinitionTaken({
        field: "name",
        message: `Another sync definition is named ${JSON.stringify(definition.name)}`
      })
    }
    const at = yield* now
    yield* run(
      `INSERT INTO syncflow.sync_definitions (id, name, is_default, source_connector_id, source_entity, destination,
         destination_connector_id, mapping, filters, operation, match_key, direction, interval_seconds, cron, enabled,
         pipeline, bidirectional, created_at, updated_at)
       VALUES ($1, $2, false, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $17)`,
      [definition.id, definition.name, ...columnValues(definition), at]
    )
    const stored = yield* byId(definition.id)
    if (stored === undefined) return yield* Effect.die(`sync definition ${definition.id} vanished`)
    return stored
  })

  const fixable = Effect.fnUntraced(function* (id: string) {
    const found = yield* byId(id)
    if (found === undefined) return yield* new DefinitionNotFound({ id })
    if (found.isDefault) return yield* new DefaultDefinitionFixed({ id })
    return found
  })

  const replace = Effect.fn("SyncDefinitions.replace")(function* (id: string, definition: NewSyncDefinition) {
    yield* fixable(id)
    if (yield* nameTaken(definition.name, id)) {
      return yield* new DefinitionTaken({
        field: "name",
        message: `Another sync definition is named ${JSON.stringify(definition.name)}`
      })
    }
    yield* run(
      `UPDATE syncflow.sync_definitions SET name = $2, source_connector_id = $3, source_entity = $4, destination = $5,
         destination_connector_id = $6, mapping = $7, filters = $8, operation = $9, match_key = $10, direction = $11,
         interval_seconds = $12, cron = $13, enabled = $14, pipeline = $15, bidirectional = $16, updated_at = $17
       WHERE id = $1 AND NOT is_default`,
      [id, definition.name, ...columnValues(definition), yield* now]
    )
    const stored = yield* byId(id)
    if (stored === undefined) return yield* new DefinitionNotFound({ id })
    return stored
  })

  const remove = Effect.fn("SyncDefinitions.remove")(function* (id: string) {
    yield* fixable(id)
    yield* run("DELETE FROM syncflow.sync_definitions WHERE id = $1 AND NOT is_default", [id])
  })

  return SyncDefinitions.of({ list, get, create, replace, remove })
})

/** The stored sync definitions. */
export class SyncDefinitions extends Context.Service<SyncDefinitions, SyncDefinitionsService>()(
  "@syncflow/sync-engine/definitions/SyncDefinitions"
) {
  /** The definitions on the ambient database (after the migrations, applied by `StateStores.layer`). */
  static readonly layer: Layer.Layer<SyncDefinitions, never, SqlClient.SqlClient | ManifestStore> = Layer.effect(
    SyncDefinitions,
    make
  )
}
