/**
 * Whether a two-way definition can work, each failure an `InvalidDefinition` naming the field: the
 * destination is a PostgreSQL table; the settings (`bidirectional`) are given, with at least one
 * field, every field one of the source entity's (when its manifest declares fields), every column
 * a valid identifier named once and not one of the table's own columns (`_key`, `_source_id`,
 * `_modified_at`, `_deleted`); the source connector's adapter writes the entity; and the one-way
 * options (`mapping`, `filters`, `matchKey`, an `operation` other than `upsert`) are absent.
 */
import type { EntityManifest } from "@syncflow/adapter-core"
import { Effect, Result } from "effect"
import { InvalidDefinition } from "../definitions/DefinitionErrors.ts"
import type { NewSyncDefinition } from "../definitions/SyncDefinition.ts"
import { writableEntities } from "../definitions/writableEntities.ts"
import * as Identifier from "../destination/Identifier.ts"
import { ConnectorAdapters } from "../workflow/ConnectorAdapters.ts"
import { syncedFields } from "./TwoWaySettings.ts"

/** The columns every two-way table has besides its fields. */
export const ownColumns = ["_key", "_source_id", "_modified_at", "_deleted"] as const

const invalid = (field: string, message: string) => new InvalidDefinition({ field, message })

/** Checks a two-way definition (see the module comment). */
export const validateTwoWay = Effect.fnUntraced(function* (definition: NewSyncDefinition, source: EntityManifest) {
  if (definition.destination.kind !== "postgres") {
    return yield* invalid(
      "direction",
      "a bidirectional definition keeps a connector's entity and a PostgreSQL table equal (destination.kind: postgres)"
    )
  }
  const settings = definition.bidirectional
  if (settings === null)
    return yield* invalid("bidirectional", "a bidirectional definition needs its settings (bidirectional.fields)")
  for (const [option, absent] of [
    ["mapping", definition.mapping === null],
    ["filters", definition.filters.length === 0],
    ["matchKey", definition.matchKey === null],
    ["operation", definition.operation === "upsert"],
    ["pipeline", definition.pipeline.length === 0]
  ] as const) {
    if (!absent)
      return yield* invalid(
        option,
        `a bidirectional definition names its fields in bidirectional.fields (${option} is one-way)`
      )
  }
  const fields = syncedFields(settings)
  if (fields.length === 0) return yield* invalid("bidirectional.fields", "name at least one field to keep equal")
  const known = new Set((source.columns ?? []).map((c) => c.name))
  const columns = new Map<string, string>()
  for (const field of fields) {
    if (known.size > 0 && !known.has(field.field)) {
      return yield* invalid(
        `bidirectional.fields.${field.field}`,
        `${source.entity} has no field ${JSON.stringify(field.field)}`
      )
    }
    const checked = Identifier.validateResult("column", field.column)
    if (Result.isFailure(checked))
      return yield* invalid(`bidirectional.fields.${field.field}.column`, checked.failure.message)
    if ((ownColumns as ReadonlyArray<string>).includes(field.column)) {
      return yield* invalid(
        `bidirectional.fields.${field.field}.column`,
        `${field.column} is a column of the two-way table itself`
      )
    }
    const other = columns.get(field.column)
    if (other !== undefined) {
      return yield* invalid(
        `bidirectional.fields.${field.field}.column`,
        `${JSON.stringify(other)} is already in column ${JSON.stringify(field.column)}`
      )
    }
    columns.set(field.column, field.field)
  }
  const runtime = yield* Effect.result((yield* ConnectorAdapters).runtime(definition.source.connectorId))
  if (Result.isFailure(runtime)) return yield* invalid("source.connectorId", runtime.failure.message)
  const writable = yield* Effect.result(writableEntities(runtime.success.adapter, definition.source.entity))
  if (Result.isFailure(writable) || !writable.success.includes(definition.source.entity)) {
    return yield* invalid(
      "source.entity",
      `connector ${JSON.stringify(definition.source.connectorId)} cannot write ${JSON.stringify(definition.source.entity)}, so it cannot be synced both ways`
    )
  }
})
