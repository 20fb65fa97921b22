/**
 * The `connectors` endpoint group: CRUD, test connection, discovery, sync and table moves.
 */
import { SyncMode } from "@syncflow/sync-engine"
import { Schema } from "effect"
import { HttpApiEndpoint, HttpApiGroup, HttpApiSchema, OpenApi } from "effect/http-api"
import { AdminAuth } from "../AdminAuth.ts"
import { Conflict, InvalidField, NotFound, Unavailable, UpstreamFailed } from "../ApiErrors.ts"
import { ConnectorId, connectorParams } from "../ApiParams.ts"
import { ConnectorView, DiscoveredEntityView, TriggeredRun } from "../Views.ts"

const Settings = Schema.Record(Schema.String, Schema.Json).annotate({
  description: "The adapter's settings, as its settingsSchema in GET /api/v1/adapters says"
})
const CredentialsInput = Schema.Record(Schema.String, Schema.Json).annotate({
  description: "The adapter's credentials, as its credentialsSchema in GET /api/v1/adapters says"
})
const Secret = Schema.Redacted(Schema.NonEmptyString)

/** The body of `POST /connectors`. */
export const CreateConnector = Schema.Struct({
  /** The connector's id; a UUID when absent. */
  id: Schema.optionalKey(ConnectorId),
  /** The adapter: the name of one of the plugins `GET /adapters` lists. */
  adapter: Schema.NonEmptyString.annotate({ description: "The name of an adapter GET /api/v1/adapters lists" }),
  name: Schema.NonEmptyString,
  /** The adapter's settings (its `settingsSchema`). */
  config: Schema.optionalKey(Settings),
  /** The adapter's credentials (its `credentialsSchema`), decoded and sealed by the server. */
  credentials: CredentialsInput,
  /** Adapters with webhooks: the secret deliveries are signed with (any event without its own in `webhookSecrets`). */
  webhookSecret: Schema.optionalKey(Secret),
  /** Adapters with webhooks: secrets by event name, e.g. `{"people.v2.events.person.updated": "..."}`. */
  webhookSecrets: Schema.optionalKey(Schema.Record(Schema.String, Secret)),
  /**
   * The PostgreSQL schema of the connector's tables (a lowercase identifier); absent or `null`: the
   * connector's id as an identifier (`ERP-2` gives `erp_2`). Never shared with another connector.
   */
  targetSchema: Schema.optionalKey(Schema.NullOr(Schema.String))
})

/** The body of `PATCH /connectors/{connectorId}`: absent fields are kept. */
export const UpdateConnector = Schema.Struct({
  name: Schema.optionalKey(Schema.NonEmptyString),
  config: Schema.optionalKey(Settings),
  credentials: Schema.optionalKey(CredentialsInput),
  /** Replaced together with `webhookSecrets` when either is given; `null` for none. */
  webhookSecret: Schema.optionalKey(Schema.NullOr(Secret)),
  webhookSecrets: Schema.optionalKey(Schema.NullOr(Schema.Record(Schema.String, Secret))),
  /**
   * Another schema for the connector's tables (`null`: its id). Moves no table: the next syncs fill
   * the new tables from the first row; `POST .../move-tables` moves them with their rows instead.
   */
  targetSchema: Schema.optionalKey(Schema.NullOr(Schema.String))
}).annotate({ examples: [{ name: "ERP (production)", config: { pageSize: 500 } }] })

/** The body of `POST /connectors/{connectorId}/move-tables`. */
export const MoveTables = Schema.Struct({
  /** The schema to move the connector's tables to (a lowercase identifier); absent or `null`: its id. */
  toSchema: Schema.optionalKey(Schema.NullOr(Schema.String))
}).annotate({ examples: [{ toSchema: "erp_archive" }] })

/** What `move-tables` did with one entity's table. */
export const MovedTableView = Schema.Struct({
  entity: Schema.String,
  from: Schema.String,
  to: Schema.String,
  /** `false`: no table at `from` (never synced); the next sync creates it at `to`. */
  moved: Schema.Boolean
})

/** The body of `POST /connectors/{connectorId}/sync`. */
export const SyncConnector = Schema.Struct({
  entities: Schema.optionalKey(Schema.Array(Schema.NonEmptyString)),
  mode: Schema.optionalKey(SyncMode)
}).annotate({ examples: [{ entities: ["customers", "orders"], mode: "incremental" }] })

/**
 * What a connector trigger did: `started` a connector sync (each entity's run `started`, `joined` to
 * the entity's running sync, or `queued` behind it, parents first) or `joined` the one running.
 */
export const ConnectorSyncTriggered = Schema.Struct({
  status: Schema.Literals(["started", "joined"]),
  /** The connector sync's execution: `GET /executions/{executionId}` lists its runs. */
  executionId: Schema.String,
  mode: SyncMode,
  runs: Schema.Array(TriggeredRun)
}).annotate({
  description:
    "started: a connector sync started; joined: the connector sync already running carries the request. `runs` are its entities' runs, parents first (as far as the connector's discovered entities are known)."
})

/** The outcome of a test connection. */
export const ConnectionTest = Schema.Struct({ ok: Schema.Boolean, message: Schema.String })

/** Connectors: CRUD, test connection and discovery. */
export class ConnectorsGroup extends HttpApiGroup.make("connectors")
  .add(
    HttpApiEndpoint.get("list", "/connectors", { success: Schema.Array(ConnectorView) }).annotateMerge(
      OpenApi.annotations({
        summary: "List connectors",
        description: "Every connector with its adapter, settings (secrets never shown) and target schema."
      })
    ),
    HttpApiEndpoint.post("create", "/connectors", {
      payload: CreateConnector,
      success: ConnectorView.pipe(HttpApiSchema.status(201)),
      error: [InvalidField, Conflict, Unavailable]
    }).annotateMerge(
      OpenApi.annotations({
        summary: "Create a connector",
        description:
          "Registers a connector for an adapter (`apismith`, `pco`) with its settings and credentials (stored encrypted). Discover its entities next with `POST /connectors/{connectorId}/discover`."
      })
    ),
    HttpApiEndpoint.get("get", "/connectors/:connectorId", {
      params: connectorParams,
      success: ConnectorView,
      error: NotFound
    }).annotateMerge(
      OpenApi.annotations({
        summary: "Show a connector",
        description: "One connector with its settings (secrets never shown)."
      })
    ),
    HttpApiEndpoint.patch("update", "/connectors/:connectorId", {
      params: connectorParams,
      payload: UpdateConnector,
      success: ConnectorView,
      error: [NotFound, InvalidField, Conflict, Unavailable]
    }).annotateMerge(
      OpenApi.annotations({
        summary: "Update a connector",
        description:
          "Changes a connector's name, settings, credentials, webhook secrets or target schema; absent fields are kept."
      })
    ),
    HttpApiEndpoint.delete("remove", "/connectors/:connectorId", {
      params: connectorParams,
      success: HttpApiSchema.NoContent,
      error: [NotFound, Unavailable]
    }).annotateMerge(
      OpenApi.annotations({
        summary: "Delete a connector",
        description: "Deletes the connector and its sync state (entities, runs, failed records). Its tables are kept."
      })
    ),
    HttpApiEndpoint.post("test", "/connectors/:connectorId/test", {
      params: connectorParams,
      success: ConnectionTest,
      error: [NotFound, UpstreamFailed]
    }).annotateMerge(
      OpenApi.annotations({
        summary: "Test a connection",
        description:
          "Calls the upstream API with the connector's credentials and answers whether it accepted them (`ok`, `message`)."
      })
    ),
    HttpApiEndpoint.post("discover", "/connectors/:connectorId/discover", {
      params: connectorParams,
      success: Schema.Array(DiscoveredEntityView),
      error: [NotFound, UpstreamFailed, Unavailable]
    }).annotateMerge(
      OpenApi.annotations({
        summary: "Discover entities",
        description:
          "Asks the upstream API which entities it has (names, columns, keys, parents) and records them; new entities start enabled on the default schedule. Each entity's `drift` says whether it is new, unchanged, drifted since the previous discovery (columns added, removed or retyped, key changed) or missing (no longer offered); `typeMismatches` are the table's columns whose type differs from the source's, as the latest sync found them."
      })
    ),
    HttpApiEndpoint.post("sync", "/connectors/:connectorId/sync", {
      params: connectorParams,
      payload: SyncConnector,
      success: ConnectorSyncTriggered.pipe(HttpApiSchema.status(202)),
      error: [NotFound, InvalidField, Unavailable]
    }).annotateMerge(
      OpenApi.annotations({
        summary: "Sync a connector",
        description:
          "Starts a durable sync of the connector's entities (all, or those named in `entities`), parents before children; answers the workflow's execution id."
      })
    ),
    HttpApiEndpoint.post("moveTables", "/connectors/:connectorId/move-tables", {
      params: connectorParams,
      payload: MoveTables,
      success: Schema.Array(MovedTableView),
      error: [NotFound, InvalidField, Conflict, Unavailable]
    }).annotateMerge(
      OpenApi.annotations({
        summary: "Move a connector's tables",
        description:
          "Moves the connector's tables, with their rows, to another PostgreSQL schema (`toSchema`; absent or null: the connector's id)."
      })
    )
  )
  .middleware(AdminAuth)
  .annotateMerge(OpenApi.annotations({ title: "Connectors" })) {}
