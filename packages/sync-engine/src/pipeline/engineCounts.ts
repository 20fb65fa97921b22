/**
 * Small helpers of the engine's orchestration: run counts, the columns an entity's table starts
 * with, the JSON form of a parked row, and an error's message for a failed run.
 */
import type { ColumnManifest, EntityManifest } from "@syncflow/adapter-core"
import { Predicate, Schema } from "effect"
import type { Stages } from "../stages/Stages.ts"
import { type RunCounts, runCountNames } from "../state/SyncRun.ts"
import { businessKeyColumns } from "./inferColumns.ts"
import type { Window } from "./Window.ts"

/** The columns an entity's table starts with: the declared ones, or its business key when none are. */
export const startingColumns = (manifest: EntityManifest, stages: Stages): ReadonlyArray<ColumnManifest> =>
  stages.mapper.passThrough ? businessKeyColumns(manifest.businessKey) : stages.mapper.columns

/** All counts zero. */
export const zeroCounts: RunCounts = Object.fromEntries(runCountNames.map((name) => [name, 0])) as RunCounts

/** Two counts added. */
export const addCounts = (a: RunCounts, b: Partial<RunCounts>): RunCounts =>
  Object.fromEntries(runCountNames.map((name) => [name, a[name] + (b[name] ?? 0)])) as RunCounts

/** A parked row as stored (its business-key and data hashes, then any columns). */
export const IngestRowJson = Schema.StructWithRest(
  Schema.Struct({ _bk_hash: Schema.String, _data_hash: Schema.String }),
  [Schema.Record(Schema.String, Schema.Unknown)]
)

/** An error as a run's `error` text: its tag and message. */
export const errorMessage = (error: unknown): string => {
  const tag = Predicate.hasProperty(error, "_tag") && Predicate.isString(error._tag) ? error._tag : "Error"
  return Predicate.hasProperty(error, "message") && Predicate.isString(error.message)
    ? `${tag}: ${error.message}`
    : String(error)
}

/** The counts of a run. */
export const pickCounts = (run: RunCounts): RunCounts =>
  Object.fromEntries(runCountNames.map((name) => [name, run[name]])) as RunCounts

/** The stage counts of a window's pages (fetched through failed in stages 2-5), summed. */
export const windowStageCounts = (window: Window) =>
  window.pages.reduce(
    (acc, p) => ({
      fetched: acc.fetched + p.counts.input,
      normalized: acc.normalized + p.counts.normalized,
      validated: acc.validated + p.counts.validated,
      mapped: acc.mapped + p.counts.mapped,
      failed: acc.failed + p.counts.failed
    }),
    { fetched: 0, normalized: 0, validated: 0, mapped: 0, failed: 0 }
  )
