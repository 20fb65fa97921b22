/**
 * The organization: `GET /people/v2`, the cheapest authenticated call (used to test a connection).
 */
import { defineEndpoint } from "@syncflow/adapter-core"
import { SingleDocument } from "../jsonApi/Document.ts"
import { Organization } from "../resources/Organization.ts"

/** Gets the organization the credentials belong to. */
export const GetOrganization = defineEndpoint({
  entity: "organization",
  module: "organization",
  name: "get",
  method: "GET",
  path: "/people/v2",
  response: SingleDocument(Organization, [])
})
