/**
 * Households: `/people/v2/households`.
 */
import { Schema } from "effect"
import * as JsonApiEndpoint from "../jsonApi/JsonApiEndpoint.ts"
import { Household, HouseholdUpdate } from "../resources/Household.ts"
import { Person } from "../resources/Person.ts"

const id = { id: Schema.String }

/** Lists households; each carries its `people` relationship without an include. */
export const ListHouseholds = JsonApiEndpoint.list({
  entity: "household",
  module: "households",
  name: "list",
  path: "/people/v2/households",
  resource: Household,
  included: [Person],
  filterable: ["updated_at", "created_at", "name"],
  orderable: ["updated_at", "created_at", "name"],
  includes: ["people", "primary_contact"]
})

/** Gets one household. */
export const GetHousehold = JsonApiEndpoint.get({
  entity: "household",
  module: "households",
  name: "get",
  path: "/people/v2/households/:id",
  params: id,
  resource: Household
})

/** Renames a household. */
export const UpdateHousehold = JsonApiEndpoint.update({
  entity: "household",
  module: "households",
  name: "update",
  path: "/people/v2/households/:id",
  params: id,
  resource: Household,
  type: "Household",
  attributes: HouseholdUpdate
})

/** Deletes a household (its people stay). */
export const DeleteHousehold = JsonApiEndpoint.remove({
  entity: "household",
  module: "households",
  name: "delete",
  path: "/people/v2/households/:id",
  params: id
})
