/**
 * Custom field definitions: `/people/v2/field_definitions` (neither filterable nor orderable by time).
 */
import { Schema } from "effect"
import * as JsonApiEndpoint from "../jsonApi/JsonApiEndpoint.ts"
import { FieldDefinition } from "../resources/FieldDefinition.ts"

/** Lists custom field definitions. */
export const ListFieldDefinitions = JsonApiEndpoint.list({
  entity: "field_definition",
  module: "fieldDefinitions",
  name: "list",
  path: "/people/v2/field_definitions",
  resource: FieldDefinition,
  filterable: ["name", "data_type"],
  orderable: ["sequence", "name"]
})

/** Gets one custom field definition. */
export const GetFieldDefinition = JsonApiEndpoint.get({
  entity: "field_definition",
  module: "fieldDefinitions",
  name: "get",
  path: "/people/v2/field_definitions/:id",
  params: { id: Schema.String },
  resource: FieldDefinition
})
