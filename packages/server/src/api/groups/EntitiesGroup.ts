/**
 * The `entities` endpoint group: an entity's settings and its sync triggers.
 */
import { AlertOverrides, OrphanPolicy, SyncMode } from "@syncflow/sync-engine"
import { Cron, Result, Schema } from "effect"
import { HttpApiEndpoint, HttpApiGroup, HttpApiSchema, OpenApi } from "effect/http-api"
import { AdminAuth } from "../AdminAuth.ts"
import { InvalidField, NotFound, Unavailable } from "../ApiErrors.ts"
import { connectorParams, entityParams } from "../ApiParams.ts"
import { EntityView } from "../Views.ts"

/**
 * A cron expression of five fields (minute hour day-of-month month day-of-week), read in UTC and
 * checked with `Cron.parse`, as the scheduler reads it: `61 * * * *` is refused.
 */
export const CronExpression = Schema.String.check(
  Schema.makeFilter((expression: string) => {
    if (!/^\s*\S+(\s+\S+){4}\s*$/.test(expression)) return "expected a cron expression of five fields (UTC)"
    const parsed = Cron.parse(expression, "UTC")
    return Result.isSuccess(parsed) || `not a valid cron expression: ${parsed.failure.message}`
  })
)

/** Seconds between scheduled syncs or reconciliations: 1 second to 366 days. */
export const IntervalSeconds = Schema.Int.check(Schema.isBetween({ minimum: 1, maximum: 366 * 24 * 3600 })).annotate({
  examples: [900, 86_400]
})

/** The body of `PATCH .../entities/{entity}`: absent fields are kept. */
export const UpdateEntity = Schema.Struct({
  enabled: Schema.optionalKey(Schema.Boolean),
  intervalSeconds: Schema.optionalKey(IntervalSeconds),
  /** A cron expression (five fields, UTC) replacing the interval; `null` clears it. */
  cron: Schema.optionalKey(
    Schema.NullOr(CronExpression).annotate({
      description:
        "A cron expression (five fields, UTC), checked as the scheduler reads it; replaces intervalSeconds. null clears it.",
      examples: ["*/15 * * * *", null]
    })
  ),
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
    Schema.NullOr(IntervalSeconds).annotate({
      description:
        "Seconds between scheduled reconciliations (complete listings that soft-delete rows the source no longer has); default 86400. null together with reconcileCron null: never reconciled on schedule."
    })
  ),
  /** A cron expression (five fields, UTC) for reconciliations, replacing the interval; `null` clears it. */
  reconcileCron: Schema.optionalKey(
    Schema.NullOr(CronExpression).annotate({
      description: "A cron expression (five fields, UTC) for reconciliations; replaces reconcileIntervalSeconds",
      examples: ["0 2 * * *"]
    })
  ),
  /**
   * The entity's table in its connector's schema (a lowercase identifier); `null`: the entity's
   * name. Moves no table: the next sync fills the new one from the first row.
   */
  targetTable: Schema.optionalKey(Schema.NullOr(Schema.String)),
  /** The entity's own alert thresholds, replacing the ones it had (`{}`: the global thresholds again). */
  alerts: Schema.optionalKey(
    AlertOverrides.annotate({
      description:
        "The entity's own alert thresholds over the global ones (SYNCFLOW_ALERT_*): consecutiveFailures (runs), longRunMinutes, notSyncedFactor (times its interval or cron period), failedRecords (open records), pendingChildMinutes; null turns that rule off for the entity. Replaces the entity's previous thresholds: {} returns to the global ones.",
      examples: [{ consecutiveFailures: 1, longRunMinutes: 120 }, { failedRecords: null }]
    })
  )
}).annotate({
  examples: [
    { enabled: true, cron: "*/15 * * * *", mode: "incremental" },
    { intervalSeconds: 900, cron: null }
  ]
})

/**
 * What an entity trigger did: `started` a sync, `joined` the sync already running (any trigger while
 * a complete listing runs, an incremental one while an incremental one runs), or `queued` one behind
 * the running sync (`behind`, its run `behindRunId`), which starts it when it ends. `executionId` is
 * the sync that carries the request, `runId` its run (known before it starts), `mode` its mode.
 */
export const EntitySyncTriggered = Schema.Struct({
  status: Schema.Literals(["started", "joined", "queued"]),
  executionId: Schema.String,
  runId: Schema.String,
  mode: SyncMode,
  behind: Schema.optionalKey(Schema.String),
  behindRunId: Schema.optionalKey(Schema.String)
}).annotate({
  description:
    "started: a sync started. joined: the sync already running covers the request (any request while a complete listing runs, an incremental one while an incremental one runs). queued: a sync queued behind the running one `behind` (run `behindRunId`); it starts when that one ends. `runId` is the run that carries the request: GET /runs/{runId} (or GET /executions/{executionId}) follows it."
})

/** Entities: settings, triggers. */
export class EntitiesGroup extends HttpApiGroup.make("entities")
  .add(
    HttpApiEndpoint.get("list", "/connectors/:connectorId/entities", {
      params: connectorParams,
      success: Schema.Array(EntityView),
      error: NotFound
    }).annotateMerge(
      OpenApi.annotations({
        summary: "List a connector's entities",
        description: "The connector's discovered entities with their schedule, mode, orphan policy and table."
      })
    ),
    HttpApiEndpoint.get("get", "/connectors/:connectorId/entities/:entity", {
      params: entityParams,
      success: EntityView,
      error: NotFound
    }).annotateMerge(
      OpenApi.annotations({
        summary: "Show an entity",
        description: "One discovered entity with its schedule, mode, orphan policy and table."
      })
    ),
    HttpApiEndpoint.patch("update", "/connectors/:connectorId/entities/:entity", {
      params: entityParams,
      payload: UpdateEntity,
      success: EntityView,
      error: [NotFound, InvalidField]
    }).annotateMerge(
      OpenApi.annotations({
        summary: "Change an entity's settings",
        description:
          "Enables or disables an entity, sets its schedule (`intervalSeconds` or a five-field UTC `cron`), its mode, orphan policy, reconciliation schedule, table or alert thresholds (`alerts`); absent fields are kept. An invalid cron, interval or threshold is a 400 naming the field."
      })
    ),
    HttpApiEndpoint.post("sync", "/connectors/:connectorId/entities/:entity/sync", {
      params: entityParams,
      success: EntitySyncTriggered.pipe(HttpApiSchema.status(202)),
      error: [NotFound, Unavailable]
    }).annotateMerge(
      OpenApi.annotations({
        summary: "Sync an entity",
        description:
          "Starts a sync of the entity in its configured mode, or joins or queues behind the one already running (see `status`)."
      })
    ),
    HttpApiEndpoint.post("fullRefresh", "/connectors/:connectorId/entities/:entity/full-refresh", {
      params: entityParams,
      success: EntitySyncTriggered.pipe(HttpApiSchema.status(202)),
      error: [NotFound, Unavailable]
    }).annotateMerge(
      OpenApi.annotations({
        summary: "Reconcile an entity",
        description:
          "Starts a reconciliation (full-refresh is its other name): a complete listing that writes new and changed rows and soft-deletes the rows the source no longer has."
      })
    )
  )
  .middleware(AdminAuth)
  .annotateMerge(OpenApi.annotations({ title: "Entities" })) {}
