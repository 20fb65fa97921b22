/**
 * The per-connector / per-entity settings of the five normalizer layers, as a Schema so they can be
 * stored with the connector and decoded. Every setting has a documented default; `{}` is valid.
 */
import { Schema } from "effect"

/** Layer 1 (coerceType) settings. */
export const CoerceOptions = Schema.Struct({
  /**
   * An empty string from the source means null, as in Oracle (default `true`; set `false` for sources where "" is
   * a value, e.g. Planning Center). With it, text that is empty after layer 2's cleanup (white space only) is null
   * too, except in NOT NULL columns.
   */
  emptyStringIsNull: Schema.optional(Schema.Boolean)
})
/** Layer 1 (coerceType) settings. */
export type CoerceOptions = typeof CoerceOptions.Type

/** Layer 2 (cleanStrings) settings. */
export const CleanStringsOptions = Schema.Struct({
  /** Trim leading and trailing white space (default `true`). */
  trim: Schema.optional(Schema.Boolean),
  /** `lf` (default): CRLF and lone CR become LF. `keep`: leave line endings alone. */
  lineEndings: Schema.optional(Schema.Literals(["lf", "keep"])),
  /** `strip` (default): remove control characters except TAB and LF. `keep`: leave them. */
  controlCharacters: Schema.optional(Schema.Literals(["strip", "keep"]))
})
/** Layer 2 (cleanStrings) settings. */
export type CleanStringsOptions = typeof CleanStringsOptions.Type

/** Layer 3 (parseNumerics) settings. */
export const ParseNumericsOptions = Schema.Struct({
  /** The connector's decimal separator (default `.`); the other of `.`/`,` groups thousands. */
  decimalSeparator: Schema.optional(Schema.Literals([".", ","])),
  /** When a number contains both `.` and `,`, the last one is the decimal separator whatever the locale (default `true`). */
  inferSeparators: Schema.optional(Schema.Boolean)
})
/** Layer 3 (parseNumerics) settings. */
export type ParseNumericsOptions = typeof ParseNumericsOptions.Type

/** Layer 4 (normalizeDateTimes) settings. */
export const DateTimeOptions = Schema.Struct({
  /** The zone of date-times written without one: `UTC` (default), an IANA name or an offset like `+02:00`. */
  timeZone: Schema.optional(Schema.String),
  /** Two-digit years (`DD-MON-RR`): below the pivot are 20yy, at or above are 19yy (default 50, Oracle's RR today). */
  pivotYear: Schema.optional(Schema.Int.check(Schema.isBetween({ minimum: 0, maximum: 100 }))),
  /** Order of `nn/nn/yyyy` dates: `MDY` (default, `MM/DD/YYYY`) or `DMY`. */
  slashOrder: Schema.optional(Schema.Literals(["MDY", "DMY"])),
  /**
   * A zone designator on a value of an Oracle `DATE` column: `trust` it (default), or `ignore` it and read
   * the wall clock in `timeZone` (for sources that label zone-less DATE values `Z`).
   */
  zoneOnDateSource: Schema.optional(Schema.Literals(["trust", "ignore"])),
  /** A time other than midnight in a `date` column: `reject` (default, an issue) or `truncate` to the date. */
  timeOnDate: Schema.optional(Schema.Literals(["reject", "truncate"]))
})
/** Layer 4 (normalizeDateTimes) settings. */
export type DateTimeOptions = typeof DateTimeOptions.Type

/** A named transform of layer 5, applied to text values in the order given. */
export const Transform = Schema.Literals(["trim", "uppercase", "lowercase", "collapseWhitespace"])
/** A named transform of layer 5. */
export type Transform = typeof Transform.Type

/** Layer 5 (mapFields) settings of one source field. */
export const FieldMapping = Schema.Struct({
  /** The field's logical (target) name; default: the source name. */
  to: Schema.optional(Schema.String),
  transforms: Schema.optional(Schema.Array(Transform)),
  /** The value when the clean value is null or the field is missing. */
  default: Schema.optional(Schema.Unknown),
  /** Null (after the default) is an issue. */
  required: Schema.optional(Schema.Boolean),
  /** Per-field override of layer 2's `trim` (e.g. `false` for a CLOB whose edges matter). */
  trim: Schema.optional(Schema.Boolean)
})
/** Layer 5 (mapFields) settings of one source field. */
export type FieldMapping = typeof FieldMapping.Type

/** Layer 5 (mapFields) settings. */
export const MapFieldsOptions = Schema.Struct({
  /** Source field name -> mapping. Fields without one keep their name and value. */
  fields: Schema.optional(Schema.Record(Schema.String, FieldMapping)),
  /** Fields the manifest does not declare (schema drift): `keep` them as text (default) or `drop` them. */
  unknownFields: Schema.optional(Schema.Literals(["keep", "drop"])),
  /**
   * Fields that are not data but travel with the record (e.g. APISmith's `_row_version` and `_oracle_keys`):
   * carried unchanged into the normalized record, never reported as unknown, never mapped to a column.
   * The manifest's `cursorField` is always one of them.
   */
  metaFields: Schema.optional(Schema.Array(Schema.String))
})
/** Layer 5 (mapFields) settings. */
export type MapFieldsOptions = typeof MapFieldsOptions.Type

/** All normalizer settings of a connector or entity. */
export const NormalizeOptions = Schema.Struct({
  coerce: Schema.optional(CoerceOptions),
  strings: Schema.optional(CleanStringsOptions),
  numbers: Schema.optional(ParseNumericsOptions),
  dates: Schema.optional(DateTimeOptions),
  mapping: Schema.optional(MapFieldsOptions)
})
/** All normalizer settings of a connector or entity. */
export type NormalizeOptions = typeof NormalizeOptions.Type

/** Entity settings over connector settings, layer by layer (field mappings merge by field). */
export const mergeNormalizeOptions = (connector: NormalizeOptions, entity: NormalizeOptions): NormalizeOptions => ({
  coerce: { ...connector.coerce, ...entity.coerce },
  strings: { ...connector.strings, ...entity.strings },
  numbers: { ...connector.numbers, ...entity.numbers },
  dates: { ...connector.dates, ...entity.dates },
  mapping: {
    ...connector.mapping,
    ...entity.mapping,
    fields: { ...connector.mapping?.fields, ...entity.mapping?.fields }
  }
})
