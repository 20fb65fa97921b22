/**
 * Custom field values: `/people/v2/field_data` and `/people/v2/people/:person_id/field_data`
 * (neither filterable nor orderable by time).
 */
import { Schema } from "effect"
import * as JsonApiEndpoint from "../jsonApi/JsonApiEndpoint.ts"
import { FieldDatum, FieldDatumCreate, FieldDatumUpdate } from "../resources/FieldDatum.ts"
import { FieldDefinition } from "../resources/FieldDefinition.ts"

const id = { id: Schema.String }
const personId = { person_id: Schema.String }

/** Lists every custom field value of the organization. */
export const ListFieldData = JsonApiEndpoint.list({
  entity: "field_datum",
  module: "fieldData",
  name: "list",
  path: "/people/v2/field_data",
  resource: FieldDatum,
  included: [FieldDefinition],
  filterable: ["value", "field_definition_id"],
  includes: ["field_definition"]
})

/** Lists one person's custom field values. */
export const ListPersonFieldData = JsonApiEndpoint.list({
  entity: "field_datum",
  module: "fieldData",
  name: "listForPerson",
  path: "/people/v2/people/:person_id/field_data",
  params: personId,
  resource: FieldDatum,
  included: [FieldDefinition],
  includes: ["field_definition"]
})

/** Gets one custom field value. */
export const GetFieldDatum = JsonApiEndpoint.get({
  entity: "field_datum",
  module: "fieldData",
  name: "get",
  path: "/people/v2/field_data/:id",
  params: id,
  resource: FieldDatum
})

/** Sets a custom field on a person. */
export const CreateFieldDatum = JsonApiEndpoint.create({
  entity: "field_datum",
  module: "fieldData",
  name: "create",
  path: "/people/v2/people/:person_id/field_data",
  params: personId,
  resource: FieldDatum,
  type: "FieldDatum",
  attributes: FieldDatumCreate
})

/** Changes a custom field value. */
export const UpdateFieldDatum = JsonApiEndpoint.update({
  entity: "field_datum",
  module: "fieldData",
  name: "update",
  path: "/people/v2/field_data/:id",
  params: id,
  resource: FieldDatum,
  type: "FieldDatum",
  attributes: FieldDatumUpdate
})

/** Deletes a custom field value. */
export const DeleteFieldDatum = JsonApiEndpoint.remove({
  entity: "field_datum",
  module: "fieldData",
  name: "delete",
  path: "/people/v2/field_data/:id",
  params: id
})
