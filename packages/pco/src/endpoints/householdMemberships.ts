/**
 * Household memberships: only under a household (`/people/v2/households/:household_id/household_memberships`;
 * the top-level path does not exist).
 */
import { Schema } from "effect"
import * as JsonApiEndpoint from "../jsonApi/JsonApiEndpoint.ts"
import { HouseholdMembership } from "../resources/HouseholdMembership.ts"
import { Person } from "../resources/Person.ts"

/** Lists the memberships of one household. */
export const ListHouseholdMemberships = JsonApiEndpoint.list({
  entity: "household_membership",
  module: "householdMemberships",
  name: "listForHousehold",
  path: "/people/v2/households/:household_id/household_memberships",
  params: { household_id: Schema.String },
  resource: HouseholdMembership,
  included: [Person],
  includes: ["person"]
})

/** Gets one membership of a household. */
export const GetHouseholdMembership = JsonApiEndpoint.get({
  entity: "household_membership",
  module: "householdMemberships",
  name: "get",
  path: "/people/v2/households/:household_id/household_memberships/:id",
  params: { household_id: Schema.String, id: Schema.String },
  resource: HouseholdMembership
})
