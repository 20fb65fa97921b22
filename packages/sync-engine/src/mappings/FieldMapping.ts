/**
 * A sync definition's field mapping (seed 001's mapping engine): entries that each produce one
 * destination field from a source path, through an optional transformation, with a default, a
 * required flag and the target type. Stored per definition in versions (`FieldMappings`).
 */
import { ColumnType } from "@syncflow/adapter-core"
import { Schema } from "effect"
import { SyncedTableRef } from "../etl/EtlStep.ts"

const Int0 = Schema.Int.check(Schema.isGreaterThanOrEqualTo(0))

/** `format`: dates (a Luxon pattern such as `yyyy-MM-dd HH:mm`, in a time zone), numbers, phones, text. */
export const FormatTransform = Schema.Union([
  Schema.Struct({
    kind: Schema.Literal("format"),
    format: Schema.Literal("date"),
    /** Luxon format tokens, e.g. `dd.MM.yyyy`, `yyyy-MM-dd'T'HH:mmZZ`. */
    pattern: Schema.NonEmptyString,
    /** IANA zone the date is shown in (default UTC); zone-less input is read as UTC. */
    zone: Schema.optionalKey(Schema.NonEmptyString)
  }),
  Schema.Struct({
    kind: Schema.Literal("format"),
    format: Schema.Literal("number"),
    /** Digits after the decimal point (rounded half away from zero); the result is decimal text. */
    precision: Int0
  }),
  Schema.Struct({
    kind: Schema.Literal("format"),
    format: Schema.Literal("phone"),
    /** ISO 3166 country of numbers written without a country code, e.g. `US`. */
    country: Schema.optionalKey(Schema.NonEmptyString)
  }),
  Schema.Struct({ kind: Schema.Literal("format"), format: Schema.Literals(["upper", "lower", "title", "trim"]) }),
  Schema.Struct({
    kind: Schema.Literal("format"),
    format: Schema.Literal("pad"),
    length: Int0,
    /** Default `" "`. */
    fill: Schema.optionalKey(Schema.NonEmptyString),
    /** Default `start`. */
    side: Schema.optionalKey(Schema.Literals(["start", "end"]))
  })
])
/** A `format` transformation. */
export type FormatTransform = typeof FormatTransform.Type

/** `lookup` in a static map: the value's text -> the result; an absent key is `fallback`, or a failure. */
export const LookupTransform = Schema.Struct({
  kind: Schema.Literal("lookup"),
  values: Schema.Record(Schema.String, Schema.Unknown),
  fallback: Schema.optionalKey(Schema.Unknown)
})
/** A static `lookup`. */
export type LookupTransform = typeof LookupTransform.Type

/**
 * `lookup` in another synced table: the live row of `from` whose `key` column equals the value gives
 * its `field` column (e.g. an order's customer id -> the customer's name from the synced customers
 * table). The rows of a window's keys are read in one query and kept for that window. A key without
 * a row is `fallback`, or a failure; a null value stays null.
 */
export const TableLookupTransform = Schema.Struct({
  kind: Schema.Literal("lookup"),
  from: SyncedTableRef,
  /** The other table's column the value is compared with (as text). */
  key: Schema.NonEmptyString,
  /** The other table's column that is the result. */
  field: Schema.NonEmptyString,
  fallback: Schema.optionalKey(Schema.Unknown)
})
/** A `lookup` in another synced table. */
export type TableLookupTransform = typeof TableLookupTransform.Type

/**
 * `calculate` (a number) and `custom` (any value): a CEL expression over the record's clean fields,
 * with `value` the entry's source value (see `expressions/`).
 */
export const ExpressionTransform = Schema.Struct({
  kind: Schema.Literals(["calculate", "custom"]),
  expression: Schema.NonEmptyString
})
/** A `calculate` or `custom` transformation. */
export type ExpressionTransform = typeof ExpressionTransform.Type

/** A mapping entry's transformation. */
export const Transformation = Schema.Union([
  FormatTransform,
  LookupTransform,
  TableLookupTransform,
  ExpressionTransform
])
/** A mapping entry's transformation. */
export type Transformation = typeof Transformation.Type

/** One destination field of a mapping. */
export const FieldMappingEntry = Schema.Struct({
  /**
   * Where the value comes from in the clean record: a field, nested fields (`address.city`), list
   * elements by index (`lines[0].sku`) or all of them (`tags[*]`, a list). Absent: only the
   * transformation's expression makes the value.
   */
  source: Schema.optionalKey(Schema.NonEmptyString),
  /** The destination field. */
  target: Schema.NonEmptyString,
  transform: Schema.optionalKey(Transformation),
  /** The value when the result is null or missing. */
  default: Schema.optionalKey(Schema.Unknown),
  /** A null result (after the default) fails the record. */
  required: Schema.optionalKey(Schema.Boolean),
  /** The destination field's type; default: the source field's type, `string` after a format or lookup (a table lookup: give the other column's type), `decimal` after `calculate`, `json` after `custom` or a nested path. */
  type: Schema.optionalKey(ColumnType)
})
/** One destination field of a mapping. */
export type FieldMappingEntry = typeof FieldMappingEntry.Type

/** A field mapping: its entries, in destination order. */
export const FieldMapping = Schema.Struct({
  entries: Schema.Array(FieldMappingEntry)
})
/** A field mapping. */
export type FieldMapping = typeof FieldMapping.Type

/** A stored version of a definition's mapping. */
export const FieldMappingVersion = Schema.Struct({
  definitionId: Schema.String,
  /** 1, 2, ...: each change is a new version. */
  version: Schema.Int,
  entries: Schema.Array(FieldMappingEntry),
  createdAt: Schema.DateTimeUtcFromDate
})
/** A stored version of a definition's mapping. */
export type FieldMappingVersion = typeof FieldMappingVersion.Type
