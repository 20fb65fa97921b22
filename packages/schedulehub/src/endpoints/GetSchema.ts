/**
 * `GET /api/v1/schema`: ScheduleHub's entities, their fields and their parents (named by `via`).
 */
import { defineEndpoint } from "@syncflow/adapter-core"
import { Schema } from "effect"

/** The type of a ScheduleHub field. */
export const HubFieldType = Schema.Literals(["string", "integer", "decimal", "boolean", "date", "timestamp", "json"])

/** The type of a ScheduleHub field. */
export type HubFieldType = typeof HubFieldType.Type

/** One field of an entity. */
export const FieldDescription = Schema.Struct({
  name: Schema.String,
  type: HubFieldType,
  required: Schema.Boolean
})

/** One field of an entity. */
export type FieldDescription = typeof FieldDescription.Type

/** A parent of an entity: the child names the parent's `erp_key_hash` in its field `via`. */
export const HubParentLink = Schema.Struct({
  entity: Schema.String,
  via: Schema.String
})

/** A parent of an entity. */
export type HubParentLink = typeof HubParentLink.Type

/** One entity of ScheduleHub. */
export const EntityDescription = Schema.Struct({
  name: Schema.String,
  fields: Schema.Array(FieldDescription),
  parents: Schema.Array(HubParentLink)
})

/** One entity of ScheduleHub. */
export type EntityDescription = typeof EntityDescription.Type

/** The whole schema. */
export const ScheduleHubSchema = Schema.Struct({ entities: Schema.Array(EntityDescription) })

/** The whole schema. */
export type ScheduleHubSchema = typeof ScheduleHubSchema.Type

/** The schema endpoint, for discovery. */
export const GetSchema = defineEndpoint({
  entity: "schema",
  module: "schema",
  name: "get",
  method: "GET",
  path: "/api/v1/schema",
  response: ScheduleHubSchema
})
