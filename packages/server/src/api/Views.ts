/**
 * What the admin API returns: connectors (never their credentials), entities, runs with their stage
 * counts, failed records and pending children, with times as ISO-8601 strings.
 */
import { EntityManifest } from "@syncflow/adapter-core"
import {
  type Alert,
  AlertRule,
  AlertState,
  alertRuleUnits,
  ColumnTypeMismatch,
  type Connector,
  type DiscoveredEntity,
  EntitySettings,
  type ExecutionRun,
  type FailedRecord,
  type PendingChild,
  RunCounts,
  RunStatus,
  type SyncRun
} from "@syncflow/sync-engine"
import { DateTime, Option, Schema } from "effect"
import { effectiveSchema } from "../connectors/TargetSchema.ts"
import * as WebhookSecret from "../connectors/WebhookSecret.ts"
import { DiscoveryDrift } from "./DiscoveryDrift.ts"

const iso = (value: DateTime.Utc): string => DateTime.formatIso(value)
const isoOrNull = (value: DateTime.Utc | null): string | null => (value === null ? null : iso(value))

/** A connector as the API shows it: no credentials, only whether they are stored. */
export const ConnectorView = Schema.Struct({
  id: Schema.String,
  adapter: Schema.String,
  name: Schema.String,
  config: Schema.Json,
  hasCredentials: Schema.Boolean,
  hasWebhookSecret: Schema.Boolean,
  /** The schema set for its tables; `null`: the default, its id as an identifier. */
  targetSchema: Schema.NullOr(Schema.String),
  /** Where its tables are: `targetSchema`, or the default. */
  schema: Schema.NullOr(Schema.String),
  createdAt: Schema.String,
  updatedAt: Schema.String
})

/** The view of a stored connector. */
export const connectorView = (connector: Connector): typeof ConnectorView.Type => {
  const { config, hasWebhookSecret } = WebhookSecret.publicConfig(connector.config)
  return {
    id: connector.id,
    adapter: connector.adapter,
    name: connector.name,
    config: Schema.is(Schema.Json)(config) ? config : {},
    hasCredentials: connector.hasCredentials,
    hasWebhookSecret,
    targetSchema: connector.targetSchema,
    schema: effectiveSchema(connector) ?? null,
    createdAt: iso(connector.createdAt),
    updatedAt: iso(connector.updatedAt)
  }
}

/** A discovered entity: its manifest and sync settings. */
export const EntityView = Schema.Struct({
  connectorId: Schema.String,
  entity: Schema.String,
  manifest: EntityManifest,
  settings: EntitySettings,
  discoveredAt: Schema.String,
  /**
   * Columns whose type in the table differs from the source's now (schema drift), as the latest
   * sync found them; their values that the table cannot store are failed records of stage `ingest`.
   */
  typeMismatches: Schema.Array(ColumnTypeMismatch)
})

/** An entity as a discovery answers it: its view and how its source schema changed (`drift`). */
export const DiscoveredEntityView = Schema.Struct({ ...EntityView.fields, drift: DiscoveryDrift })

/** The view of a discovered entity. */
export const entityView = (entity: DiscoveredEntity): typeof EntityView.Type => ({
  connectorId: entity.connectorId,
  entity: entity.entity,
  manifest: entity.manifest,
  settings: entity.settings,
  discoveredAt: iso(entity.discoveredAt),
  typeMismatches: entity.typeMismatches
})

/**
 * The counts of every stage of a run; `transformed` (the records its definition's field mapping
 * passed on) only for a run with a field mapping.
 */
export const RunCountsView = Schema.Struct({
  ...RunCounts.fields,
  transformed: Schema.optionalKey(Schema.Number)
})

/** What one of its definition's ETL steps did in a run, summed over its windows. */
export const EtlStepView = Schema.Struct({
  /** `pipeline[i] type`. */
  step: Schema.String,
  input: Schema.Number,
  output: Schema.Number,
  /** Rows it left out on purpose (a false filter, an inner join without a partner, a duplicate). */
  skipped: Schema.Number,
  failed: Schema.Number,
  ms: Schema.Number
})

/** A run with its stage counts; a running one's counts grow with every committed window. */
export const RunView = Schema.Struct({
  id: Schema.String,
  connectorId: Schema.String,
  entity: Schema.String,
  /** The sync definition it is of; `null` for the entity's default sync. */
  definitionId: Schema.NullOr(Schema.String),
  mode: Schema.String,
  status: RunStatus,
  /** Whether the run is still going (its counts are live). */
  live: Schema.Boolean,
  startedAt: Schema.String,
  finishedAt: Schema.NullOr(Schema.String),
  durationMs: Schema.NullOr(Schema.Number),
  counts: RunCountsView,
  error: Schema.NullOr(Schema.String),
  /** Columns whose type in the table differs from the source's (schema drift), as this run found them. */
  typeMismatches: Schema.Array(ColumnTypeMismatch),
  /** The version of its definition's field mapping the run used (absent: no field mapping). */
  mappingVersion: Schema.optionalKey(Schema.Number),
  /** Milliseconds its field mapping's Transform stage took, table lookups included (absent: no field mapping). */
  transformMs: Schema.optionalKey(Schema.Number),
  /** What each of its definition's ETL steps did, in pipeline order (absent: no steps). */
  etlSteps: Schema.optionalKey(Schema.Array(EtlStepView))
})

/** The view of a run. */
export const runView = (run: SyncRun): typeof RunView.Type => ({
  id: run.id,
  connectorId: run.connectorId,
  entity: run.entity,
  definitionId: Option.getOrNull(run.definitionId),
  mode: run.mode,
  status: run.status,
  live: run.status === "running",
  startedAt: iso(run.startedAt),
  finishedAt: isoOrNull(run.finishedAt),
  durationMs: run.durationMs,
  counts: {
    fetched: run.fetched,
    normalized: run.normalized,
    validated: run.validated,
    mapped: run.mapped,
    inserted: run.inserted,
    updated: run.updated,
    unchanged: run.unchanged,
    deleted: run.deleted,
    failed: run.failed,
    orphaned: run.orphaned,
    ...(run.transformed == null ? {} : { transformed: run.transformed })
  },
  error: run.error,
  typeMismatches: run.typeMismatches,
  ...(run.mappingVersion == null ? {} : { mappingVersion: run.mappingVersion }),
  ...(run.transformMs == null ? {} : { transformMs: run.transformMs }),
  ...(run.etlSteps == null || run.etlSteps.length === 0 ? {} : { etlSteps: run.etlSteps })
})

/** A failed record: what it looked like at each stage, where and why it failed. */
export const FailedRecordView = Schema.Struct({
  id: Schema.String,
  runId: Schema.NullOr(Schema.String),
  connectorId: Schema.String,
  entity: Schema.String,
  /** The sync definition it is of; `null` for the entity's default sync. */
  definitionId: Schema.NullOr(Schema.String),
  stage: Schema.String,
  errorType: Schema.String,
  message: Schema.String,
  rawData: Schema.Json,
  normalizedData: Schema.Json,
  mappedData: Schema.Json,
  businessKey: Schema.NullOr(Schema.String),
  attempts: Schema.Number,
  nextAttemptAt: Schema.NullOr(Schema.String),
  createdAt: Schema.String,
  resolvedAt: Schema.NullOr(Schema.String),
  /** Why it was closed: `retried`, `superseded`, `stale` or `resolved`; `null` while open. */
  resolution: Schema.NullOr(Schema.String)
})

/** The view of a failed record. */
export const failedRecordView = (record: FailedRecord): typeof FailedRecordView.Type => ({
  ...record,
  definitionId: Option.getOrNull(record.definitionId),
  nextAttemptAt: isoOrNull(record.nextAttemptAt),
  createdAt: iso(record.createdAt),
  resolvedAt: isoOrNull(record.resolvedAt)
})

/** A child row waiting for its parent. */
export const PendingChildView = Schema.Struct({
  connectorId: Schema.String,
  entity: Schema.String,
  /** The sync definition it is of; `null` for the entity's default sync. */
  definitionId: Schema.NullOr(Schema.String),
  bkHash: Schema.String,
  parentEntity: Schema.String,
  parentBkHash: Schema.String,
  row: Schema.Json,
  runId: Schema.NullOr(Schema.String),
  attempts: Schema.Number,
  nextAttemptAt: Schema.String,
  lastError: Schema.NullOr(Schema.String),
  createdAt: Schema.String
})

/** A kept orphan: a live row written while a parent it names was missing (`_parent_missing`). */
export const OrphanView = Schema.Struct({
  /** The row's business-key hash. */
  bkHash: Schema.String,
  /** The row's columns (audit columns left out), as PostgreSQL renders them as JSON. */
  row: Schema.Json
})

/** The view of a pending child. */
export const pendingChildView = (child: PendingChild): typeof PendingChildView.Type => ({
  ...child,
  definitionId: Option.getOrNull(child.definitionId),
  nextAttemptAt: iso(child.nextAttemptAt),
  createdAt: iso(child.createdAt)
})

/** A run a trigger started, joined or queued behind (one entity of a connector-wide trigger). */
export const TriggeredRun = Schema.Struct({
  entity: Schema.String,
  status: Schema.Literals(["started", "joined", "queued"]),
  /** The entity sync's execution (`GET /executions/{id}`). */
  executionId: Schema.String,
  /** The run (`GET /runs/{id}`), known before it starts. */
  runId: Schema.String
})

/** One run of an execution: the stored run once it has started, `null` while it waits. */
export const ExecutionRunView = Schema.Struct({
  connectorId: Schema.String,
  entity: Schema.String,
  runId: Schema.String,
  run: Schema.NullOr(RunView)
})

/** A workflow execution (an entity or a connector sync) with where it stands and its runs. */
export const ExecutionView = Schema.Struct({
  executionId: Schema.String,
  status: Schema.Literals(["running", "succeeded", "failed"]),
  /** Why it failed. */
  error: Schema.NullOr(Schema.String),
  runs: Schema.Array(ExecutionRunView)
})

/**
 * The runs of an execution as a user reads them, one per entity: the runs that started (a resumed
 * listing's run rather than the one allocated up front), else the one waiting to start.
 */
export const executionRunViews = (links: ReadonlyArray<ExecutionRun>): ReadonlyArray<typeof ExecutionRunView.Type> => {
  const entities = [...new Set(links.map((link) => `${link.connectorId}\u0000${link.entity}`))]
  return entities.flatMap((key) => {
    const mine = links.filter((link) => `${link.connectorId}\u0000${link.entity}` === key)
    const started = mine.filter((link) => Option.isSome(link.run))
    return (started.length > 0 ? started : mine.slice(0, 1)).map((link) => ({
      connectorId: link.connectorId,
      entity: link.entity,
      runId: link.runId,
      run: Option.match(link.run, { onNone: () => null, onSome: runView })
    }))
  })
}

/** An alert: one episode of a rule holding, fired then (perhaps) resolved. */
export const AlertView = Schema.Struct({
  id: Schema.String,
  rule: AlertRule,
  state: AlertState,
  connectorId: Schema.String,
  /** `null` for a connector's alert (`upstream_unreachable`). */
  entity: Schema.NullOr(Schema.String),
  summary: Schema.String,
  /** What was observed (the latest while firing), in `unit`. */
  value: Schema.Number,
  /** The threshold it crossed, in `unit`. */
  threshold: Schema.Number,
  unit: Schema.Literals(["runs", "seconds", "records"]),
  firedAt: Schema.String,
  resolvedAt: Schema.NullOr(Schema.String),
  updatedAt: Schema.String
})

/** The view of an alert. */
export const alertView = (alert: Alert): typeof AlertView.Type => ({
  id: alert.id,
  rule: alert.rule,
  state: alert.state,
  connectorId: alert.connectorId,
  entity: alert.entity,
  summary: alert.summary,
  value: alert.value,
  threshold: alert.threshold,
  unit: alertRuleUnits[alert.rule],
  firedAt: iso(alert.firedAt),
  resolvedAt: isoOrNull(alert.resolvedAt),
  updatedAt: iso(alert.updatedAt)
})
