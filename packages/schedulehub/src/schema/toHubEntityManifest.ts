/**
 * From ScheduleHub's schema to the engine's entity manifests: one per entity, keyed by
 * `erp_key_hash` (unique among live records), with its fields, the identity fields, and a parent
 * dependency per `via` link, so parents are written before their children.
 */
import type { ColumnManifest, ColumnType, EntityManifest } from "@syncflow/adapter-core"
import type { EntityDescription, HubFieldType } from "../endpoints/GetSchema.ts"
import { ListRecords } from "../endpoints/ListRecords.ts"

/** The field holding a record's business-key hash, unique per entity. */
export const KEY_HASH_FIELD = "erp_key_hash"

/** The identity fields every record carries besides its own fields. */
export const IDENTITY_FIELDS: ReadonlyArray<string> = ["erp_key_hash", "erp_data_hash", "erp_rowversion"]

const columnTypes: Record<HubFieldType, ColumnType> = {
  string: "string",
  integer: "integer",
  decimal: "decimal",
  boolean: "boolean",
  date: "date",
  timestamp: "timestamp",
  json: "json"
}

const column = (name: string, type: ColumnType, nullable: boolean, businessKey = false): ColumnManifest => ({
  name,
  type,
  nullable,
  businessKey
})

/** The manifest of one ScheduleHub entity. */
export const toHubEntityManifest = (entity: EntityDescription): EntityManifest => {
  const own = entity.fields.filter((field) => field.name !== "uid" && !IDENTITY_FIELDS.includes(field.name))
  return {
    entity: entity.name,
    endpoint: ListRecords.qualifiedName,
    businessKey: [KEY_HASH_FIELD],
    deltaStrategy: "full",
    parents: entity.parents.map((parent) => ({ entity: parent.entity, foreignKey: [parent.via] })),
    columns: [
      column("uid", "string", false),
      column(KEY_HASH_FIELD, "string", false, true),
      column("erp_data_hash", "string", true),
      column("erp_rowversion", "string", true),
      ...own.map((field) => column(field.name, columnTypes[field.type], !field.required))
    ]
  }
}
