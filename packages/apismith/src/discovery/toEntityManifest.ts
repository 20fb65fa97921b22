/**
 * From APISmith metadata to the sync engine's entity manifest.
 */
import type { ColumnManifest, EntityManifest } from "@syncflow/adapter-core"
import { ROW_VERSION_FIELD } from "../rows/ApiSmithRecord.ts"
import type { ApiDescription } from "./ApiDescription.ts"
import type { ColumnDescription } from "./ColumnDescription.ts"
import { toColumnType } from "./OracleType.ts"

/** The qualified name of the endpoint every APISmith entity's records come from. */
export const DATA_ENDPOINT = "data.list"

/** A column's manifest: its type from the Oracle type, the Oracle type itself as `sourceType`. */
export const toColumnManifest = (column: ColumnDescription, businessKey: boolean): ColumnManifest => {
  const { type, length, precision, scale } = toColumnType(column.data_type)
  return {
    name: column.name,
    type,
    sourceType: column.data_type.text,
    nullable: column.is_nullable,
    businessKey,
    ...(length === undefined ? {} : { length }),
    ...(precision === undefined ? {} : { precision }),
    ...(scale === undefined ? {} : { scale })
  }
}

/**
 * The entity manifest of an API: entity = slug, business key = `business_key_columns` (they win
 * over the columns' `is_business_key` flags), the parent with its foreign-key columns, and the
 * columns. Rowversion entities name `_row_version` as their cursor field.
 */
export const toEntityManifest = (api: ApiDescription): EntityManifest => {
  const keys = new Set(api.business_key_columns)
  const description = api.description ?? api.name
  return {
    entity: api.slug,
    ...(description === "" ? {} : { description }),
    endpoint: DATA_ENDPOINT,
    businessKey: api.business_key_columns,
    ...(api.delta_strategy === "rowversion" ? { cursorField: ROW_VERSION_FIELD } : {}),
    deltaStrategy: api.delta_strategy,
    parents: api.parent == null ? [] : [{ entity: api.parent.slug, foreignKey: api.parent.foreign_key_columns }],
    columns: api.columns.map((column) => toColumnManifest(column, keys.has(column.name)))
  }
}
