/**
 * Campuses: `/people/v2/campuses`.
 */
import { Schema } from "effect"
import * as JsonApiEndpoint from "../jsonApi/JsonApiEndpoint.ts"
import { Campus } from "../resources/Campus.ts"

/** Lists campuses. */
export const ListCampuses = JsonApiEndpoint.list({
  entity: "campus",
  module: "campuses",
  name: "list",
  path: "/people/v2/campuses",
  resource: Campus,
  filterable: ["updated_at", "created_at", "name"],
  orderable: ["updated_at", "created_at", "name"]
})

/** Gets one campus. */
export const GetCampus = JsonApiEndpoint.get({
  entity: "campus",
  module: "campuses",
  name: "get",
  path: "/people/v2/campuses/:id",
  params: { id: Schema.String },
  resource: Campus
})
