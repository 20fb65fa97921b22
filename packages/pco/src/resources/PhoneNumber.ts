/**
 * A phone number of a person.
 */
import { Schema } from "effect"
import { ToOne } from "../jsonApi/Relationship.ts"
import { Resource } from "../jsonApi/Resource.ts"
import { Timestamp } from "../schema/Timestamp.ts"

/** The attributes of a {@link PhoneNumber}. */
export const PhoneNumberAttributes = Schema.Struct({
  /** The number as entered. */
  number: Schema.String,
  e164: Schema.NullOr(Schema.String),
  international: Schema.NullOr(Schema.String),
  national: Schema.NullOr(Schema.String),
  country_code: Schema.NullOr(Schema.String),
  carrier: Schema.NullOr(Schema.String),
  location: Schema.NullOr(Schema.String),
  primary: Schema.Boolean,
  created_at: Timestamp,
  updated_at: Timestamp
})

/** A phone number; `person` names its owner. */
export const PhoneNumber = Resource("PhoneNumber", PhoneNumberAttributes, { person: Schema.optionalKey(ToOne) })

/** A decoded {@link PhoneNumber}. */
export type PhoneNumber = typeof PhoneNumber.Type

/** The attributes of a new phone number. */
export const PhoneNumberCreate = Schema.Struct({
  number: Schema.String,
  country_code: Schema.optionalKey(Schema.NullOr(Schema.String)),
  location: Schema.optionalKey(Schema.NullOr(Schema.String)),
  primary: Schema.optionalKey(Schema.Boolean)
})

/** The attributes a client may change on a phone number. */
export const PhoneNumberUpdate = Schema.Struct({
  ...PhoneNumberCreate.fields,
  number: Schema.optionalKey(Schema.String)
})
