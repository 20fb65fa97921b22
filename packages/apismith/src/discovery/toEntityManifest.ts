/**
 * From APISmith metadata to the sync engine's entity manifest.
 */
import type { ColumnManifest, EntityManifest } from "@syncflow/adapter-core"
import { Result } from "effect"
import { type ApiNames, apiNames } from "../naming/ApiNames.ts"
import { identifierOf } from "../naming/identifierOf.ts"
import { ROW_VERSION_FIELD } from "../rows/ApiSmithRecord.ts"
import type { ApiDescription } from "./ApiDescription.ts"
import type { ColumnDescription } from "./ColumnDescription.ts"
import { toColumnType } from "./OracleType.ts"

/** The qualified name of the endpoint every APISmith entity's records come from. */
export const DATA_ENDPOINT = "data.list"

/**
 * A column's manifest: its type from the Oracle type, the Oracle type itself as `sourceType`; named
 * `name` (the column's identifier, its alias by default) with the alias as `sourceName` when they differ.
 */
export const toColumnManifest = (
  column: ColumnDescription,
  businessKey: boolean,
  name: string = column.name
): ColumnManifest => {
  const { type, length, precision, scale } = toColumnType(column.data_type)
  return {
    name,
    ...(name === column.name ? {} : { sourceName: column.name }),
    type,
    sourceType: column.data_type.text,
    nullable: column.is_nullable,
    businessKey,
    ...(length === undefined ? {} : { length }),
    ...(precision === undefined ? {} : { precision }),
    ...(scale === undefined ? {} : { scale })
  }
}

/** The names of an API as discovery computes them; unchanged names when they cannot be normalized. */
const namesOf = (api: ApiDescription): ApiNames => {
  const names = apiNames(api)
  return Result.isSuccess(names)
    ? names.success
    : { slug: api.slug, entity: api.slug, columns: new Map(), renamesColumns: false }
}

/**
 * The entity manifest of an API: entity = the slug's identifier (see `identifierOf`; the slug as
 * `sourceName` when it differs), business key = `business_key_columns` (they win over the columns'
 * `is_business_key` flags), the parent with its foreign-key columns, and the columns, all by their
 * identifiers. Rowversion entities name `_row_version` as their cursor field.
 */
export const toEntityManifest = (api: ApiDescription, names: ApiNames = namesOf(api)): EntityManifest => {
  const column = (name: string) => names.columns.get(name) ?? name
  const keys = new Set(api.business_key_columns)
  const description = api.description ?? api.name
  const parent = api.parent
  return {
    entity: names.entity,
    ...(names.entity === api.slug ? {} : { sourceName: api.slug }),
    ...(description === "" ? {} : { description }),
    endpoint: DATA_ENDPOINT,
    businessKey: [column(api.business_key_columns[0]), ...api.business_key_columns.slice(1).map(column)],
    ...(api.delta_strategy === "rowversion" ? { cursorField: ROW_VERSION_FIELD } : {}),
    deltaStrategy: api.delta_strategy,
    parents:
      parent == null
        ? []
        : [
            {
              entity: Result.getOrElse(identifierOf("slug", parent.slug), () => parent.slug),
              foreignKey: parent.foreign_key_columns.map(column)
            }
          ],
    columns: api.columns.map((c) => toColumnManifest(c, keys.has(c.name), column(c.name)))
  }
}
