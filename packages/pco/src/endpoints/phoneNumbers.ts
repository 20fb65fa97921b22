/**
 * Phone numbers: `/people/v2/phone_numbers` and `/people/v2/people/:person_id/phone_numbers`.
 */
import { Schema } from "effect"
import * as JsonApiEndpoint from "../jsonApi/JsonApiEndpoint.ts"
import { Person } from "../resources/Person.ts"
import { PhoneNumber, PhoneNumberCreate, PhoneNumberUpdate } from "../resources/PhoneNumber.ts"

const id = { id: Schema.String }
const personId = { person_id: Schema.String }

/** Lists every phone number of the organization. */
export const ListPhoneNumbers = JsonApiEndpoint.list({
  entity: "phone_number",
  module: "phoneNumbers",
  name: "list",
  path: "/people/v2/phone_numbers",
  resource: PhoneNumber,
  included: [Person],
  filterable: ["updated_at", "created_at", "number", "primary"],
  orderable: ["updated_at", "created_at"],
  includes: ["person"]
})

/** Lists one person's phone numbers. */
export const ListPersonPhoneNumbers = JsonApiEndpoint.list({
  entity: "phone_number",
  module: "phoneNumbers",
  name: "listForPerson",
  path: "/people/v2/people/:person_id/phone_numbers",
  params: personId,
  resource: PhoneNumber,
  filterable: ["updated_at", "created_at", "number", "primary"],
  orderable: ["updated_at", "created_at"]
})

/** Gets one phone number. */
export const GetPhoneNumber = JsonApiEndpoint.get({
  entity: "phone_number",
  module: "phoneNumbers",
  name: "get",
  path: "/people/v2/phone_numbers/:id",
  params: id,
  resource: PhoneNumber
})

/** Adds a phone number to a person. */
export const CreatePhoneNumber = JsonApiEndpoint.create({
  entity: "phone_number",
  module: "phoneNumbers",
  name: "create",
  path: "/people/v2/people/:person_id/phone_numbers",
  params: personId,
  resource: PhoneNumber,
  type: "PhoneNumber",
  attributes: PhoneNumberCreate
})

/** Changes a phone number. */
export const UpdatePhoneNumber = JsonApiEndpoint.update({
  entity: "phone_number",
  module: "phoneNumbers",
  name: "update",
  path: "/people/v2/phone_numbers/:id",
  params: id,
  resource: PhoneNumber,
  type: "PhoneNumber",
  attributes: PhoneNumberUpdate
})

/** Deletes a phone number. */
export const DeletePhoneNumber = JsonApiEndpoint.remove({
  entity: "phone_number",
  module: "phoneNumbers",
  name: "delete",
  path: "/people/v2/phone_numbers/:id",
  params: id
})
