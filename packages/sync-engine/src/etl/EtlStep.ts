/**
 * The ETL steps of a sync definition's `pipeline` (seed 000's L2 `ETLPipeline` transformations), as
 * Schemas: decoded from the definition spec, validated when the definition is saved
 * (`validatePipeline`), compiled once per run into chunk functions (`compilePipeline`).
 *
 * Every step sees the rows the previous one produced (the definition's mapped fields at the start)
 * and hands its rows to the next; the last step's rows are what the definition's table receives.
 */
import { Schema } from "effect"
import { NormalizeOptions } from "../stages/normalize/NormalizeOptions.ts"

/** Another synced table: the table of a connector entity's default sync, or of a sync definition. */
export const SyncedTableRef = Schema.Union([
  Schema.Struct({ connectorId: Schema.NonEmptyString, entity: Schema.NonEmptyString }),
  Schema.Struct({ definition: Schema.NonEmptyString })
])
/** Another synced table. */
export type SyncedTableRef = typeof SyncedTableRef.Type

/** A table SyncFlow creates for a step's output (`schema` absent: the definition's table's schema). */
export const StepTable = Schema.Struct({
  schema: Schema.optionalKey(Schema.NonEmptyString),
  table: Schema.NonEmptyString
})
/** A table a step writes. */
export type StepTable = typeof StepTable.Type

/** How a row finds its partner in another table: its `field` equals the other table's `to` column. */
export const JoinOn = Schema.Struct({ field: Schema.NonEmptyString, to: Schema.NonEmptyString })
/** How a row finds its partner. */
export type JoinOn = typeof JoinOn.Type

/** Keeps the rows for which a CEL `condition` is true (false or null: the row is skipped, counted). */
export const FilterStep = Schema.Struct({
  type: Schema.Literal("filter"),
  condition: Schema.NonEmptyString
})

/** The type a computed field is written as. */
export const ComputedType = Schema.Literals(["string", "integer", "decimal", "boolean", "date", "timestamp", "json"])

/** Renames, computes (CEL expressions on the row) and drops fields, in that order. */
export const MapStep = Schema.Struct({
  type: Schema.Literal("map"),
  /** Field -> new name. */
  rename: Schema.optionalKey(Schema.Record(Schema.String, Schema.NonEmptyString)),
  /** New (or replaced) field -> its CEL expression over the row and the type it is written as. */
  compute: Schema.optionalKey(
    Schema.Record(Schema.String, Schema.Struct({ expression: Schema.NonEmptyString, type: ComputedType }))
  ),
  /** Fields left out. */
  drop: Schema.optionalKey(Schema.Array(Schema.NonEmptyString))
})

/**
 * Adds fields of another synced table's row whose `on.to` column equals the row's `on.field`:
 * `fields` is the other table's column -> the name it gets here. `left` (default) keeps a row without
 * a partner (the fields null); `inner` skips it. The other table's rows are read once per window.
 */
export const JoinStep = Schema.Struct({
  type: Schema.Literal("join"),
  from: SyncedTableRef,
  on: JoinOn,
  joinType: Schema.optionalKey(Schema.Literals(["left", "inner"])),
  fields: Schema.Record(Schema.String, Schema.NonEmptyString)
})

/** One field of another synced table by key (a left join of one field): its `field` as `as`. */
export const LookupStep = Schema.Struct({
  type: Schema.Literal("lookup"),
  from: SyncedTableRef,
  on: JoinOn,
  field: Schema.NonEmptyString,
  as: Schema.NonEmptyString
})

/**
 * One record into several rows of a child table: each element of `field` (a JSON array, or text cut
 * at `separator`) becomes a row of `into` with the parent's `parentKey` fields, its position
 * (`position`, from 0) and the element (`as`, default the field's name; an object element's fields
 * are its columns when `elementFields` names them). The parent row keeps the field unless `drop`.
 */
export const SplitStep = Schema.Struct({
  type: Schema.Literal("split"),
  field: Schema.NonEmptyString,
  into: StepTable,
  separator: Schema.optionalKey(Schema.NonEmptyString),
  parentKey: Schema.Array(Schema.NonEmptyString).check(Schema.isMinLength(1)),
  as: Schema.optionalKey(Schema.NonEmptyString),
  elementFields: Schema.optionalKey(Schema.Record(Schema.String, ComputedType)),
  drop: Schema.optionalKey(Schema.Boolean)
})

/** Which of the records sharing a key wins: the last listed, or the one with the greatest or least `field`. */
export const DedupeKeep = Schema.Union([
  Schema.Literal("last"),
  Schema.Struct({ latest: Schema.NonEmptyString }),
  Schema.Struct({ earliest: Schema.NonEmptyString })
])
/** Which record wins. */
export type DedupeKeep = typeof DedupeKeep.Type

/** One row per `key` (the rows' identity from here on), the winner chosen by `keep` (default `last`). */
export const DeduplicateStep = Schema.Struct({
  type: Schema.Literal("deduplicate"),
  key: Schema.Array(Schema.NonEmptyString).check(Schema.isMinLength(1)),
  keep: Schema.optionalKey(DedupeKeep)
})

/** One source merged into the rows: its table, how its row is found, its column -> field here. */
export const MergeSource = Schema.Struct({
  name: Schema.NonEmptyString,
  from: SyncedTableRef,
  on: JoinOn,
  fields: Schema.Record(Schema.String, Schema.NonEmptyString)
})

/**
 * Several sources' records of the same key into one row: each field takes the first non-null value
 * in `precedence` order (source names, `self` for the row itself), or the field's own order in
 * `fieldPrecedence`.
 */
export const MergeStep = Schema.Struct({
  type: Schema.Literal("merge"),
  sources: Schema.Array(MergeSource).check(Schema.isMinLength(1)),
  precedence: Schema.Array(Schema.NonEmptyString).check(Schema.isMinLength(1)),
  fieldPrecedence: Schema.optionalKey(Schema.Record(Schema.String, Schema.Array(Schema.NonEmptyString)))
})

/** The five normalizer layers again, on the rows as they are here, with these settings. */
export const NormalizeStep = Schema.Struct({
  type: Schema.Literal("normalize"),
  options: NormalizeOptions
})

/**
 * Group by `groupBy` into the table `into`, with `metrics`: output column -> `count(*)`,
 * `count(field)`, `sum(field)`, `min(field)`, `max(field)` or `avg(field)` (case-insensitive).
 * Kept incrementally from the rows each window changes; the rows pass on unchanged.
 */
export const AggregateStep = Schema.Struct({
  type: Schema.Literal("aggregate"),
  into: StepTable,
  groupBy: Schema.Array(Schema.NonEmptyString).check(Schema.isMinLength(1)),
  metrics: Schema.Record(Schema.String, Schema.NonEmptyString)
})

/** One ETL step. */
export const EtlStep = Schema.Union([
  FilterStep,
  MapStep,
  JoinStep,
  LookupStep,
  SplitStep,
  DeduplicateStep,
  MergeStep,
  NormalizeStep,
  AggregateStep
])
/** One ETL step. */
export type EtlStep = typeof EtlStep.Type

/** A definition's ETL steps, in order. */
export const EtlPipeline = Schema.Array(EtlStep)
/** A definition's ETL steps. */
export type EtlPipeline = typeof EtlPipeline.Type

/** A step's label in counts, timings and errors: `pipeline[i]` and its type. */
export const stepLabel = (index: number, step: EtlStep): string => `pipeline[${index}] ${step.type}`
