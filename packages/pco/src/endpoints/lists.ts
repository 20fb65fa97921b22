/**
 * Lists (saved selections of people): `/people/v2/lists`.
 */
import { Schema } from "effect"
import * as JsonApiEndpoint from "../jsonApi/JsonApiEndpoint.ts"
import { List } from "../resources/List.ts"

/** Lists the organization's lists. */
export const ListLists = JsonApiEndpoint.list({
  entity: "list",
  module: "lists",
  name: "list",
  path: "/people/v2/lists",
  resource: List,
  filterable: ["updated_at", "created_at", "name"],
  orderable: ["updated_at", "created_at", "name"]
})

/** Gets one list. */
export const GetList = JsonApiEndpoint.get({
  entity: "list",
  module: "lists",
  name: "get",
  path: "/people/v2/lists/:id",
  params: { id: Schema.String },
  resource: List
})
