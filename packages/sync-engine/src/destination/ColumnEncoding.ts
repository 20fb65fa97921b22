/**
 * How the values of one column travel to PostgreSQL: as one binary array parameter per column of
 * a chunk (`SELECT unnest($1::bigint[]), ...`), with an explicit element type, so all-null arrays and
 * mixed numbers need no inference. Each encoding converts a row's value to the array element, or
 * reports why it cannot.
 *
 * - integers travel as `float8` when every value of the chunk's column is a safe integer (exact, and
 *   cheaper than allocating a bigint per value), else as `int8`;
 * - numerics travel as decimal text cast to `numeric[]`, so `12345678901234567890.123` keeps every
 *   digit (and text is ~5x cheaper to put on the wire than sql-pg's binary numeric encoding, for
 *   ~0.1 us of parsing in PostgreSQL);
 * - timestamps travel as binary `timestamptz` when every value of the chunk's column is a `Date`
 *   (or epoch milliseconds, or a `DateTime`), and otherwise as ISO text cast to `timestamptz[]`,
 *   so the microseconds of an ISO string survive (a JS `Date` has milliseconds only);
 * - JSON is stringified here and cast to `jsonb[]`, so a value JSON cannot express (a bigint) is
 *   an `InvalidValue` of its row rather than a failed statement.
 */
import { PgTypes } from "@effect/sql-pg"
import { DateTime, Result } from "effect"
import * as Hex from "effect/encoding/Hex"

/** The encodings, by the array type the column's values are cast to in the statement. */
export type EncodingKind = "text" | "int8" | "numeric" | "bool" | "date" | "timestamptz" | "jsonb" | "bytea"

/** Returned by a conversion for a value that does not fit; `detail` says why. */
export class Rejected {
  readonly detail: string
  constructor(detail: string) {
    this.detail = detail
  }
}

const reject = (detail: string): Rejected => new Rejected(detail)

/** One column encoding: the parameter's element type, the SQL array cast, and the value conversion. */
export interface ColumnEncoding {
  readonly kind: EncodingKind
  /** The element OID of the array parameter. */
  readonly elementOid: number
  /** The array type the parameter is cast to in SQL, e.g. `bigint[]`. */
  readonly arrayCast: string
  /** Converts a non-null value to its array element, or rejects it. */
  readonly convert: (value: unknown) => unknown
}

const INT64_MIN = -(2n ** 63n)
const INT64_MAX = 2n ** 63n - 1n
const integerText = /^[+-]?\d{1,19}$/
const decimalText = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d{1,4})?$/
const isoDatePrefix = /^\d{4}-\d{2}-\d{2}(?:$|[T ])/
const hexText = /^(?:\\x)?((?:[0-9a-fA-F]{2})*)$/

const text: ColumnEncoding = {
  kind: "text",
  elementOid: PgTypes.OID.text,
  arrayCast: "text[]",
  convert: (value) => {
    if (typeof value === "string") {
      return value.includes("\u0000") ? reject("text cannot contain NUL characters") : value
    }
    if (typeof value === "number" || typeof value === "bigint" || typeof value === "boolean") return String(value)
    return reject(`expected a string, got ${typeName(value)}`)
  }
}

/**
 * Integers convert to a safe-integer number, or to a bigint beyond that range; `integerElements`
 * then picks the column's wire type for the chunk.
 */
const int8: ColumnEncoding = {
  kind: "int8",
  elementOid: PgTypes.OID.int8,
  arrayCast: "bigint[]",
  convert: (value) => {
    if (typeof value === "number") {
      return Number.isSafeInteger(value) ? value : reject(`expected a safe integer, got ${value}`)
    }
    if (typeof value === "bigint") {
      return value >= INT64_MIN && value <= INT64_MAX ? value : reject("integer out of the bigint range")
    }
    if (typeof value === "string" && integerText.test(value)) {
      const parsed = Number(value)
      if (Number.isSafeInteger(parsed)) return parsed
      const big = BigInt(value)
      return big >= INT64_MIN && big <= INT64_MAX ? big : reject("integer out of the bigint range")
    }
    return reject(`expected an integer, got ${typeName(value)}`)
  }
}

const numeric: ColumnEncoding = {
  kind: "numeric",
  elementOid: PgTypes.OID.text,
  arrayCast: "numeric[]",
  convert: (value) => {
    if (typeof value === "string") {
      return decimalText.test(value) ? value : reject(`expected a decimal number, got ${JSON.stringify(value)}`)
    }
    if (typeof value === "number") {
      return Number.isFinite(value) ? String(value) : reject(`expected a finite number, got ${value}`)
    }
    if (typeof value === "bigint") return String(value)
    return reject(`expected a decimal number, got ${typeName(value)}`)
  }
}

const bool: ColumnEncoding = {
  kind: "bool",
  elementOid: PgTypes.OID.bool,
  arrayCast: "boolean[]",
  convert: (value) => (typeof value === "boolean" ? value : reject(`expected a boolean, got ${typeName(value)}`))
}

const date: ColumnEncoding = {
  kind: "date",
  elementOid: PgTypes.OID.date,
  arrayCast: "date[]",
  convert: (value) => {
    if (typeof value === "string") {
      return isoDatePrefix.test(value) ? value.slice(0, 10) : reject(`expected a YYYY-MM-DD date, got ${quoted(value)}`)
    }
    if (value instanceof Date) {
      return Number.isNaN(value.getTime()) ? reject("invalid Date") : value.toISOString().slice(0, 10)
    }
    if (DateTime.isDateTime(value)) return DateTime.formatIsoDateUtc(value)
    return reject(`expected a date, got ${typeName(value)}`)
  }
}

/**
 * Timestamps convert to a `Date` (from a `Date`, epoch milliseconds or a `DateTime`) or stay an ISO
 * string; `timestampElements` then picks the column's wire type for the chunk.
 */
const timestamptz: ColumnEncoding = {
  kind: "timestamptz",
  elementOid: PgTypes.OID.text,
  arrayCast: "timestamptz[]",
  convert: (value) => {
    if (typeof value === "string") {
      return value.length > 0 && !value.includes("\u0000") ? value : reject("expected an ISO 8601 timestamp")
    }
    if (value instanceof Date) return Number.isNaN(value.getTime()) ? reject("invalid Date") : value
    if (typeof value === "number") {
      const asDate = new Date(value)
      return Number.isNaN(asDate.getTime()) ? reject(`invalid epoch milliseconds ${value}`) : asDate
    }
    if (DateTime.isDateTime(value)) return DateTime.toDateUtc(value)
    return reject(`expected a timestamp, got ${typeName(value)}`)
  }
}

/**
 * The wire form of a chunk's converted integers (numbers, bigints and nulls): `float8` when they are
 * all safe-integer numbers (exact, and no bigint to allocate per value; PostgreSQL casts them to
 * `bigint`), else `int8` (each number as a bigint). The values are rewritten in place.
 */
export const integerElements = (values: Array<unknown>): number => {
  let bigints = false
  for (let i = 0; i < values.length; i++) {
    if (typeof values[i] === "bigint") {
      bigints = true
      break
    }
  }
  if (!bigints) return PgTypes.OID.float8
  for (let i = 0; i < values.length; i++) {
    const value = values[i]
    if (typeof value === "number") values[i] = BigInt(value)
  }
  return PgTypes.OID.int8
}

/**
 * The wire form of a chunk's converted timestamps (`Date`s, ISO strings and nulls): binary
 * `timestamptz` when there is no string among them, else text (each `Date` as its ISO string).
 * The values are rewritten in place.
 */
export const timestampElements = (values: Array<unknown>): number => {
  let strings = false
  for (let i = 0; i < values.length; i++) {
    if (typeof values[i] === "string") {
      strings = true
      break
    }
  }
  if (!strings) return PgTypes.OID.timestamptz
  for (let i = 0; i < values.length; i++) {
    const value = values[i]
    if (value instanceof Date) values[i] = value.toISOString()
  }
  return PgTypes.OID.text
}

const jsonb: ColumnEncoding = {
  kind: "jsonb",
  elementOid: PgTypes.OID.text,
  arrayCast: "jsonb[]",
  convert: (value) => {
    try {
      const json = JSON.stringify(value)
      if (json === undefined) return reject(`${typeName(value)} cannot be stored as JSON`)
      return json.includes("\\u0000") ? reject("jsonb cannot contain NUL characters") : json
    } catch (error) {
      return reject(`cannot be stored as JSON: ${error instanceof Error ? error.message : String(error)}`)
    }
  }
}

const bytea: ColumnEncoding = {
  kind: "bytea",
  elementOid: PgTypes.OID.bytea,
  arrayCast: "bytea[]",
  convert: (value) => {
    if (value instanceof Uint8Array) return value
    if (typeof value === "string") {
      const match = hexText.exec(value)
      const digits = match?.[1]
      if (digits !== undefined) {
        const bytes = Hex.decode(digits)
        if (Result.isSuccess(bytes)) return bytes.success
      }
      return reject("expected bytes or a hex string")
    }
    return reject(`expected bytes, got ${typeName(value)}`)
  }
}

/** The encodings by kind. */
export const encodings: Readonly<Record<EncodingKind, ColumnEncoding>> = {
  text,
  int8,
  numeric,
  bool,
  date,
  timestamptz,
  jsonb,
  bytea
}

/**
 * The encoding of an existing column, from its type's name in `pg_type` (`typname`), or `undefined`
 * for a type SyncFlow does not write (such a column, e.g. one a user added, is left alone).
 */
export const encodingForPgType = (typname: string): ColumnEncoding | undefined => {
  switch (typname) {
    case "text":
    case "varchar":
    case "bpchar":
    case "citext":
      return text
    case "int8":
    case "int4":
    case "int2":
      return int8
    case "numeric":
    case "float4":
    case "float8":
      return numeric
    case "bool":
      return bool
    case "date":
      return date
    case "timestamptz":
    case "timestamp":
      return timestamptz
    case "jsonb":
    case "json":
      return jsonb
    case "bytea":
      return bytea
    default:
      return undefined
  }
}

const quoted = (value: string): string => JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}...` : value)

const typeName = (value: unknown): string => {
  if (value === null) return "null"
  if (Array.isArray(value)) return "an array"
  if (value instanceof Uint8Array) return "bytes"
  if (value instanceof Date) return "a Date"
  return typeof value === "object" ? "an object" : `a ${typeof value}`
}
