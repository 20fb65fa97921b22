/**
 * An ETL step compiled for one run: the columns it hands on, the rows' key from it on, and what it
 * does per window of rows (before the window's transaction), inside the window's transaction, and at
 * the end of a complete listing.
 */
import type { ColumnManifest } from "@syncflow/adapter-core"
import type { Effect } from "effect"
import type { SqlClient, SqlError } from "effect/sql"
import type { RecordFailure } from "../stages/RecordFailure.ts"
import type { Mapped } from "../stages/Row.ts"
import type { EtlRunError } from "./EtlRunError.ts"

/** A row in the pipeline: the record's stages 2-5 data and its identity (business-key hash). */
export interface EtlRow extends Mapped {
  readonly keyHash: string
}

/** What a step did to a page of rows. */
export interface StepResult {
  readonly rows: ReadonlyArray<EtlRow>
  /** Rows the step refused (stage `etl`, the step's label and the reason in the message). */
  readonly failures: ReadonlyArray<RecordFailure>
  /** Rows the step skipped on purpose (a false filter, an inner join without a partner). */
  readonly skipped: ReadonlyArray<EtlRow>
  /** Writes of the step's own tables, run in the window's transaction. */
  readonly commit?: Effect.Effect<void, SqlError.SqlError, SqlClient.SqlClient> | undefined
}

/** What a step knows of the window it runs on. */
export interface WindowContext {
  readonly runId: string
  /** The rows earlier steps skipped in this window. */
  readonly skippedBefore: ReadonlyArray<EtlRow>
}

/** A step, ready to run. */
export interface CompiledStep {
  /** `pipeline[i] type`. */
  readonly label: string
  /** The columns of the rows it hands on, in order. */
  readonly columns: ReadonlyArray<ColumnManifest>
  /** The fields identifying a row from here on. */
  readonly key: ReadonlyArray<string>
  /** The step on a window's rows. */
  readonly apply: (
    rows: ReadonlyArray<EtlRow>,
    window: WindowContext
  ) => Effect.Effect<StepResult, EtlRunError, SqlClient.SqlClient>
  /** Creates the step's own tables (once per run, before the first window). */
  readonly prepare?: Effect.Effect<void, EtlRunError, SqlClient.SqlClient> | undefined
  /** At the end of a complete listing, in its transaction: forget what the listing `runId` did not see. */
  readonly endListing?: ((runId: string) => Effect.Effect<void, SqlError.SqlError, SqlClient.SqlClient>) | undefined
  /** Called before each window (a per-window cache is dropped here). */
  readonly windowDone?: (() => void) | undefined
}

/** Where a pipeline runs: the definition (its state's key) and its table. */
export interface PipelineTarget {
  readonly definitionId: string
  readonly schema: string
  readonly table: string
}

/** The input of a step's compilation: the columns and key of the rows it receives, and its position. */
export interface StepInput {
  readonly index: number
  readonly label: string
  readonly target: PipelineTarget
  readonly columns: ReadonlyArray<ColumnManifest>
  readonly key: ReadonlyArray<string>
}
