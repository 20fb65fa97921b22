/**
 * A postal address of a person.
 */
import { Schema } from "effect"
import { ToOne } from "../jsonApi/Relationship.ts"
import { Resource } from "../jsonApi/Resource.ts"
import { Timestamp } from "../schema/Timestamp.ts"

/** The attributes of an {@link Address}. */
export const AddressAttributes = Schema.Struct({
  street_line_1: Schema.NullOr(Schema.String),
  street_line_2: Schema.NullOr(Schema.String),
  city: Schema.NullOr(Schema.String),
  state: Schema.NullOr(Schema.String),
  zip: Schema.NullOr(Schema.String),
  country_code: Schema.NullOr(Schema.String),
  country_name: Schema.NullOr(Schema.String),
  location: Schema.NullOr(Schema.String),
  primary: Schema.Boolean,
  created_at: Timestamp,
  updated_at: Timestamp
})

/** A postal address; `person` names its owner. */
export const Address = Resource("Address", AddressAttributes, { person: Schema.optionalKey(ToOne) })

/** A decoded {@link Address}. */
export type Address = typeof Address.Type

/** The attributes of a new address. */
export const AddressCreate = Schema.Struct({
  street_line_1: Schema.String,
  street_line_2: Schema.optionalKey(Schema.NullOr(Schema.String)),
  city: Schema.String,
  state: Schema.String,
  zip: Schema.String,
  country_code: Schema.optionalKey(Schema.NullOr(Schema.String)),
  location: Schema.optionalKey(Schema.NullOr(Schema.String)),
  primary: Schema.optionalKey(Schema.Boolean)
})

/** The attributes a client may change on an address. */
export const AddressUpdate = Schema.Struct({
  ...AddressCreate.fields,
  street_line_1: Schema.optionalKey(Schema.String),
  city: Schema.optionalKey(Schema.String),
  state: Schema.optionalKey(Schema.String),
  zip: Schema.optionalKey(Schema.String)
})
