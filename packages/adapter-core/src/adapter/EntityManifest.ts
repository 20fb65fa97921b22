/**
 * What an adapter tells the sync engine about one entity: where its records come from, what
 * identifies a record, how changes are detected, which entities it depends on, and its columns.
 */
import { Schema } from "effect"

/** The destination-neutral type of a column. */
export const ColumnType = Schema.Literals([
  "string",
  "integer",
  "decimal",
  "boolean",
  "date",
  "timestamp",
  "json",
  "binary"
])
/** The destination-neutral type of a column. */
export type ColumnType = typeof ColumnType.Type

/** One column of an entity, as the source describes it. */
export const ColumnManifest = Schema.Struct({
  name: Schema.String,
  /** The column's name at the source when it differs from `name` (e.g. `PART_NO` for `part_no`). */
  sourceName: Schema.optional(Schema.String),
  type: ColumnType,
  /** The source's own type, e.g. `VARCHAR2(50)` or `NUMBER(12,2)`, for coercion. */
  sourceType: Schema.optional(Schema.String),
  nullable: Schema.Boolean,
  businessKey: Schema.Boolean,
  length: Schema.optional(Schema.Int),
  precision: Schema.optional(Schema.Int),
  scale: Schema.optional(Schema.Int)
})
/** One column of an entity, as the source describes it. */
export type ColumnManifest = typeof ColumnManifest.Type

/**
 * How changes of an entity are detected. `rowversion`: listed incrementally by `cursorField` (such
 * listings cannot see deletes; a scheduled reconciliation finds them). `hash` and `full` are one
 * thing to the sync engine: every listing is complete, compared by data hash, and finds deletes.
 */
export const DeltaStrategy = Schema.Literals(["full", "rowversion", "hash"])
/** How changes of an entity are detected. */
export type DeltaStrategy = typeof DeltaStrategy.Type

/** A dependency on a parent entity: this entity's `foreignKey` columns hold the parent's business key. */
export const ParentManifest = Schema.Struct({
  entity: Schema.String,
  foreignKey: Schema.Array(Schema.String)
})
/** A dependency on a parent entity. */
export type ParentManifest = typeof ParentManifest.Type

/** Everything the engine needs to sync one entity. */
export const EntityManifest = Schema.Struct({
  /** The entity's name, unique within its adapter, e.g. `person` or `order_lines`. */
  entity: Schema.String,
  /** The entity's name at the source when it differs from `entity` (e.g. the slug `Order-Lines` of `order_lines`). */
  sourceName: Schema.optional(Schema.String),
  description: Schema.optional(Schema.String),
  /** The qualified name of the list endpoint the records come from. */
  endpoint: Schema.String,
  /** The fields that identify a record. */
  businessKey: Schema.NonEmptyArray(Schema.String),
  /** The field that orders records by change (e.g. `updated_at` or a row version), for incremental listing. */
  cursorField: Schema.optional(Schema.String),
  deltaStrategy: DeltaStrategy,
  parents: Schema.Array(ParentManifest),
  /** The columns, when the source describes them (metadata-driven sources do). */
  columns: Schema.optional(Schema.Array(ColumnManifest))
})
/** Everything the engine needs to sync one entity. */
export type EntityManifest = typeof EntityManifest.Type
