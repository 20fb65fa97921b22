/**
 * The conflicts of two-way sync definitions (`direction: "bidirectional"`): the conflict log of a
 * definition (`/api/v1/definitions/{id}/conflicts`: every conflict with both versions, the policy,
 * the outcome and the time), one conflict, and the resolution of a held (`manual`) one by choosing a
 * side or supplying the merged record; the next cycle writes it to both sides. An unknown definition
 * or conflict is a 404, a conflict not held a 409, a field not synced a 400 naming it.
 */
import { ConflictValues, TwoWayConflict } from "@syncflow/sync-engine"
import { Schema, Struct } from "effect"
import { HttpApiEndpoint, HttpApiGroup, OpenApi } from "effect/http-api"
import { AdminAuth } from "../AdminAuth.ts"
import { Conflict, InvalidField, NotFound, Unavailable } from "../ApiErrors.ts"
import { Limit } from "../ApiParams.ts"

/**
 * A conflict as the API shows it: sync-engine's `TwoWayConflict`, its times as ISO-8601 strings.
 */
export const ConflictView = TwoWayConflict.mapFields(
  Struct.assign({
    detectedAt: Schema.DateTimeUtcFromString,
    resolvedAt: Schema.NullOr(Schema.DateTimeUtcFromString)
  })
)

/** The body of a resolve: `side` (`source`: the connector's version, `target`: the table's) or `record`. */
export const ResolveConflict = Schema.Struct({
  side: Schema.optionalKey(Schema.Literals(["source", "target"])),
  record: Schema.optionalKey(ConflictValues).annotate({
    description: "The merged record (synced fields; those absent are the table's version)"
  })
})

const params = { definitionId: Schema.String, conflictId: Schema.String }

/** Two-way definitions' conflicts: list, show, resolve. */
export class ConflictsGroup extends HttpApiGroup.make("conflicts")
  .add(
    HttpApiEndpoint.get("list", "/definitions/:definitionId/conflicts", {
      params: { definitionId: Schema.String },
      query: {
        status: Schema.optionalKey(Schema.Literals(["held", "resolved", "closed"])),
        limit: Schema.optionalKey(Limit)
      },
      success: Schema.Array(ConflictView),
      error: [NotFound, Unavailable]
    }).annotateMerge(
      OpenApi.annotations({
        summary: "List a two-way definition's conflicts",
        description:
          "The conflict log, newest first: records changed on both sides since the last cycle, with both versions, the policy and the outcome; `status=held` is the manual queue."
      })
    ),
    HttpApiEndpoint.get("get", "/definitions/:definitionId/conflicts/:conflictId", {
      params,
      success: ConflictView,
      error: [NotFound, Unavailable]
    }).annotateMerge(
      OpenApi.annotations({ summary: "Show a conflict", description: "One conflict with both versions." })
    ),
    HttpApiEndpoint.post("resolve", "/definitions/:definitionId/conflicts/:conflictId/resolve", {
      params,
      payload: ResolveConflict,
      success: ConflictView,
      error: [NotFound, InvalidField, Conflict, Unavailable]
    }).annotateMerge(
      OpenApi.annotations({
        summary: "Resolve a held conflict",
        description:
          'By a side (`{"side":"source"}` the connector\'s version, `{"side":"target"}` the table\'s) or the merged record (`{"record":{...}}`); the next cycle writes it to both sides. A conflict not held is 409.'
      })
    )
  )
  .middleware(AdminAuth)
  .annotateMerge(OpenApi.annotations({ title: "Two-way conflicts" })) {}
