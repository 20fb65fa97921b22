/**
 * A value of a custom field on a person.
 */
import { Schema } from "effect"
import { ToOne } from "../jsonApi/Relationship.ts"
import { Resource } from "../jsonApi/Resource.ts"
import { Timestamp } from "../schema/Timestamp.ts"

/** An uploaded file of a `file` field. */
export const FieldFile = Schema.Struct({ url: Schema.String })

/** The attributes of a {@link FieldDatum}. */
export const FieldDatumAttributes = Schema.Struct({
  /** The value as text (dates as `YYYY-MM-DD`, booleans as `true`/`false`). */
  value: Schema.NullOr(Schema.String),
  file: Schema.NullOr(FieldFile),
  file_size: Schema.NullOr(Schema.Int),
  file_content_type: Schema.NullOr(Schema.String),
  file_name: Schema.NullOr(Schema.String),
  created_at: Timestamp,
  updated_at: Timestamp
})

/** A custom field value: `customizable` is the person it belongs to, `field_definition` its field. */
export const FieldDatum = Resource("FieldDatum", FieldDatumAttributes, {
  field_definition: Schema.optionalKey(ToOne),
  customizable: Schema.optionalKey(ToOne)
})

/** A decoded {@link FieldDatum}. */
export type FieldDatum = typeof FieldDatum.Type

/** A new custom field value: its field definition and value. */
export const FieldDatumCreate = Schema.Struct({
  field_definition_id: Schema.String,
  value: Schema.NullOr(Schema.String)
})

/** The attributes a client may change on a custom field value. */
export const FieldDatumUpdate = Schema.Struct({ value: Schema.NullOr(Schema.String) })
