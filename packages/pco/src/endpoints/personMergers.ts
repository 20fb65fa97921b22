/**
 * Person mergers: `/people/v2/person_mergers`, filterable and orderable by `created_at`. The only
 * deletion signal Planning Center keeps for merged people.
 */
import { Schema } from "effect"
import * as JsonApiEndpoint from "../jsonApi/JsonApiEndpoint.ts"
import { PersonMerger } from "../resources/PersonMerger.ts"

/** Lists person mergers. */
export const ListPersonMergers = JsonApiEndpoint.list({
  entity: "person_merger",
  module: "personMergers",
  name: "list",
  path: "/people/v2/person_mergers",
  resource: PersonMerger,
  filterable: ["created_at", "person_to_keep_id", "person_to_remove_id"],
  orderable: ["created_at"]
})

/** Gets one person merger. */
export const GetPersonMerger = JsonApiEndpoint.get({
  entity: "person_merger",
  module: "personMergers",
  name: "get",
  path: "/people/v2/person_mergers/:id",
  params: { id: Schema.String },
  resource: PersonMerger
})
