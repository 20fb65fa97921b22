/**
 * The sync definitions group of the admin API: list, create, read, change, delete and run sync
 * definitions (`/api/v1/definitions`), and list a definition's runs and failed records (and retry
 * one). An invalid definition is a 400 problem naming the field (`mapping.price`, `matchKey[0]`,
 * `destination.entity`, ...); an unknown definition a 404.
 */
import {
  DefinitionDestination,
  DefinitionSchedule,
  DefinitionSource,
  EtlPipeline,
  RunStatus,
  Stages,
  type SyncDefinition,
  SyncDirection,
  SyncMode,
  SyncOperation,
  TwoWaySettings
} from "@syncflow/sync-engine"
import { DateTime, Schema } from "effect"
import { HttpApiEndpoint, HttpApiGroup, HttpApiSchema, OpenApi } from "effect/http-api"
import { AdminAuth } from "../AdminAuth.ts"
import { Conflict, InvalidField, NotFound, Unavailable } from "../ApiErrors.ts"
import { ConnectorId, Limit } from "../ApiParams.ts"
import { FailedRecordView, RunView } from "../Views.ts"
import { RetryResult } from "./RecordsGroup.ts"

/** A definition id as given in a request body: the same rule as a connector id (so never a `:`). */
const DefinitionId = ConnectorId
const FieldMap = Schema.Record(Schema.String, Schema.NonEmptyString)

/** A sync definition as the API shows it (times as ISO-8601 strings). */
export const DefinitionView = Schema.Struct({
  id: Schema.String,
  name: Schema.String,
  /** An entity's default definition (into its PostgreSQL table): changed through the entity's settings. */
  isDefault: Schema.Boolean,
  source: DefinitionSource,
  destination: DefinitionDestination,
  mapping: Schema.NullOr(FieldMap),
  filters: Schema.Array(Stages.FieldPredicate),
  operation: SyncOperation,
  matchKey: Schema.NullOr(Schema.Array(Schema.String)),
  direction: SyncDirection,
  /** A two-way definition's settings (`null` for one-way definitions). */
  bidirectional: Schema.NullOr(TwoWaySettings),
  /** Its ETL steps, in order (empty: none). */
  pipeline: EtlPipeline,
  schedule: Schema.NullOr(DefinitionSchedule),
  enabled: Schema.Boolean,
  createdAt: Schema.String,
  updatedAt: Schema.String
})

/** The view of a stored definition. */
export const definitionView = (definition: SyncDefinition): typeof DefinitionView.Type => ({
  ...definition,
  createdAt: DateTime.formatIso(definition.createdAt),
  updatedAt: DateTime.formatIso(definition.updatedAt)
})

const specFields = {
  name: Schema.NonEmptyString,
  source: DefinitionSource,
  destination: DefinitionDestination.annotate({
    description:
      '{"kind":"postgres","schema"?,"table"?}: a table SyncFlow manages (schema: the source connector\'s, table: the entity\'s name by default); {"kind":"connector","connectorId","entity"}: an entity of a connector whose adapter writes'
  }),
  mapping: FieldMap.annotate({
    description: "Source field -> destination field; only the fields named go. Absent: every field, same names."
  }),
  filters: Schema.Array(Stages.FieldPredicate).annotate({
    description:
      "Predicates on source fields, all of which a record must satisfy: eq, ne, gt, gte, lt, lte (value), in (values), isNull, notNull"
  }),
  operation: SyncOperation.annotate({ description: "upsert (default; the only one applied today)" }),
  matchKey: Schema.Array(Schema.NonEmptyString).annotate({
    description: "Destination fields that identify a record; absent: the source's business key"
  }),
  direction: SyncDirection.annotate({
    description:
      "pull (into PostgreSQL, default there), push (into a connector), or bidirectional (a write-capable connector's entity and a PostgreSQL table kept equal both ways; settings in bidirectional)"
  }),
  bidirectional: TwoWaySettings.annotate({
    description:
      'A two-way definition\'s settings: {"fields": {"first_name": {"direction"?: "pull"|"push"|"both", "type"?, "policy"?, "column"?}}, "conflictPolicy"?: "source_wins"|"target_wins"|"latest_wins"|"merge"|"manual", "mergeFallback"?, "deletes"?: "propagate"|"ignore"|"soft", "softDelete"?}'
  }),
  pipeline: EtlPipeline.annotate({
    description:
      'ETL steps run on the rows in order before they are written: filter, map, join, lookup, split, deduplicate, merge, normalize, aggregate (see the sync-engine README, "ETL steps"); a step that cannot work is a 400 naming pipeline[i] and its field'
  }),
  schedule: Schema.NullOr(DefinitionSchedule).annotate({
    description: '{"intervalSeconds": n} or {"cron": "five fields, UTC"}; null: runs only when triggered'
  }),
  enabled: Schema.Boolean
}

/** The body of `POST /definitions`. */
export const CreateDefinition = Schema.Struct({
  /** The definition's id; a UUID when absent. */
  id: Schema.optionalKey(DefinitionId),
  name: specFields.name,
  source: specFields.source,
  destination: specFields.destination,
  mapping: Schema.optionalKey(specFields.mapping),
  filters: Schema.optionalKey(specFields.filters),
  operation: Schema.optionalKey(specFields.operation),
  matchKey: Schema.optionalKey(specFields.matchKey),
  direction: Schema.optionalKey(specFields.direction),
  bidirectional: Schema.optionalKey(specFields.bidirectional),
  pipeline: Schema.optionalKey(specFields.pipeline),
  schedule: Schema.optionalKey(specFields.schedule),
  enabled: Schema.optionalKey(specFields.enabled)
})

/** The body of `PATCH /definitions/{definitionId}`: absent fields are kept, `null` clears a mapping or a match key. */
export const UpdateDefinition = Schema.Struct({
  name: Schema.optionalKey(specFields.name),
  source: Schema.optionalKey(specFields.source),
  destination: Schema.optionalKey(specFields.destination),
  mapping: Schema.optionalKey(Schema.NullOr(specFields.mapping)),
  filters: Schema.optionalKey(specFields.filters),
  operation: Schema.optionalKey(specFields.operation),
  matchKey: Schema.optionalKey(Schema.NullOr(specFields.matchKey)),
  direction: Schema.optionalKey(specFields.direction),
  bidirectional: Schema.optionalKey(specFields.bidirectional),
  pipeline: Schema.optionalKey(specFields.pipeline),
  schedule: Schema.optionalKey(specFields.schedule),
  enabled: Schema.optionalKey(specFields.enabled)
})

/**
 * What running a definition did: a default definition's entity sync `started`, `joined` or `queued`
 * behind the running one (with its run); another definition's run (into PostgreSQL or pushed into a
 * connector) likewise, through its durable `SyncDefinition` workflow (its runs at
 * `GET /api/v1/definitions/{id}/runs`).
 */
export const DefinitionRunTriggered = Schema.Struct({
  definitionId: Schema.String,
  /** The run's durable execution (the entity sync's for a default definition). */
  executionId: Schema.optionalKey(Schema.String),
  /** The run (`GET /api/v1/runs/{runId}`). */
  runId: Schema.optionalKey(Schema.String),
  status: Schema.Literals(["started", "joined", "queued", "finished"]),
  mode: SyncMode,
  /** A two-way definition's cycle, run in the request (`finished`): what it did. */
  cycle: Schema.optionalKey(
    Schema.Struct({
      cycleId: Schema.String,
      listed: Schema.Number,
      tableChanges: Schema.Number,
      source: Schema.Struct({ created: Schema.Number, updated: Schema.Number, deleted: Schema.Number }),
      table: Schema.Struct({ written: Schema.Number, deleted: Schema.Number }),
      conflicts: Schema.Number,
      held: Schema.Number,
      resolutionsApplied: Schema.Number,
      failed: Schema.Array(Schema.Struct({ key: Schema.String, reason: Schema.String }))
    })
  )
})

const params = { definitionId: Schema.String }

/** Sync definitions: CRUD and run. */
export class DefinitionsGroup extends HttpApiGroup.make("definitions")
  .add(
    HttpApiEndpoint.get("list", "/definitions", {
      query: { connector: Schema.optionalKey(Schema.String), entity: Schema.optionalKey(Schema.String) },
      success: Schema.Array(DefinitionView)
    }).annotateMerge(
      OpenApi.annotations({
        summary: "List sync definitions",
        description: "Every sync definition (default ones included), or those of a connector (source or destination)."
      })
    ),
    HttpApiEndpoint.post("create", "/definitions", {
      payload: CreateDefinition,
      success: DefinitionView.pipe(HttpApiSchema.status(201)),
      error: [InvalidField, Conflict, Unavailable]
    }).annotateMerge(
      OpenApi.annotations({
        summary: "Create a sync definition",
        description:
          "Validated against the discovered manifests: an unknown connector, entity or field, a match key the target lacks, or a destination that cannot be written is a 400 naming the field."
      })
    ),
    HttpApiEndpoint.get("get", "/definitions/:definitionId", {
      params,
      success: DefinitionView,
      error: NotFound
    }).annotateMerge(
      OpenApi.annotations({
        summary: "Read a sync definition (by id or name)",
        description: "One sync definition: its source, destination, entities and schedule."
      })
    ),
    HttpApiEndpoint.patch("update", "/definitions/:definitionId", {
      params,
      payload: UpdateDefinition,
      success: DefinitionView,
      error: [NotFound, InvalidField, Conflict, Unavailable]
    }).annotateMerge(
      OpenApi.annotations({
        summary: "Change a sync definition",
        description: "Absent fields are kept; the result is validated as a new one. Default definitions are 409."
      })
    ),
    HttpApiEndpoint.delete("remove", "/definitions/:definitionId", {
      params,
      success: HttpApiSchema.NoContent,
      error: [NotFound, Conflict, Unavailable]
    }).annotateMerge(
      OpenApi.annotations({ summary: "Delete a sync definition", description: "Default definitions are 409." })
    ),
    HttpApiEndpoint.get("runs", "/definitions/:definitionId/runs", {
      params,
      query: { status: Schema.optionalKey(RunStatus), limit: Schema.optionalKey(Limit) },
      success: Schema.Array(RunView),
      error: NotFound
    }).annotateMerge(
      OpenApi.annotations({
        summary: "List a sync definition's runs",
        description:
          "The definition's latest runs, newest first, filtered by status (`limit`: 1 to 10000). A default definition's runs are its entity's (default sync's) runs; another definition's are its own, never mixed with those of its source entity's default sync."
      })
    ),
    HttpApiEndpoint.get("failedRecords", "/definitions/:definitionId/failed-records", {
      params,
      query: {
        runId: Schema.optionalKey(Schema.String),
        includeResolved: Schema.optionalKey(Schema.Literals(["true", "false"])),
        afterId: Schema.optionalKey(Schema.String.check(Schema.isPattern(/^[0-9]{1,18}$/))),
        limit: Schema.optionalKey(Limit)
      },
      success: Schema.Array(FailedRecordView),
      error: NotFound
    }).annotateMerge(
      OpenApi.annotations({
        summary: "List a sync definition's failed records",
        description:
          "The definition's failed records (records its runs could not write, with the error), oldest first; unresolved only unless `includeResolved=true`. Page with `afterId`. A default definition's are its entity's."
      })
    ),
    HttpApiEndpoint.post("retryFailed", "/definitions/:definitionId/failed-records/:recordId/retry", {
      params: { definitionId: Schema.String, recordId: Schema.String },
      success: RetryResult,
      error: [NotFound, Unavailable]
    }).annotateMerge(
      OpenApi.annotations({
        summary: "Retry a sync definition's failed record",
        description:
          "Writes the failed record again now, through the definition's mapping, filters and destination; answers whether it was resolved, still fails (or waits for its parent), or was stale (the destination holds a newer or a deleted row). 404 when the record is not the definition's."
      })
    ),
    HttpApiEndpoint.post("run", "/definitions/:definitionId/run", {
      params,
      query: { mode: Schema.optionalKey(SyncMode) },
      success: DefinitionRunTriggered.pipe(HttpApiSchema.status(202)),
      error: [NotFound, Conflict, Unavailable]
    }).annotateMerge(
      OpenApi.annotations({
        summary: "Run a sync definition",
        description:
          "A default definition: starts its entity's sync (or joins the one running) in the entity's mode (or `mode`). A two-way (bidirectional) definition runs one cycle in the request and answers `finished` with what it did (`mode` other than incremental: a complete cycle, which also finds records deleted in the connector). Another definition starts a run in the server in `mode` (default incremental; `reconcile` also deletes in the destination what the source no longer has): into its PostgreSQL table, or pushed into the destination connector's entity."
      })
    )
  )
  .middleware(AdminAuth)
  .annotateMerge(OpenApi.annotations({ title: "Sync definitions" })) {}
