/**
 * A definition's ETL steps compiled once per run, from the columns and key the stages hand on (the
 * definition's mapped fields), into one function per window: the window's identified records go
 * through the steps in order, then get their data hash over the last step's columns (their identity
 * stays the business key, or the last `deduplicate`'s key). What the steps write to their own tables
 * is one effect for the window's transaction; the rows, failures and per-step counts and times are
 * what the window commits besides.
 */
import type { ColumnManifest } from "@syncflow/adapter-core"
import { Effect } from "effect"
import type { SqlClient, SqlError } from "effect/sql"
import type { IngestRow } from "../destination/TableDestination.ts"
import { makeDataHash } from "../stages/identity/DataHash.ts"
import { toIngestRows } from "../stages/ingest/toIngestRows.ts"
import type { RecordFailure } from "../stages/RecordFailure.ts"
import type { Identified } from "../stages/Row.ts"
import { compileAggregate } from "./aggregateStep.ts"
import type { CompiledStep, EtlRow, PipelineTarget, StepInput } from "./CompiledStep.ts"
import { compileDeduplicate } from "./deduplicateStep.ts"
import { EtlRunError } from "./EtlRunError.ts"
import { type EtlPipeline, type EtlStep, stepLabel } from "./EtlStep.ts"
import { compileFilter } from "./filterStep.ts"
import { compileJoin } from "./joinStep.ts"
import { compileLookup } from "./lookupStep.ts"
import { compileMap } from "./mapStep.ts"
import { compileMerge } from "./mergeStep.ts"
import { compileNormalize } from "./normalizeStep.ts"
import type { StepStats } from "./StepStats.ts"
import { compileSplit } from "./splitStep.ts"

/** A window after the steps. */
export interface PipelineWindow {
  readonly rows: ReadonlyArray<IngestRow>
  readonly failures: ReadonlyArray<RecordFailure>
  /** The identities of rows a step skipped (a false filter): the table must not keep them. */
  readonly skipped: ReadonlyArray<string>
  /** The steps' writes to their own tables, for the window's transaction. */
  readonly commit: Effect.Effect<void, SqlError.SqlError, SqlClient.SqlClient>
  readonly stats: ReadonlyArray<StepStats>
}

/** A definition's steps, ready to run. */
export interface CompiledPipeline {
  readonly steps: ReadonlyArray<CompiledStep>
  /** The columns of the rows the definition's table receives. */
  readonly columns: ReadonlyArray<ColumnManifest>
  /** The fields identifying them. */
  readonly key: readonly [string, ...Array<string>]
  /** Creates the steps' own tables. */
  readonly prepare: Effect.Effect<void, EtlRunError, SqlClient.SqlClient>
  /** Runs the steps on a window's records. */
  readonly applyWindow: (
    records: ReadonlyArray<Identified>,
    runId: string
  ) => Effect.Effect<PipelineWindow, EtlRunError, SqlClient.SqlClient>
  /** At the end of a complete listing, in its transaction: the steps forget what `runId` did not see. */
  readonly endListing: (runId: string) => Effect.Effect<void, SqlError.SqlError, SqlClient.SqlClient>
}

const compileStep = (input: StepInput, step: EtlStep) => {
  switch (step.type) {
    case "filter":
      return compileFilter(input, step)
    case "map":
      return compileMap(input, step)
    case "join":
      return compileJoin(input, {
        from: step.from,
        on: step.on,
        joinType: step.joinType ?? "left",
        fields: step.fields
      })
    case "lookup":
      return compileLookup(input, step)
    case "split":
      return compileSplit(input, step)
    case "deduplicate":
      return compileDeduplicate(input, step)
    case "merge":
      return compileMerge(input, step)
    case "normalize":
      return compileNormalize(input, step)
    case "aggregate":
      return compileAggregate(input, step)
  }
}

/** Compiles `pipeline` for rows of `columns` keyed by `key`, writing into `target`. */
export const compilePipeline = Effect.fnUntraced(function* (
  pipeline: EtlPipeline,
  start: { readonly columns: ReadonlyArray<ColumnManifest>; readonly key: ReadonlyArray<string> },
  target: PipelineTarget,
  rowVersionField: string | undefined
) {
  const steps: Array<CompiledStep> = []
  let columns = start.columns
  let key = start.key
  for (const [index, step] of pipeline.entries()) {
    const compiled: CompiledStep = yield* compileStep(
      { index, label: stepLabel(index, step), target, columns, key },
      step
    )
    steps.push(compiled)
    columns = compiled.columns
    key = compiled.key
  }
  const finalColumns = columns
  const [first, ...rest] = key
  if (first === undefined) return yield* new EtlRunError({ step: "pipeline", message: "the rows have no key" })
  for (const field of key) {
    if (!finalColumns.some((c) => c.name === field)) {
      return yield* new EtlRunError({
        step: "pipeline",
        message: `the rows' key field ${JSON.stringify(field)} is not among the last step's fields`
      })
    }
  }
  const dataHash = yield* makeDataHash({ fields: finalColumns.map((c) => c.name) })

  const applyWindow = (records: ReadonlyArray<Identified>, runId: string) =>
    Effect.gen(function* () {
      let rows: ReadonlyArray<EtlRow> = records
      const skippedBefore: Array<EtlRow> = []
      const failures: Array<RecordFailure> = []
      const commits: Array<Effect.Effect<void, SqlError.SqlError, SqlClient.SqlClient>> = []
      const stats: Array<StepStats> = []
      for (const step of steps) {
        step.windowDone?.()
        const started = performance.now()
        const result = yield* step.apply(rows, { runId, skippedBefore: [...skippedBefore] })
        stats.push({
          step: step.label,
          input: rows.length,
          output: result.rows.length,
          skipped: result.skipped.length,
          failed: result.failures.length,
          ms: performance.now() - started
        })
        rows = result.rows
        skippedBefore.push(...result.skipped)
        failures.push(...result.failures)
        if (result.commit !== undefined) commits.push(result.commit)
      }
      const identified: Array<Identified> = rows.map((row) => ({ ...row, dataHash: dataHash.hash(row.mapped) }))
      const kept = new Set(identified.map((row) => row.keyHash))
      const window: PipelineWindow = {
        rows: toIngestRows(identified, rowVersionField),
        failures,
        skipped: [...new Set(skippedBefore.map((row) => row.keyHash))].filter((key) => !kept.has(key)),
        commit: Effect.forEach(commits, (commit) => commit, { discard: true }),
        stats
      }
      return window
    })

  const compiled: CompiledPipeline = {
    steps,
    columns: finalColumns,
    key: [first, ...rest],
    prepare: Effect.forEach(steps, (step) => step.prepare ?? Effect.void, { discard: true }),
    applyWindow,
    endListing: (runId) => Effect.forEach(steps, (step) => step.endListing?.(runId) ?? Effect.void, { discard: true })
  }
  return compiled
})
