/**
 * What a trigger of a durable sync asks for and what it answers: the run it started, joined or
 * queued behind, and where a started sync stands. The vocabulary of `SyncWorkflows`.
 */
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
  /**
   * While a sync of the entity runs: `true` queues one more (incremental) sync after it, so a change
   * that came after the running listing passed it is not missed (what a webhook wants). Otherwise a
   * running sync that covers the mode is joined and any other mode is queued (see `EntityTrigger`).
   */
  readonly followUp?: boolean | undefined
}

/**
 * What an entity trigger did: `started` a sync; `joined` the one running (any request while a
 * complete listing runs, an incremental one while an incremental one runs); or `queued` one behind
 * the running sync `behind`, which starts it when it ends. `executionId` is the sync that carries the
 * request, `runId` its run (allocated when the sync was triggered: `RunStore.executionRuns` finds
 * it by either id, also before it has started) and `mode` the mode it runs in (a queued complete
 * listing absorbs a queued incremental one).
 */
export type EntityTrigger =
  | {
      readonly status: "started" | "joined"
      readonly executionId: string
      readonly runId: string
      readonly mode: SyncMode
    }
  | {
      readonly status: "queued"
      readonly executionId: string
      readonly runId: string
      readonly mode: SyncMode
      /** The running sync's execution id. */
      readonly behind: string
      /** The running sync's run. */
      readonly behindRunId: string
    }

/** Start a connector's sync: every entity (or the named ones), parents first. */
export interface StartConnectorSync {
  readonly connectorId: string
  readonly entities?: ReadonlyArray<string> | undefined
  readonly mode: SyncMode
}

/** One entity's run in a connector trigger's answer (see `ConnectorTrigger`). */
export interface ConnectorTriggerRun {
  readonly entity: string
  /** `started` by this connector sync, `joined` (the entity's running sync covers it) or `queued` behind it. */
  readonly status: "started" | "joined" | "queued"
  /** The SyncEntity execution that carries the entity's sync. */
  readonly executionId: string
  readonly runId: string
}

/**
 * What a connector trigger did: `started` a connector sync, or `joined` the one running in the same
 * listing kind. `runs` are its entities' runs, parents first, as far as the connector's stored
 * manifests know them (a connector never discovered learns its entities when the sync runs; its
 * execution then lists them, see `RunStore.executionRuns`).
 */
export interface ConnectorTrigger {
  readonly status: "started" | "joined"
  readonly executionId: string
  readonly mode: SyncMode
  readonly runs: ReadonlyArray<ConnectorTriggerRun>
}

/** Where a started sync stands. */
export type SyncStatus =
  | { readonly _tag: "Running" }
  | { readonly _tag: "Succeeded"; readonly summary: SyncSummary }
  | { readonly _tag: "Failed"; readonly message: string }

/** Where a connector sync stands. */
export type ConnectorStatus =
  | { readonly _tag: "Running" }
  | { readonly _tag: "Succeeded"; readonly summaries: ReadonlyArray<SyncSummary> }
  | { readonly _tag: "Failed"; readonly message: string }
