/**
 * The events a run's stored row says, and publishing them where the engine reaches them: a run
 * started, a window committed (counts, rate, percent and ETA), a run finished.
 */
import { DateTime, Effect } from "effect"
import type { SqlClient } from "effect/sql"
import type { RunStore } from "../state/RunStore.ts"
import { type RunCounts, runCountNames, type SyncRun } from "../state/SyncRun.ts"
import { publishRunEvent } from "./publishRunEvent.ts"
import { RunFinished, RunStarted, WindowCommitted } from "./RunEvent.ts"

/** The stage counts of a run row. */
export const countsOf = (run: RunCounts): RunCounts =>
  Object.fromEntries(runCountNames.map((name) => [name, run[name]])) as RunCounts

/** A run's `RunFinished`, from its row once it has ended. */
export const runFinishedOf = (run: SyncRun): RunFinished =>
  RunFinished.make({
    runId: run.id,
    connectorId: run.connectorId,
    entity: run.entity,
    status: run.status,
    counts: countsOf(run),
    error: run.error,
    at: run.finishedAt ?? DateTime.nowUnsafe()
  })

/** A run's `RunStarted`, from its row (the total is not known before the first page). */
export const runStartedOf = (run: SyncRun, total: number | null = null): RunStarted =>
  RunStarted.make({
    runId: run.id,
    connectorId: run.connectorId,
    entity: run.entity,
    mode: run.mode,
    total,
    at: run.startedAt
  })

/**
 * A `WindowCommitted` from the run's row after a window: the counts so far, records fetched per
 * second since the run started, and, when the source gave a total, percent and seconds left.
 */
export const windowCommittedOf = (
  run: SyncRun,
  windowRows: number,
  total: number | null,
  at: DateTime.Utc
): WindowCommitted => {
  const seconds = Math.max(0.001, (DateTime.toEpochMillis(at) - DateTime.toEpochMillis(run.startedAt)) / 1000)
  const rowsPerSecond = run.fetched / seconds
  const percent = total === null ? null : total === 0 ? 100 : Math.min(100, (run.fetched / total) * 100)
  const etaSeconds =
    total === null ? null : run.fetched >= total ? 0 : rowsPerSecond > 0 ? (total - run.fetched) / rowsPerSecond : null
  return WindowCommitted.make({
    runId: run.id,
    connectorId: run.connectorId,
    entity: run.entity,
    counts: countsOf(run),
    windowRows,
    rowsPerSecond,
    total,
    percent,
    etaSeconds,
    at
  })
}

/** Publishes that a run started (or resumed), as its row says. */
export const publishRunStarted = (sql: SqlClient.SqlClient, runs: Pick<RunStore["Service"], "getRun">, runId: string) =>
  Effect.gen(function* () {
    const run = yield* runs.getRun(runId)
    if (run._tag === "Some") yield* publishRunEvent(sql, runStartedOf(run.value))
  })

/**
 * Publishes a committed window with the run's counts after it. Called inside the window's
 * transaction: the event is delivered when the window commits.
 */
export const publishWindowCommitted = (
  sql: SqlClient.SqlClient,
  runs: Pick<RunStore["Service"], "getRun">,
  runId: string,
  windowRows: number,
  total: number | null
) =>
  Effect.gen(function* () {
    const run = yield* runs.getRun(runId)
    if (run._tag === "None") return
    yield* publishRunEvent(sql, windowCommittedOf(run.value, windowRows, total, yield* DateTime.now))
  })
