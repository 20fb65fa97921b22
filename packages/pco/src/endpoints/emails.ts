/**
 * Email addresses: `/people/v2/emails` and `/people/v2/people/:person_id/emails`.
 */
import { Schema } from "effect"
import * as JsonApiEndpoint from "../jsonApi/JsonApiEndpoint.ts"
import { Email, EmailCreate, EmailUpdate } from "../resources/Email.ts"
import { Person } from "../resources/Person.ts"

const id = { id: Schema.String }
const personId = { person_id: Schema.String }

/** Lists every email address of the organization. */
export const ListEmails = JsonApiEndpoint.list({
  entity: "email",
  module: "emails",
  name: "list",
  path: "/people/v2/emails",
  resource: Email,
  included: [Person],
  filterable: ["updated_at", "created_at", "address", "primary"],
  orderable: ["updated_at", "created_at", "address"],
  includes: ["person"]
})

/** Lists one person's email addresses. */
export const ListPersonEmails = JsonApiEndpoint.list({
  entity: "email",
  module: "emails",
  name: "listForPerson",
  path: "/people/v2/people/:person_id/emails",
  params: personId,
  resource: Email,
  filterable: ["updated_at", "created_at", "address", "primary"],
  orderable: ["updated_at", "created_at", "address"]
})

/** Gets one email address. */
export const GetEmail = JsonApiEndpoint.get({
  entity: "email",
  module: "emails",
  name: "get",
  path: "/people/v2/emails/:id",
  params: id,
  resource: Email
})

/** Adds an email address to a person. */
export const CreateEmail = JsonApiEndpoint.create({
  entity: "email",
  module: "emails",
  name: "create",
  path: "/people/v2/people/:person_id/emails",
  params: personId,
  resource: Email,
  type: "Email",
  attributes: EmailCreate
})

/** Changes an email address. */
export const UpdateEmail = JsonApiEndpoint.update({
  entity: "email",
  module: "emails",
  name: "update",
  path: "/people/v2/emails/:id",
  params: id,
  resource: Email,
  type: "Email",
  attributes: EmailUpdate
})

/** Deletes an email address. */
export const DeleteEmail = JsonApiEndpoint.remove({
  entity: "email",
  module: "emails",
  name: "delete",
  path: "/people/v2/emails/:id",
  params: id
})
