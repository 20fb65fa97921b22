/**
 * Control of running syncs from anywhere: a cancel request is stored on the run
 * (`sync_runs.cancel_requested_at`), so the API, `syncflow runs cancel` in a shell, or any other
 * process can stop a sync that runs in the server. The sync checks at each window boundary (see
 * `cancellation.ts`): what committed stays, the run ends `cancelled`.
 */
import { PgTypes } from "@effect/sql-pg"
import { Context, Effect, Layer, Option, Schema } from "effect"
import { SqlClient } from "effect/sql"
import { RunStore } from "../state/RunStore.ts"
import { RunNotFound, StateStoreError } from "../state/StateStoreError.ts"
import { RunStatus, type SyncRun } from "../state/SyncRun.ts"

/** The run has ended (or was abandoned): there is nothing to cancel. */
export class RunNotRunning extends Schema.TaggedError<RunNotRunning>()("RunNotRunning", {
  runId: Schema.String,
  status: RunStatus
}) {
  /** One line naming the run and how it ended. */
  override get message(): string {
    return `run ${this.runId} is not running (it is ${this.status}): there is nothing to cancel`
  }
}

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/** Cancels running syncs, from any process sharing the database. */
export class RunControl extends Context.Service<
  RunControl,
  {
    /**
     * Asks a running run to stop: its sync ends it `cancelled` at its next window boundary (the
     * window being written commits first). Returns the run as it is now (still `running`).
     * Asking twice is harmless. Fails with `RunNotFound` for an unknown id and `RunNotRunning`
     * for a run that has ended.
     */
    readonly cancel: (runId: string) => Effect.Effect<SyncRun, RunNotFound | RunNotRunning | StateStoreError>
  }
>()("@syncflow/sync-engine/pipeline/RunControl") {
  /** Run control over the state store's database. */
  static readonly layer: Layer.Layer<RunControl, never, RunStore | SqlClient.SqlClient> = Layer.effect(
    RunControl,
    Effect.gen(function* () {
      const runStore = yield* RunStore
      const sql = yield* SqlClient.SqlClient
      const cancel = Effect.fn("RunControl.cancel")(function* (runId: string) {
        if (!uuidPattern.test(runId)) return yield* new RunNotFound({ runId })
        yield* sql
          .unsafe(
            `UPDATE syncflow.sync_runs SET cancel_requested_at = COALESCE(cancel_requested_at, now())
             WHERE id = $1 AND status = 'running'`,
            [PgTypes.uuid(runId)]
          )
          .pipe(
            Effect.mapError((cause) => new StateStoreError({ operation: "cancelRun", message: cause.message, cause }))
          )
        const run = yield* runStore.getRun(runId)
        if (Option.isNone(run)) return yield* new RunNotFound({ runId })
        if (run.value.status !== "running") {
          return yield* new RunNotRunning({ runId, status: run.value.status })
        }
        yield* Effect.logInfo("run cancel requested").pipe(Effect.annotateLogs({ runId }))
        return run.value
      })
      return RunControl.of({ cancel })
    })
  )
}
