/**
 * People: `/people/v2/people`.
 */
import { Schema } from "effect"
import * as JsonApiEndpoint from "../jsonApi/JsonApiEndpoint.ts"
import { Address } from "../resources/Address.ts"
import { Campus } from "../resources/Campus.ts"
import { Email } from "../resources/Email.ts"
import { FieldDatum } from "../resources/FieldDatum.ts"
import { Household } from "../resources/Household.ts"
import { Person, PersonCreate, PersonUpdate } from "../resources/Person.ts"
import { PhoneNumber } from "../resources/PhoneNumber.ts"

const id = { id: Schema.String }

/** Lists people; filter by `updated_at` (incremental sync), names or status; include contact records. */
export const ListPeople = JsonApiEndpoint.list({
  entity: "person",
  module: "people",
  name: "list",
  path: "/people/v2/people",
  resource: Person,
  included: [Email, PhoneNumber, Address, Household, Campus, FieldDatum, Person],
  filterable: ["updated_at", "created_at", "search_name", "first_name", "last_name", "status", "remote_id"],
  orderable: ["updated_at", "created_at", "first_name", "last_name"],
  includes: ["emails", "phone_numbers", "addresses", "households", "primary_campus", "field_data", "households.people"]
})

/** Gets one person. */
export const GetPerson = JsonApiEndpoint.get({
  entity: "person",
  module: "people",
  name: "get",
  path: "/people/v2/people/:id",
  params: id,
  resource: Person
})

/** Creates a person. */
export const CreatePerson = JsonApiEndpoint.create({
  entity: "person",
  module: "people",
  name: "create",
  path: "/people/v2/people",
  resource: Person,
  type: "Person",
  attributes: PersonCreate
})

/** Changes a person's attributes. */
export const UpdatePerson = JsonApiEndpoint.update({
  entity: "person",
  module: "people",
  name: "update",
  path: "/people/v2/people/:id",
  params: id,
  resource: Person,
  type: "Person",
  attributes: PersonUpdate
})

/** Deletes a person (and their contact records). */
export const DeletePerson = JsonApiEndpoint.remove({
  entity: "person",
  module: "people",
  name: "delete",
  path: "/people/v2/people/:id",
  params: id
})
