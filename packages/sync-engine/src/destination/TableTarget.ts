/**
 * Where an entity's rows go: a schema and a table. Every `TableDestination` operation takes one, so two
 * connectors with the same entity names write different tables. The engine resolves an entity's
 * target once per sync (see `pipeline/resolveTarget.ts`): the connector's schema — its
 * `targetSchema`, or by default its id made an identifier with {@link defaultSchemaOf} — and the
 * entity's `targetTable`, or by default the entity's name.
 */
import { Effect, Result } from "effect"
import * as Identifier from "./Identifier.ts"

/** A table an entity's rows are written to. Both names must pass `Identifier.validate`. */
export interface TableTarget {
  readonly schema: string
  readonly table: string
  /** The entity the table holds, for error messages (the table's name when absent). */
  readonly entity?: string | undefined
}

/** Schemas SyncFlow never writes entity tables into: its own state, and PostgreSQL's catalogs. */
export const reservedSchemas: ReadonlySet<string> = new Set(["syncflow", "information_schema"])

/** `schema.table`, unquoted: how a target is named in messages and in the seen-keys table. */
export const keyOf = (target: TableTarget): string => `${target.schema}.${target.table}`

/** The name of the target's entity, for error messages. */
export const entityOf = (target: TableTarget): string => target.entity ?? target.table

/** A target in `schema` for `table` (and the entity of that name unless another is given). */
export const make = (schema: string, table: string, entity?: string): TableTarget =>
  entity === undefined ? { schema, table } : { schema, table, entity }

/**
 * Checks a schema name given for a connector (`targetSchema`): the identifier rule, and none of
 * the {@link reservedSchemas}. It is never normalized: a name that does not pass is refused.
 */
export const validateSchemaResult = (name: string): Result.Result<string, Identifier.InvalidIdentifier> =>
  Result.flatMap(Identifier.validateResult("schema", name), (valid) =>
    reservedSchemas.has(valid)
      ? Result.fail(
          new Identifier.InvalidIdentifier({
            kind: "schema",
            name,
            reason: "it is reserved for SyncFlow or PostgreSQL"
          })
        )
      : Result.succeed(valid)
  )

/** {@link validateSchemaResult} as an effect. */
export const validateSchema = (name: string): Effect.Effect<string, Identifier.InvalidIdentifier> =>
  Effect.fromResult(validateSchemaResult(name))

/**
 * The schema of a connector that names none: its id as an identifier (`Identifier.normalize`:
 * `"ERP-Plant 2"` becomes `erp_plant_2`, a UUID `_3f2a…`), never `public`. Deterministic, so every
 * process finds the same tables. An id that leaves nothing usable, or one that would land in a
 * reserved schema or in `public`, is refused: such a connector needs an explicit `targetSchema`.
 */
export const defaultSchemaOf = (connectorId: string): Result.Result<string, Identifier.InvalidIdentifier> =>
  Result.flatMap(Identifier.normalize("schema", connectorId), (schema) =>
    schema === "public"
      ? Result.fail(
          new Identifier.InvalidIdentifier({
            kind: "schema",
            name: connectorId,
            reason: "a connector's tables go to public only when its targetSchema says so"
          })
        )
      : validateSchemaResult(schema)
  )
