/**
 * An email address of a person.
 */
import { Schema } from "effect"
import { ToOne } from "../jsonApi/Relationship.ts"
import { Resource } from "../jsonApi/Resource.ts"
import { Timestamp } from "../schema/Timestamp.ts"

/** The attributes of an {@link Email}. */
export const EmailAttributes = Schema.Struct({
  address: Schema.String,
  /** `Home`, `Work`, `Other`, or a custom label. */
  location: Schema.NullOr(Schema.String),
  primary: Schema.Boolean,
  blocked: Schema.Boolean,
  created_at: Timestamp,
  updated_at: Timestamp
})

/** An email address; `person` names its owner. */
export const Email = Resource("Email", EmailAttributes, { person: Schema.optionalKey(ToOne) })

/** A decoded {@link Email}. */
export type Email = typeof Email.Type

/** The attributes of a new email address. */
export const EmailCreate = Schema.Struct({
  address: Schema.String,
  location: Schema.optionalKey(Schema.NullOr(Schema.String)),
  primary: Schema.optionalKey(Schema.Boolean)
})

/** The attributes a client may change on an email address. */
export const EmailUpdate = Schema.Struct({ ...EmailCreate.fields, address: Schema.optionalKey(Schema.String) })
