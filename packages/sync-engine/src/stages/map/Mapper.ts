/**
 * The Map stage for one entity: from logical fields to the destination's columns, names and value
 * representations.
 *
 * Rules:
 * - the destination columns are the manifest's columns (logical names from Normalize), renamed by
 *   `columnNames` (logical -> destination; default: the same name), in manifest order; every mapped
 *   row has exactly these keys in this order, a missing value being null; fields the manifest does not
 *   declare are not mapped (they stay visible in Normalize's `unknownFields`);
 * - values are the clean forms (JSON-compatible): `string` text; `integer` a number, or canonical text
 *   beyond 2^53; `decimal` canonical decimal text (a number is turned into it); `boolean`; `date`
 *   `YYYY-MM-DD` and `timestamp` ISO 8601 UTC text (a `Date` is turned into them); `json` the JSON
 *   value; `binary` canonical base64 text. A value of another JavaScript type is `Unmappable`.
 * - an entity whose manifest has no columns (a source without metadata) is mapped as is: every field,
 *   same names, values unchanged (meta fields such as the cursor field left out).
 */
import type { ColumnManifest, ColumnType } from "@syncflow/adapter-core"
import { Effect, Result } from "effect"
import * as Base64 from "effect/encoding/Base64"
import { isInheritedName } from "../Fields.ts"
import { type Invalid, invalid, showValue } from "../Invalid.ts"
import { formatDate, formatTimestamp } from "../normalize/CivilTime.ts"
import { formatNumber } from "../normalize/Decimal.ts"
import { StageConfigError } from "../StageConfigError.ts"

/** Map settings. */
export interface MapOptions {
  /** Logical field name -> destination column name. */
  readonly columnNames?: Readonly<Record<string, string>>
}

/** One destination column: its logical source field and its value conversion. */
export interface ColumnMapping {
  /** The logical field name (Normalize's output). */
  readonly field: string
  /** The destination column name. */
  readonly column: string
  /** The destination value of a clean value, or an `Invalid`. */
  readonly convert: (value: unknown) => unknown
  /** Whether the field or column name is also a property of every object (read and written with care). */
  readonly inherited: boolean
}

/** A compiled mapper: use it with `mapChunk`. */
export interface Mapper {
  /** The destination columns, in order, with destination names (what the destination creates). */
  readonly columns: ReadonlyArray<ColumnManifest>
  /** The business-key columns (destination names). */
  readonly businessKey: ReadonlyArray<string>
  readonly mappings: ReadonlyArray<ColumnMapping>
  /** Whether the entity has no declared columns and rows are mapped as is. */
  readonly passThrough: boolean
  /** Fields left out of pass-through rows (the normalizer's meta fields). */
  readonly dropped: ReadonlySet<string>
}

const unmappable = (type: ColumnType, v: unknown): Invalid =>
  invalid("Unmappable", `a ${type} column cannot take ${showValue(v)}`)

/** The destination value of a clean value in a column of a type (see the module rules). */
export const convertValue = (type: ColumnType, v: unknown): unknown => {
  if (v == null) return null
  switch (type) {
    case "string":
      return typeof v === "string" ? v : unmappable(type, v)
    case "integer":
      return typeof v === "number" || typeof v === "string" ? v : unmappable(type, v)
    case "decimal":
      if (typeof v === "string") return v
      return typeof v === "number" && Number.isFinite(v) ? formatNumber(v) : unmappable(type, v)
    case "boolean":
      return typeof v === "boolean" ? v : unmappable(type, v)
    case "date":
      if (typeof v === "string") return v
      if (v instanceof Date && !Number.isNaN(v.getTime())) {
        return formatDate(v.getUTCFullYear(), v.getUTCMonth() + 1, v.getUTCDate())
      }
      return unmappable(type, v)
    case "timestamp":
      if (typeof v === "string") return v
      if (v instanceof Date && !Number.isNaN(v.getTime())) return formatTimestamp(v.getTime(), 0) ?? unmappable(type, v)
      return unmappable(type, v)
    case "json":
      return typeof v === "bigint" || typeof v === "function" || typeof v === "symbol" ? unmappable(type, v) : v
    case "binary": {
      // The clean form of binary data is base64 text; the destination takes the bytes.
      if (v instanceof Uint8Array) return v
      if (typeof v !== "string") return unmappable(type, v)
      const bytes = Base64.decode(v)
      return Result.isSuccess(bytes) ? bytes.success : unmappable(type, v)
    }
  }
}

/**
 * Compiles the mapper of an entity from its logical columns and business key (`normalizer.columns`,
 * `normalizer.businessKey`, and `normalizer.meta` for pass-through). Fails with `StageConfigError` when two columns get one destination name.
 */
export const makeMapper = Effect.fnUntraced(function* (
  spec: {
    readonly columns: ReadonlyArray<ColumnManifest>
    readonly businessKey: ReadonlyArray<string>
    readonly meta?: ReadonlySet<string>
  },
  options: MapOptions = {}
): Effect.fn.Return<Mapper, StageConfigError> {
  const names = options.columnNames ?? {}
  const rename = (field: string) => (Object.hasOwn(names, field) ? (names[field] ?? field) : field)
  const columns = spec.columns.map((c) => ({ ...c, name: rename(c.name) }))
  const seen = new Set<string>()
  for (const c of columns) {
    if (seen.has(c.name)) {
      return yield* new StageConfigError({ stage: "map", message: `two columns map to ${JSON.stringify(c.name)}` })
    }
    seen.add(c.name)
  }
  return {
    columns,
    businessKey: spec.businessKey.map(rename),
    mappings: spec.columns.map((c) => {
      const type = c.type
      return {
        field: c.name,
        column: rename(c.name),
        convert: (v: unknown) => convertValue(type, v),
        inherited: isInheritedName(c.name) || isInheritedName(rename(c.name))
      }
    }),
    passThrough: spec.columns.length === 0,
    dropped: spec.meta ?? new Set()
  }
})
