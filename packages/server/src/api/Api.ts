/**
 * The admin HTTP API (`/api/v1`), as a schema: every endpoint, its parameters, payload, responses
 * and errors. The OpenAPI document (`/openapi.json`) and the docs page (`/docs`) are derived from it.
 * Every group but `health` and the OAuth2 callback requires the admin bearer token.
 */
import { OrphanPolicy, RunStatus, SyncMode } from "@syncflow/sync-engine"
import { Schema } from "effect"
import { HttpApi, HttpApiEndpoint, HttpApiGroup, HttpApiMiddleware, HttpApiSchema, OpenApi } from "effect/http-api"
import { AdapterName, CredentialsInput } from "../connectors/ConnectorSettings.ts"
import { AdminAuth } from "./AdminAuth.ts"
import { Conflict, InvalidField, NotFound, Unavailable, UpstreamFailed } from "./ApiErrors.ts"
import { ConnectorView, EntityView, FailedRecordView, OrphanView, PendingChildView, RunView } from "./Views.ts"

const ConnectorId = Schema.String.check(
  Schema.isPattern(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$/, {
    message: "expected 1 to 100 letters, digits, '.', '_' or '-', starting with a letter or digit"
  })
)
const Limit = Schema.NumberFromString.check(Schema.isInt(), Schema.isBetween({ minimum: 1, maximum: 10_000 }))
const Settings = Schema.Record(Schema.String, Schema.Json)
const Secret = Schema.Redacted(Schema.NonEmptyString)

/** The body of `POST /connectors`. */
export const CreateConnector = Schema.Struct({
  /** The connector's id; a UUID when absent. */
  id: Schema.optionalKey(ConnectorId),
  adapter: AdapterName,
  name: Schema.NonEmptyString,
  /** The adapter's settings: `baseUrl` (required for APISmith), `pageSize`. */
  config: Schema.optionalKey(Settings),
  credentials: CredentialsInput,
  /** PCO: the secret webhook deliveries are signed with (any event without its own in `webhookSecrets`). */
  webhookSecret: Schema.optionalKey(Secret),
  /** PCO: secrets by event name, e.g. `{"people.v2.events.person.updated": "..."}`. */
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
})

/** The body of `POST /connectors/{connectorId}/move-tables`. */
export const MoveTables = Schema.Struct({
  /** The schema to move the connector's tables to (a lowercase identifier); absent or `null`: its id. */
  toSchema: Schema.optionalKey(Schema.NullOr(Schema.String))
})

/** What `move-tables` did with one entity's table. */
export const MovedTableView = Schema.Struct({
  entity: Schema.String,
  from: Schema.String,
  to: Schema.String,
  /** `false`: no table at `from` (never synced); the next sync creates it at `to`. */
  moved: Schema.Boolean
})

const CronExpression = Schema.String.check(
  Schema.isPattern(/^\S+( \S+){4}$/, { message: "expected a cron expression of five fields" })
)

/** The body of `PATCH .../entities/{entity}`: absent fields are kept. */
export const UpdateEntity = Schema.Struct({
  enabled: Schema.optionalKey(Schema.Boolean),
  intervalSeconds: Schema.optionalKey(Schema.Int.check(Schema.isGreaterThan(0))),
  cron: Schema.optionalKey(Schema.NullOr(CronExpression)),
  mode: Schema.optionalKey(SyncMode),
  /** What happens to child rows whose parent is missing: `keep` (written, flagged) or `park`. */
  orphans: Schema.optionalKey(
    OrphanPolicy.annotate({
      description:
        "keep (default): a child row whose parent is missing is written and flagged _parent_missing until the parent arrives; park: it waits in pending_children (5 attempts, then a failed record)"
    })
  ),
  /** Seconds between reconciliations (complete listings that soft-delete what the source no longer has); daily by default. */
  reconcileIntervalSeconds: Schema.optionalKey(
    Schema.NullOr(Schema.Int.check(Schema.isGreaterThan(0))).annotate({
      description:
        "Seconds between scheduled reconciliations (complete listings that soft-delete rows the source no longer has); default 86400. null together with reconcileCron null: never reconciled on schedule."
    })
  ),
  /** A cron expression (five fields, UTC) for reconciliations, replacing the interval; `null` clears it. */
  reconcileCron: Schema.optionalKey(
    Schema.NullOr(CronExpression).annotate({
      description: "A cron expression (five fields, UTC) for reconciliations; replaces reconcileIntervalSeconds"
    })
  ),
  /**
   * The entity's table in its connector's schema (a lowercase identifier); `null`: the entity's
   * name. Moves no table: the next sync fills the new one from the first row.
   */
  targetTable: Schema.optionalKey(Schema.NullOr(Schema.String))
})

/** The body of `POST /connectors/{connectorId}/sync`. */
export const SyncConnector = Schema.Struct({
  entities: Schema.optionalKey(Schema.Array(Schema.NonEmptyString)),
  mode: Schema.optionalKey(SyncMode)
})

/** A started sync: the durable workflow's execution id. */
export const SyncStarted = Schema.Struct({ executionId: Schema.String })

/**
 * What an entity trigger did: `started` a sync; joined the sync already `running` (any trigger while
 * a complete listing runs, an incremental one while an incremental one runs); or `queued` a complete
 * listing behind the running incremental one (`behind`), which starts it when it ends. `executionId`
 * is the sync that carries the request, `mode` the mode it runs in.
 */
export const EntitySyncTriggered = Schema.Struct({
  executionId: Schema.String,
  status: Schema.Literals(["started", "running", "queued"]),
  mode: SyncMode,
  behind: Schema.optionalKey(Schema.String)
}).annotate({
  description:
    "started: a sync started. running: the sync already running covers the request (any request while a complete listing runs, an incremental one while an incremental one runs). queued: a complete listing queued behind the running incremental sync `behind`; it starts when that one ends."
})

/** The outcome of a test connection. */
export const ConnectionTest = Schema.Struct({ ok: Schema.Boolean, message: Schema.String })

/** The outcome of a manual retry of a failed record. */
export const RetryResult = Schema.Struct({
  resolved: Schema.Number,
  stillWaiting: Schema.Number,
  /** 1 when the table holds a newer (or a deleted) row: nothing was written and the record is closed as `stale`. */
  stale: Schema.Number,
  record: FailedRecordView
})

/** A component's health. */
export const ComponentHealth = Schema.Struct({
  name: Schema.String,
  status: Schema.Literals(["ok", "down"]),
  message: Schema.optionalKey(Schema.String),
  latencyMs: Schema.optionalKey(Schema.Number)
})

/** A health report: `ok` (200) or `degraded` (503). */
export const HealthReport = Schema.Struct({
  status: Schema.Literals(["ok", "degraded"]),
  version: Schema.String,
  checks: Schema.Array(ComponentHealth)
})

/** A degraded health report, served with 503. */
export class Degraded extends Schema.TaggedError<Degraded>()(
  "Degraded",
  { status: Schema.Literal("degraded"), version: Schema.String, checks: Schema.Array(ComponentHealth) },
  { httpApiStatus: 503 }
) {}

const connectorParams = { connectorId: Schema.String }
const entityParams = { connectorId: Schema.String, entity: Schema.String }

/** Liveness and readiness: open to everyone. */
export class HealthGroup extends HttpApiGroup.make("health")
  .add(
    HttpApiEndpoint.get("live", "/health", { success: HealthReport }),
    HttpApiEndpoint.get("database", "/health/db", { success: HealthReport, error: Degraded }),
    HttpApiEndpoint.get("connectors", "/health/connectors", { success: HealthReport, error: Degraded })
  )
  .annotateMerge(OpenApi.annotations({ title: "Health", description: "Liveness and readiness (no auth)" })) {}

/** Connectors: CRUD, test connection and discovery. */
export class ConnectorsGroup extends HttpApiGroup.make("connectors")
  .add(
    HttpApiEndpoint.get("list", "/connectors", { success: Schema.Array(ConnectorView) }),
    HttpApiEndpoint.post("create", "/connectors", {
      payload: CreateConnector,
      success: ConnectorView.pipe(HttpApiSchema.status(201)),
      error: [InvalidField, Conflict, Unavailable]
    }),
    HttpApiEndpoint.get("get", "/connectors/:connectorId", {
      params: connectorParams,
      success: ConnectorView,
      error: NotFound
    }),
    HttpApiEndpoint.patch("update", "/connectors/:connectorId", {
      params: connectorParams,
      payload: UpdateConnector,
      success: ConnectorView,
      error: [NotFound, InvalidField, Conflict, Unavailable]
    }),
    HttpApiEndpoint.delete("remove", "/connectors/:connectorId", {
      params: connectorParams,
      success: HttpApiSchema.NoContent,
      error: [NotFound, Unavailable]
    }),
    HttpApiEndpoint.post("test", "/connectors/:connectorId/test", {
      params: connectorParams,
      success: ConnectionTest,
      error: [NotFound, UpstreamFailed]
    }),
    HttpApiEndpoint.post("discover", "/connectors/:connectorId/discover", {
      params: connectorParams,
      success: Schema.Array(EntityView),
      error: [NotFound, UpstreamFailed, Unavailable]
    }),
    HttpApiEndpoint.post("sync", "/connectors/:connectorId/sync", {
      params: connectorParams,
      payload: SyncConnector,
      success: SyncStarted.pipe(HttpApiSchema.status(202)),
      error: [NotFound, InvalidField, Unavailable]
    }),
    HttpApiEndpoint.post("moveTables", "/connectors/:connectorId/move-tables", {
      params: connectorParams,
      payload: MoveTables,
      success: Schema.Array(MovedTableView),
      error: [NotFound, InvalidField, Conflict, Unavailable]
    })
  )
  .middleware(AdminAuth)
  .annotateMerge(OpenApi.annotations({ title: "Connectors" })) {}

/** Entities: settings, triggers. */
export class EntitiesGroup extends HttpApiGroup.make("entities")
  .add(
    HttpApiEndpoint.get("list", "/connectors/:connectorId/entities", {
      params: connectorParams,
      success: Schema.Array(EntityView),
      error: NotFound
    }),
    HttpApiEndpoint.get("get", "/connectors/:connectorId/entities/:entity", {
      params: entityParams,
      success: EntityView,
      error: NotFound
    }),
    HttpApiEndpoint.patch("update", "/connectors/:connectorId/entities/:entity", {
      params: entityParams,
      payload: UpdateEntity,
      success: EntityView,
      error: [NotFound, InvalidField]
    }),
    HttpApiEndpoint.post("sync", "/connectors/:connectorId/entities/:entity/sync", {
      params: entityParams,
      success: EntitySyncTriggered.pipe(HttpApiSchema.status(202)),
      error: [NotFound, Unavailable]
    }).annotateMerge(OpenApi.annotations({ description: "Starts a sync of the entity in its configured mode." })),
    HttpApiEndpoint.post("fullRefresh", "/connectors/:connectorId/entities/:entity/full-refresh", {
      params: entityParams,
      success: EntitySyncTriggered.pipe(HttpApiSchema.status(202)),
      error: [NotFound, Unavailable]
    }).annotateMerge(
      OpenApi.annotations({
        description:
          "Starts a reconciliation (full-refresh is its other name): a complete listing that writes new and changed rows and soft-deletes the rows the source no longer has."
      })
    )
  )
  .middleware(AdminAuth)
  .annotateMerge(OpenApi.annotations({ title: "Entities" })) {}

/** Runs: overall and per entity, with filters; one run with its stage counts. */
export class RunsGroup extends HttpApiGroup.make("runs")
  .add(
    HttpApiEndpoint.get("list", "/runs", {
      query: {
        connector: Schema.optionalKey(Schema.String),
        entity: Schema.optionalKey(Schema.String),
        status: Schema.optionalKey(RunStatus),
        limit: Schema.optionalKey(Limit)
      },
      success: Schema.Array(RunView)
    }),
    HttpApiEndpoint.get("listForEntity", "/connectors/:connectorId/entities/:entity/runs", {
      params: entityParams,
      query: { status: Schema.optionalKey(RunStatus), limit: Schema.optionalKey(Limit) },
      success: Schema.Array(RunView),
      error: NotFound
    }),
    HttpApiEndpoint.get("get", "/runs/:runId", {
      params: { runId: Schema.String },
      success: RunView,
      error: NotFound
    })
  )
  .middleware(AdminAuth)
  .annotateMerge(OpenApi.annotations({ title: "Runs" })) {}

/** Failed records (the dead-letter queue) and pending children. */
export class RecordsGroup extends HttpApiGroup.make("records")
  .add(
    HttpApiEndpoint.get("listFailed", "/connectors/:connectorId/failed-records", {
      params: connectorParams,
      query: {
        entity: Schema.optionalKey(Schema.String),
        runId: Schema.optionalKey(Schema.String),
        includeResolved: Schema.optionalKey(Schema.Literals(["true", "false"])),
        afterId: Schema.optionalKey(Schema.String.check(Schema.isPattern(/^[0-9]{1,18}$/))),
        limit: Schema.optionalKey(Limit)
      },
      success: Schema.Array(FailedRecordView),
      error: NotFound
    }),
    HttpApiEndpoint.get("getFailed", "/failed-records/:recordId", {
      params: { recordId: Schema.String },
      success: FailedRecordView,
      error: NotFound
    }),
    HttpApiEndpoint.post("retryFailed", "/failed-records/:recordId/retry", {
      params: { recordId: Schema.String },
      success: RetryResult,
      error: [NotFound, Unavailable]
    }),
    HttpApiEndpoint.delete("discardFailed", "/failed-records/:recordId", {
      params: { recordId: Schema.String },
      success: HttpApiSchema.NoContent,
      error: NotFound
    }),
    HttpApiEndpoint.get("listOrphans", "/connectors/:connectorId/entities/:entity/orphans", {
      params: entityParams,
      query: {
        afterBkHash: Schema.optionalKey(Schema.String.check(Schema.isPattern(/^[0-9a-f]{1,64}$/))),
        limit: Schema.optionalKey(Limit)
      },
      success: Schema.Array(OrphanView),
      error: NotFound
    }),
    HttpApiEndpoint.get("listPending", "/connectors/:connectorId/pending-children", {
      params: connectorParams,
      query: { entity: Schema.optionalKey(Schema.String), limit: Schema.optionalKey(Limit) },
      success: Schema.Array(PendingChildView),
      error: NotFound
    })
  )
  .middleware(AdminAuth)
  .annotateMerge(OpenApi.annotations({ title: "Failed records and pending children" })) {}

/** PCO OAuth2: start (admin) redirects to Planning Center; the callback stores the tokens. */
export class OAuthStartGroup extends HttpApiGroup.make("oauthStart")
  .add(
    HttpApiEndpoint.get("start", "/oauth/pco/:connectorId/start", {
      params: connectorParams,
      success: Schema.Struct({ authorizeUrl: Schema.String }).pipe(HttpApiSchema.status(302)),
      error: [NotFound, InvalidField]
    })
  )
  .middleware(AdminAuth)
  .annotateMerge(OpenApi.annotations({ title: "OAuth2" })) {}

/** The OAuth2 callback Planning Center redirects the user's browser to (checked by its signed state). */
export class OAuthCallbackGroup extends HttpApiGroup.make("oauthCallback")
  .add(
    HttpApiEndpoint.get("callback", "/oauth/pco/callback", {
      query: { code: Schema.NonEmptyString, state: Schema.NonEmptyString },
      success: Schema.Struct({ connectorId: Schema.String, connected: Schema.Boolean }),
      error: [InvalidField, NotFound, UpstreamFailed]
    })
  )
  .annotateMerge(OpenApi.annotations({ title: "OAuth2" })) {}

/** The admin API. */
export class Api extends HttpApi.make("syncflow")
  .add(HealthGroup)
  .add(ConnectorsGroup)
  .add(EntitiesGroup)
  .add(RunsGroup)
  .add(RecordsGroup)
  .add(OAuthStartGroup)
  .add(OAuthCallbackGroup)
  .prefix("/api/v1")
  .middleware(HttpApiMiddleware.ProblemDetails)
  .annotateMerge(
    OpenApi.annotations({
      title: "SyncFlow admin API",
      description:
        "Connectors, entities, runs, failed records and OAuth2. Webhooks are received at POST /webhooks/pco/{connector}; Prometheus metrics at GET /metrics."
    })
  ) {}
