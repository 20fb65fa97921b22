/**
 * Where an entity's sync stands: the listing cursor to resume from and the highest row version
 * committed. It advances only together with the rows before it (see `CheckpointStore`).
 */
import { Cursor } from "@syncflow/adapter-core"
import { Schema } from "effect"

/** A stored checkpoint, as read back (decoded) from `syncflow.checkpoints`. */
/**
 * A listing in progress: the run that started it, its mode, the row version it lists from (an
 * incremental listing's lower bound) and the newest row version committed so far.
 */
export const ListingState = Schema.Struct({
  runId: Schema.String,
  mode: Schema.String,
  since: Schema.NullOr(Schema.String),
  maxRowVersion: Schema.NullOr(Schema.String),
  /** Whether the listing started on an empty table (nothing to compare); absent means no. */
  initial: Schema.optionalKey(Schema.Boolean),
  /**
   * Whether the listing loads its empty table without the unique indexes (`TableDestination`
   * `beginLoad`), built when it ends (`finishLoad`); absent means no. Any mode resumes such a listing.
   */
  loading: Schema.optionalKey(Schema.Boolean)
})
/** A listing in progress. */
export type ListingState = typeof ListingState.Type

export const Checkpoint = Schema.Struct({
  connectorId: Schema.String,
  entity: Schema.String,
  /** The sync definition whose state this is; `None` for the entity's default sync. */
  definitionId: Schema.OptionFromNullOr(Schema.String),
  /** Where the listing resumes, or `null` to start from the first page. */
  cursor: Schema.NullOr(Cursor.Cursor),
  /** The highest row version committed (rowversion delta), if any. */
  rowVersion: Schema.NullOr(Schema.String),
  /** The run that saved it. */
  runId: Schema.NullOr(Schema.String),
  /** The listing in progress, or null when the last listing completed. */
  listing: Schema.NullOr(ListingState),
  updatedAt: Schema.DateTimeUtcFromDate
})
/** A stored checkpoint. */
export type Checkpoint = typeof Checkpoint.Type

/** What `saveCheckpoint` stores. Absent fields are stored as `null`. */
export interface CheckpointInput {
  readonly connectorId: string
  readonly entity: string
  /** The sync definition whose state this is; absent for the entity's default sync. */
  readonly definitionId?: string | undefined
  readonly cursor?: Cursor.Cursor | null | undefined
  readonly rowVersion?: string | null | undefined
  readonly runId?: string | null | undefined
  readonly listing?: ListingState | null | undefined
}
