/**
 * The membership of a person in a household (listed only under a household).
 */
import { Schema } from "effect"
import { ToOne } from "../jsonApi/Relationship.ts"
import { Resource } from "../jsonApi/Resource.ts"

/** The attributes of a {@link HouseholdMembership}. */
export const HouseholdMembershipAttributes = Schema.Struct({
  person_name: Schema.String,
  /** Whether the membership awaits approval. */
  pending: Schema.Boolean
})

/** A household membership: `person` and `household` name both ends. */
export const HouseholdMembership = Resource("HouseholdMembership", HouseholdMembershipAttributes, {
  person: Schema.optionalKey(ToOne),
  household: Schema.optionalKey(ToOne)
})

/** A decoded {@link HouseholdMembership}. */
export type HouseholdMembership = typeof HouseholdMembership.Type
