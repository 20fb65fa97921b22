/**
 * A household: people living together, with a primary contact.
 */
import { Schema } from "effect"
import { ToMany, ToOne } from "../jsonApi/Relationship.ts"
import { Resource } from "../jsonApi/Resource.ts"
import { Timestamp } from "../schema/Timestamp.ts"

/** The attributes of a {@link Household}. */
export const HouseholdAttributes = Schema.Struct({
  name: Schema.String,
  member_count: Schema.Int,
  primary_contact_name: Schema.NullOr(Schema.String),
  primary_contact_id: Schema.NullOr(Schema.String),
  avatar: Schema.NullOr(Schema.String),
  created_at: Timestamp,
  updated_at: Timestamp
})

/** A household. `people` and `primary_contact` are present without an include. */
export const Household = Resource("Household", HouseholdAttributes, {
  people: Schema.optionalKey(ToMany),
  primary_contact: Schema.optionalKey(ToOne)
})

/** A decoded {@link Household}. */
export type Household = typeof Household.Type

/** The attributes a client may change on a household. */
export const HouseholdUpdate = Schema.Struct({ name: Schema.optionalKey(Schema.String) })
