/**
 * Postal addresses: `/people/v2/addresses` and `/people/v2/people/:person_id/addresses`. Addresses
 * can be ordered by `updated_at` but not filtered on it.
 */
import { Schema } from "effect"
import * as JsonApiEndpoint from "../jsonApi/JsonApiEndpoint.ts"
import { Address, AddressCreate, AddressUpdate } from "../resources/Address.ts"
import { Person } from "../resources/Person.ts"

const id = { id: Schema.String }
const personId = { person_id: Schema.String }

/** Lists every address of the organization (orderable by `updated_at`, not filterable on it). */
export const ListAddresses = JsonApiEndpoint.list({
  entity: "address",
  module: "addresses",
  name: "list",
  path: "/people/v2/addresses",
  resource: Address,
  included: [Person],
  filterable: ["city", "state", "zip", "primary"],
  orderable: ["updated_at", "created_at", "city"],
  includes: ["person"]
})

/** Lists one person's addresses. */
export const ListPersonAddresses = JsonApiEndpoint.list({
  entity: "address",
  module: "addresses",
  name: "listForPerson",
  path: "/people/v2/people/:person_id/addresses",
  params: personId,
  resource: Address,
  orderable: ["updated_at", "created_at"]
})

/** Gets one address. */
export const GetAddress = JsonApiEndpoint.get({
  entity: "address",
  module: "addresses",
  name: "get",
  path: "/people/v2/addresses/:id",
  params: id,
  resource: Address
})

/** Adds an address to a person. */
export const CreateAddress = JsonApiEndpoint.create({
  entity: "address",
  module: "addresses",
  name: "create",
  path: "/people/v2/people/:person_id/addresses",
  params: personId,
  resource: Address,
  type: "Address",
  attributes: AddressCreate
})

/** Changes an address. */
export const UpdateAddress = JsonApiEndpoint.update({
  entity: "address",
  module: "addresses",
  name: "update",
  path: "/people/v2/addresses/:id",
  params: id,
  resource: Address,
  type: "Address",
  attributes: AddressUpdate
})

/** Deletes an address. */
export const DeleteAddress = JsonApiEndpoint.remove({
  entity: "address",
  module: "addresses",
  name: "delete",
  path: "/people/v2/addresses/:id",
  params: id
})
