/**
 * What each ETL step did in a run (`sync_runs.etl_steps`): rows in, rows out, rows skipped on purpose,
 * rows failed, and the milliseconds it took, summed over the run's windows. Added to in each window's
 * transaction, so a resumed run keeps counting where it stopped.
 */
import { Effect, Schema } from "effect"
import { SqlClient } from "effect/sql"

/** One step's counts and time in a run. */
export const StepStats = Schema.Struct({
  step: Schema.String,
  input: Schema.Number,
  output: Schema.Number,
  skipped: Schema.Number,
  failed: Schema.Number,
  ms: Schema.Number
})
/** One step's counts and time in a run. */
export type StepStats = typeof StepStats.Type

const decode = Schema.decodeUnknownEffect(Schema.NullOr(Schema.Array(StepStats)))

/** Two lists of step stats added step by step (by label). */
export const addStepStats = (a: ReadonlyArray<StepStats>, b: ReadonlyArray<StepStats>): ReadonlyArray<StepStats> => {
  const sum = new Map(a.map((s) => [s.step, s]))
  for (const s of b) {
    const before = sum.get(s.step)
    sum.set(
      s.step,
      before === undefined
        ? s
        : {
            step: s.step,
            input: before.input + s.input,
            output: before.output + s.output,
            skipped: before.skipped + s.skipped,
            failed: before.failed + s.failed,
            ms: before.ms + s.ms
          }
    )
  }
  return [...sum.values()]
}

/** Adds a window's step stats to its run's (in the caller's transaction). */
export const recordStepStats = Effect.fnUntraced(function* (runId: string, stats: ReadonlyArray<StepStats>) {
  if (stats.length === 0) return
  const sql = (yield* SqlClient.SqlClient).withoutTransforms()
  const rows = yield* sql.unsafe<{ readonly steps: unknown }>(
    "SELECT etl_steps AS steps FROM syncflow.sync_runs WHERE id = $1 FOR UPDATE",
    [runId]
  )
  const before = (yield* decode(rows[0]?.steps ?? null).pipe(Effect.orElseSucceed(() => null))) ?? []
  yield* sql.unsafe("UPDATE syncflow.sync_runs SET etl_steps = $2::jsonb WHERE id = $1", [
    runId,
    JSON.stringify(addStepStats(before, stats))
  ])
})

/** A run's step stats (empty when its definition has no steps). */
export const runStepStats = Effect.fnUntraced(function* (runId: string) {
  const sql = (yield* SqlClient.SqlClient).withoutTransforms()
  const rows = yield* sql.unsafe<{ readonly steps: unknown }>(
    "SELECT etl_steps AS steps FROM syncflow.sync_runs WHERE id = $1",
    [runId]
  )
  return (yield* decode(rows[0]?.steps ?? null).pipe(Effect.orElseSucceed(() => null))) ?? []
})
