/**
 * Where a connector's tables go, as the API and CLI check it: a `targetSchema` given by a user must
 * be a lowercase identifier and not a reserved schema (it is never normalized); without one, the
 * connector's id must make a schema name (`ERP-2` makes `erp_2`). Two connectors never share a
 * schema: a new or changed schema that another connector already uses is a conflict.
 */
import { type Connector, ConnectorStore, Identifier, schemaOf } from "@syncflow/sync-engine"
import { Effect, Result } from "effect"
import { Conflict, InvalidField, Unavailable } from "../api/ApiErrors.ts"

/**
 * The schema the connector's tables will go to, or the field that is wrong. `except` is the
 * connector being changed (its own schema is no conflict).
 */
export const checkTargetSchema = Effect.fnUntraced(function* (
  connectorId: string,
  targetSchema: string | null
): Effect.fn.Return<string, InvalidField | Conflict | Unavailable, ConnectorStore> {
  const resolved = schemaOf({ id: connectorId, targetSchema })
  if (Result.isFailure(resolved)) {
    const field = targetSchema === null ? "id" : "targetSchema"
    const hint = targetSchema === null ? " (give the connector a targetSchema)" : ""
    return yield* new InvalidField({ field, detail: `${field}: ${resolved.failure.message}${hint}` })
  }
  const schema = resolved.success
  const all = yield* (yield* ConnectorStore).listConnectors.pipe(
    Effect.mapError((error) => new Unavailable({ detail: error.message }))
  )
  const other = all.find((connector) => connector.id !== connectorId && effectiveSchema(connector) === schema)
  if (other !== undefined) {
    return yield* new Conflict({
      field: "targetSchema",
      detail: `targetSchema: connector ${other.id} already writes to schema ${schema}`
    })
  }
  return schema
})

/** An entity's `targetTable` as given: a lowercase identifier (never normalized), or the field that is wrong. */
export const checkTargetTable = (targetTable: string | null | undefined): InvalidField | undefined => {
  if (targetTable === undefined || targetTable === null) return undefined
  const checked = Identifier.validateResult("table", targetTable)
  return Result.isFailure(checked)
    ? new InvalidField({ field: "targetTable", detail: `targetTable: ${checked.failure.message}` })
    : undefined
}

/** Where a stored connector's tables go, or `undefined` when its settings do not make a schema. */
export const effectiveSchema = (connector: Connector): string | undefined => {
  const resolved = schemaOf(connector)
  return Result.isSuccess(resolved) ? resolved.success : undefined
}
