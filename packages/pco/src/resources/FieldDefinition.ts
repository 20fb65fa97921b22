/**
 * A custom field definition: the schema of the custom data (`FieldDatum`) a church keeps on people.
 */
import { Schema } from "effect"
import { ToOne } from "../jsonApi/Relationship.ts"
import { Resource } from "../jsonApi/Resource.ts"
import { Timestamp } from "../schema/Timestamp.ts"

/** The kinds of custom field Planning Center offers. */
export const FieldDataType = Schema.Literals([
  "string",
  "text",
  "date",
  "boolean",
  "select",
  "checkboxes",
  "file",
  "number",
  "header"
])

/** The attributes of a {@link FieldDefinition}. */
export const FieldDefinitionAttributes = Schema.Struct({
  name: Schema.String,
  data_type: FieldDataType,
  sequence: Schema.Int,
  slug: Schema.NullOr(Schema.String),
  config: Schema.NullOr(Schema.Unknown),
  /** Set when the field was deleted (listed only with `filter=include_deleted`). */
  deleted_at: Schema.NullOr(Timestamp),
  tab_id: Schema.NullOr(Schema.String)
})

/** A custom field definition; `tab` is the profile tab it shows on. */
export const FieldDefinition = Resource("FieldDefinition", FieldDefinitionAttributes, {
  tab: Schema.optionalKey(ToOne)
})

/** A decoded {@link FieldDefinition}. */
export type FieldDefinition = typeof FieldDefinition.Type
