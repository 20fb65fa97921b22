/**
 * The entry point to durable syncs: starts the SyncEntity and SyncConnector workflows on the
 * cluster (one in-process runner by default, or several sharing the database) and reads their
 * outcome. The server's triggers, webhooks and scheduler go through it.
 */
import { Context, type Effect, Schema } from "effect"
import type { SyncMode } from "../pipeline/SyncMode.ts"
import type { SyncSummary } from "../pipeline/SyncSummary.ts"

/** Start one entity's sync. */
export interface StartEntitySync {
  readonly connectorId: string
  readonly entity: string
  readonly mode: SyncMode
  /**
   * The records a webhook said changed: a targeted sync. Adapters list entities, not single records,
   * so a targeted sync may read more than these (the workflow documents what it does).
   */
  readonly recordIds?: ReadonlyArray<string> | undefined
}

/** Start a connector's sync: every entity (or the named ones), parents first. */
export interface StartConnectorSync {
  readonly connectorId: string
  readonly entities?: ReadonlyArray<string> | undefined
  readonly mode: SyncMode
}

/** A sync that could not be started or did not finish. */
export class SyncWorkflowError extends Schema.TaggedError<SyncWorkflowError>()("SyncWorkflowError", {
  message: Schema.String
}) {}

/** Durable syncs on the cluster. */
export class SyncWorkflows extends Context.Service<
  SyncWorkflows,
  {
    /**
     * Starts an entity's sync and returns its execution id without waiting. While a sync of the same
     * entity is running, returns that one's id instead of starting another (skip-if-running).
     */
    readonly startEntity: (request: StartEntitySync) => Effect.Effect<string, SyncWorkflowError>
    /** Starts a connector's sync and returns its execution id without waiting. */
    readonly startConnector: (request: StartConnectorSync) => Effect.Effect<string, SyncWorkflowError>
    /** Runs a connector's sync to the end and returns each entity's summary. */
    readonly runConnector: (request: StartConnectorSync) => Effect.Effect<ReadonlyArray<SyncSummary>, SyncWorkflowError>
  }
>()("@syncflow/sync-engine/workflow/SyncWorkflows") {}
