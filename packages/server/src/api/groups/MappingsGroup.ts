/**
 * The field mappings of sync definitions (`/api/v1/definitions/{id}/mapping`): read the current
 * one, set a new one (a change is a new version; the definition's next run uses it) and list the
 * versions. A mapping that does not fit the source's columns or the destination's fields is a 400
 * problem naming the entry and field (`entries[2].source`, `entries[0].transform.expression`).
 */
import { FieldMappingEntry, type FieldMappingVersion } from "@syncflow/sync-engine"
import { DateTime, Schema } from "effect"
import { HttpApiEndpoint, HttpApiGroup, OpenApi } from "effect/http-api"
import { AdminAuth } from "../AdminAuth.ts"
import { Conflict, InvalidField, NotFound, Unavailable } from "../ApiErrors.ts"

/** One version of a definition's field mapping as the API shows it. */
export const MappingVersionView = Schema.Struct({
  definitionId: Schema.String,
  version: Schema.Number,
  entries: Schema.Array(FieldMappingEntry),
  createdAt: Schema.String
})

/** The view of a stored mapping version. */
export const mappingVersionView = (version: FieldMappingVersion): typeof MappingVersionView.Type => ({
  definitionId: version.definitionId,
  version: version.version,
  entries: version.entries,
  createdAt: DateTime.formatIso(version.createdAt)
})

/** The body of `PUT /definitions/{id}/mapping`. */
export const SetMapping = Schema.Struct({
  entries: Schema.Array(FieldMappingEntry).annotate({
    description:
      'Destination fields, in order: {"source"?: "a.b[0].c" | "tags[*]", "target", "transform"?: {"kind":"format",...} | {"kind":"lookup","values",...} | {"kind":"lookup","from":{"connectorId","entity"}|{"definition"},"key","field","fallback"?} | {"kind":"calculate"|"custom","expression": CEL}, "default"?, "required"?, "type"?}'
  })
})

const params = { definitionId: Schema.String }

/** A definition's field mapping: read, set, versions. */
export class MappingsGroup extends HttpApiGroup.make("mappings")
  .add(
    HttpApiEndpoint.get("get", "/definitions/:definitionId/mapping", {
      params,
      success: MappingVersionView,
      error: NotFound
    }).annotateMerge(
      OpenApi.annotations({
        summary: "Read a sync definition's field mapping",
        description: "Its latest version (the one its next run uses); 404 when it has none."
      })
    ),
    HttpApiEndpoint.put("set", "/definitions/:definitionId/mapping", {
      params,
      payload: SetMapping,
      success: MappingVersionView,
      error: [NotFound, InvalidField, Conflict, Unavailable]
    }).annotateMerge(
      OpenApi.annotations({
        summary: "Set a sync definition's field mapping",
        description:
          "Checked against the source entity's columns and a connector destination's fields (a 400 names the entry and field); stored as the next version when it differs from the latest. Default definitions, and definitions that map fields by name (`mapping`), are 409 / 400."
      })
    ),
    HttpApiEndpoint.get("versions", "/definitions/:definitionId/mapping/versions", {
      params,
      success: Schema.Array(MappingVersionView),
      error: NotFound
    }).annotateMerge(
      OpenApi.annotations({
        summary: "List a sync definition's field mapping versions",
        description: "Every version, newest first; each run names the version it used (`mappingVersion`)."
      })
    )
  )
  .middleware(AdminAuth)
  .annotateMerge(OpenApi.annotations({ title: "Field mappings" })) {}
