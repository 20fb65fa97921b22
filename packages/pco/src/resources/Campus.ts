/**
 * A campus (site) of a multi-site church.
 */
import { Schema } from "effect"
import { Resource } from "../jsonApi/Resource.ts"
import { Timestamp } from "../schema/Timestamp.ts"

/** The attributes of a {@link Campus}. */
export const CampusAttributes = Schema.Struct({
  name: Schema.String,
  street: Schema.NullOr(Schema.String),
  city: Schema.NullOr(Schema.String),
  state: Schema.NullOr(Schema.String),
  zip: Schema.NullOr(Schema.String),
  country: Schema.NullOr(Schema.String),
  phone_number: Schema.NullOr(Schema.String),
  website: Schema.NullOr(Schema.String),
  created_at: Timestamp,
  updated_at: Timestamp
})

/** A campus. */
export const Campus = Resource("Campus", CampusAttributes, {})

/** A decoded {@link Campus}. */
export type Campus = typeof Campus.Type
