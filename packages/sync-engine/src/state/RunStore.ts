/**
 * SyncFlow's sync runs and their stage counts (table `syncflow.sync_runs`), in PostgreSQL.
 *
 * Its methods run on the ambient `SqlClient`, so they compose in the caller's transaction. It needs
 * the migrated schema `syncflow`: build it through `StateStores.layer`, which applies the migrations.
 */
import { Context, Effect, Layer, type Option } from "effect"
import { SecureRandom } from "effect/crypto"
import { SqlClient } from "effect/sql"
import type { ColumnTypeMismatch } from "./ColumnTypeMismatch.ts"
import { runOperations } from "./RunOperations.ts"
import type { RunNotFound, StateStoreError } from "./StateStoreError.ts"
import type { FinishRun, RunCounts, RunStatus, StartRun, SyncRun } from "./SyncRun.ts"

/** Which runs `listRuns` returns, newest first (default 50). */
export interface RunFilter {
  readonly connectorId: string
  readonly entity?: string | undefined
  /** The definition whose runs to list; absent: the entities' default syncs. */
  readonly definitionId?: string | undefined
  readonly limit?: number | undefined
}

/** Which runs `searchRuns` returns, newest first (default 50): every filter is optional. */
export interface RunSearch {
  readonly connectorId?: string | undefined
  readonly entity?: string | undefined
  /** A definition's runs; `null`: only the entities' default syncs; absent: any. */
  readonly definitionId?: string | null | undefined
  readonly status?: RunStatus | undefined
  readonly limit?: number | undefined
}

/** A run a workflow execution carries (see `linkRuns`). */
export interface RunLink {
  readonly runId: string
  readonly connectorId: string
  readonly entity: string
  /** The definition the run is of; absent for an entity's default sync. */
  readonly definitionId?: string | undefined
}

/** A run linked with an execution, with the stored run once it has started. */
export interface ExecutionRun extends RunLink {
  readonly executionId: string
  readonly run: Option.Option<SyncRun>
}

/** The run store's operations. */
export interface RunStoreService {
  /** Starts a run (status `running`). Idempotent for a given `id`. */
  readonly startRun: (input: StartRun) => Effect.Effect<SyncRun, StateStoreError>
  /**
   * Records the columns whose type in the table differs from the source's (schema drift), on the
   * run and on its entity (replacing what was recorded: an empty list clears them).
   */
  readonly recordTypeMismatches: (
    runId: string,
    mismatches: ReadonlyArray<ColumnTypeMismatch>
  ) => Effect.Effect<void, StateStoreError>
  /** Adds to the run's stage counters: call it in the window's transaction. */
  readonly addRunCounts: (
    runId: string,
    counts: Partial<RunCounts>
  ) => Effect.Effect<void, StateStoreError | RunNotFound>
  /** Ends a running run with its status, error and duration. A run that has already ended is returned as is. */
  readonly finishRun: (runId: string, outcome: FinishRun) => Effect.Effect<SyncRun, StateStoreError | RunNotFound>
  /** Marks an interrupted or failed run as running again, when a later process resumes its listing. */
  readonly resumeRun: (runId: string) => Effect.Effect<SyncRun, StateStoreError | RunNotFound>
  readonly getRun: (runId: string) => Effect.Effect<Option.Option<SyncRun>, StateStoreError>
  readonly listRuns: (filter: RunFilter) => Effect.Effect<ReadonlyArray<SyncRun>, StateStoreError>
  /** Runs across connectors, filtered by connector, entity and status, newest first. */
  readonly searchRuns: (filter: RunSearch) => Effect.Effect<ReadonlyArray<SyncRun>, StateStoreError>
  /**
   * Records that workflow execution `executionId` carries these runs (idempotent): an entity sync's
   * run allocated when it was triggered, the run it resumed, a connector sync's entity runs.
   */
  readonly linkRuns: (executionId: string, links: ReadonlyArray<RunLink>) => Effect.Effect<void, StateStoreError>
  /**
   * The runs an execution carries (by execution id), or the runs linked with a run id (the run an
   * entity sync allocated up front and the one it resumed), oldest link first; each with its stored
   * run when it has started.
   */
  readonly executionRuns: (id: string) => Effect.Effect<ReadonlyArray<ExecutionRun>, StateStoreError>
}

/** SyncFlow's sync runs and their stage counts (table `syncflow.sync_runs`). */
export class RunStore extends Context.Service<RunStore, RunStoreService>()("@syncflow/sync-engine/state/RunStore") {
  /** The store on the ambient `SqlClient`. */
  static readonly layer: Layer.Layer<RunStore, never, SqlClient.SqlClient> = Layer.effect(
    RunStore,
    Effect.gen(function* () {
      const sql = (yield* SqlClient.SqlClient).withoutTransforms()
      return RunStore.of(runOperations(sql, yield* SecureRandom.SecureRandom))
    })
  ).pipe(Layer.provide(SecureRandom.layerWebCrypto))
}
