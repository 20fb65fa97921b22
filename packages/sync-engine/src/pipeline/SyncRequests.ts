/**
 * What the sync engine is asked to do (its requests and their outcomes) and how a sync can fail.
 */
import type { Adapter, AdapterError, EntityManifest } from "@syncflow/adapter-core"
import { Schema } from "effect"
import type { SqlError } from "effect/sql"
import type { DestinationError } from "../destination/DestinationError.ts"
import type { InvalidIdentifier } from "../destination/Identifier.ts"
import type { EtlRunError } from "../etl/EtlRunError.ts"
import type { RowLedgerError } from "../ledger/RowLedger.ts"
import type { StageConfigError } from "../stages/StageConfigError.ts"
import type { StagesOptions } from "../stages/Stages.ts"
import type { EntityBusy } from "../state/EntityBusy.ts"
import type { OrphanPolicy } from "../state/EntitySettings.ts"
import type { ConnectorNotFound, RunNotFound, StateStoreError } from "../state/StateStoreError.ts"
import type { RunCounts } from "../state/SyncRun.ts"
import type { TableTaken } from "./resolveTarget.ts"
import type { SyncMode } from "./SyncMode.ts"
import type { SyncSink } from "./SyncSink.ts"

/** A configuration problem found before syncing, e.g. a parent entity without a manifest. */
export class SyncConfigError extends Schema.TaggedError<SyncConfigError>()("SyncConfigError", {
  entity: Schema.String,
  message: Schema.String
}) {}

/** Any failure of a sync. */
export type SyncError =
  | AdapterError
  | DestinationError
  | InvalidIdentifier
  | StateStoreError
  | RunNotFound
  | ConnectorNotFound
  | TableTaken
  | StageConfigError
  | SyncConfigError
  | EntityBusy
  | RowLedgerError
  | EtlRunError
  | SqlError.SqlError

/** What to sync and how. */
export interface SyncEntityRequest {
  readonly connectorId: string
  readonly adapter: Adapter
  readonly manifest: EntityManifest
  /** The connector's other manifests, for resolving parents. */
  readonly manifests?: ReadonlyArray<EntityManifest> | undefined
  readonly mode?: SyncMode | undefined
  readonly stages?: StagesOptions | undefined
  /** Records per upstream page (capped by the adapter). */
  readonly pageSize?: number | undefined
  /**
   * Upstream pages requested at once, where the source can be asked for its pages in any order
   * (offset or page-number paging, e.g. APISmith); 1 by default. Pages, windows and checkpoints stay
   * exactly as with 1 (see the sync-engine README, "Scaling past two cores").
   */
  readonly fetchConcurrency?: number | undefined
  /** Records per committed window (10,000 by default): a crash re-reads at most this many. */
  readonly windowRows?: number | undefined
  /** What happens to rows whose parent is missing; the entity's stored setting (`keep` by default) when absent. */
  readonly orphans?: OrphanPolicy | undefined
  /**
   * Who holds the entity's lease for this sync (see `EntityLeases`): this process, under a new
   * name, when absent. A second sync of the entity fails with `EntityBusy` while one holds it.
   */
  readonly holder?: string | undefined
  /** While another sync holds the entity's lease: wait for it (trying every second) instead of failing with `EntityBusy`. */
  readonly waitForLease?: boolean | undefined
  /** Where a sync writes: absent = the default definition (the connector's PostgreSQL table), today's behaviour. */
  readonly sink?: SyncSink | undefined
}

/** Which failed records to retry, and the configuration to run them through. */
export interface RetryFailedRequest {
  readonly connectorId: string
  readonly manifest: EntityManifest
  readonly manifests?: ReadonlyArray<EntityManifest> | undefined
  readonly stages?: StagesOptions | undefined
  /**
   * Only these records, due or not (a one-record retry from the API or the CLI); records of other
   * entities are left alone. Without it, every due record of the entity.
   */
  readonly ids?: ReadonlyArray<string> | undefined
}

export { noRetries, type RetryOutcome } from "./retryFailedBatch.ts"

/** One window of an entity's listing: what `syncWindow` needs. */
export interface SyncWindowRequest extends SyncEntityRequest {
  /**
   * The id of the run to start when no listing of this mode is in progress (a UUID). A durable
   * workflow passes one derived from its execution, so a retried first window reuses the same run.
   */
  readonly runId?: string | undefined
  /** Who holds the entity's lease across the listing's windows and its finish (a workflow execution). */
  readonly holder: string
}

/** What one `syncWindow` call committed. */
export interface WindowOutcome {
  /** The run the listing belongs to. */
  readonly runId: string
  /** Whether the listing has no window left: call `finishListing` next. */
  readonly done: boolean
  /** Whether this window continued a listing an earlier call (or process) had started. */
  readonly resumed: boolean
  /** The stage counts of this window (all zero when there was nothing left to read). */
  readonly counts: RunCounts
  /** Child rows parked because their parents are missing. */
  readonly pending: number
}

/** Ends a listing whose windows are all committed. */
export interface FinishListingRequest {
  readonly connectorId: string
  readonly manifest: EntityManifest
  readonly runId: string
  /** The holder of the entity's lease (the one its windows took): released once the run has finished. */
  readonly holder: string
  /** A sync definition's sink: the listing its windows committed into it (`sinkWindow.ts`). */
  readonly sink?: SyncSink | undefined
  /** The stage options the windows ran with (a sink's ETL steps are compiled from them to end the listing). */
  readonly stages?: StagesOptions | undefined
}
