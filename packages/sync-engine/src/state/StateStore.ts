/**
 * SyncFlow's own state in PostgreSQL (schema `syncflow`, created by `StateMigrations`): connectors
 * and their sealed credentials, discovered entity manifests, checkpoints, sync runs with their
 * stage counts, failed records (the dead-letter queue) and pending children.
 *
 * Every method runs on the ambient `SqlClient`, so methods compose in the caller's transaction. The
 * checkpoint of a window is meant to be saved in the SAME transaction as the window's rows (and its
 * run counts), so the checkpoint never advances past rows that were not committed:
 *
 * ```ts
 * const sql = yield* SqlClient.SqlClient
 * const state = yield* StateStore
 * const destination = yield* TableDestination
 * yield* sql.withTransaction(
 *   Effect.gen(function* () {
 *     const written = yield* destination.upsert("items", rows, { runId })
 *     yield* state.saveCheckpoint({ connectorId, entity: "items", cursor: page.next, rowVersion, runId })
 *     yield* state.addRunCounts(runId, { fetched: rows.length, inserted: written.inserted, updated: written.updated })
 *   })
 * )
 * ```
 *
 * Times that drive behaviour (retry due dates, run durations) come from the Effect `Clock`, so tests
 * control them with `TestClock`.
 *
 * It is the composition of the stores per aggregate (`ConnectorStore`, `ManifestStore`,
 * `CheckpointStore`, `RunStore`, `FailedRecordStore`, `PendingChildStore`; see `StateStores.ts`),
 * kept for consumers not yet moved to the stores they use: new code yields those stores.
 */
import { Context, Effect, Layer } from "effect"
import type { SqlClient } from "effect/sql"
import { CheckpointStore, type CheckpointStoreService } from "./CheckpointStore.ts"
import { ConnectorStore, type ConnectorStoreService } from "./ConnectorStore.ts"
import { FailedRecordStore, type FailedRecordStoreService } from "./FailedRecordStore.ts"
import { ManifestStore, type ManifestStoreService } from "./ManifestStore.ts"
import { PendingChildStore, type PendingChildStoreService } from "./PendingChildStore.ts"
import { RunStore, type RunStoreService } from "./RunStore.ts"
import type { SecretBox } from "./SecretBox.ts"
import type { StateStoreError } from "./StateStoreError.ts"
import * as StateStores from "./StateStores.ts"

/** Settings of the StateStore (those of the stores per aggregate). */
export type StateStoreOptions = StateStores.StateStoreOptions

/** The StateStore's operations: those of every store per aggregate. */
export interface StateStoreService
  extends ConnectorStoreService,
    ManifestStoreService,
    CheckpointStoreService,
    RunStoreService,
    FailedRecordStoreService,
    PendingChildStoreService {}

/** The StateStore over the stores per aggregate. */
const make = Effect.gen(function* () {
  return StateStore.of({
    ...(yield* ConnectorStore),
    ...(yield* ManifestStore),
    ...(yield* CheckpointStore),
    ...(yield* RunStore),
    ...(yield* FailedRecordStore),
    ...(yield* PendingChildStore)
  })
})

/** SyncFlow's state in PostgreSQL. Its layers apply the migrations when they are built. */
export class StateStore extends Context.Service<StateStore, StateStoreService>()(
  "@syncflow/sync-engine/state/StateStore"
) {
  /**
   * The StateStore with the given settings, and every store per aggregate it is made of (so code
   * given this layer may yield either).
   */
  static readonly layerWith = (
    options: StateStoreOptions
  ): Layer.Layer<StateStore | StateStores.StateStores, StateStoreError, SqlClient.SqlClient | SecretBox> =>
    Layer.effect(StateStore, make).pipe(Layer.provideMerge(StateStores.layerWith(options)))

  /** The StateStore and the stores per aggregate, with the default retry policies. */
  static readonly layer: Layer.Layer<
    StateStore | StateStores.StateStores,
    StateStoreError,
    SqlClient.SqlClient | SecretBox
  > = StateStore.layerWith({})
}
