/**
 * Oracle data types as APISmith's metadata spells them (`VARCHAR2(50)`, `NUMBER(12,2)`, `DATE`,
 * `TIMESTAMP(6) WITH TIME ZONE`, `RAW(16)`, `CLOB`, ...): a parser to a structured value, and the
 * mapping of that value to adapter-core's destination-neutral column type.
 */
import type { ColumnType } from "@syncflow/adapter-core"
import { Effect, Schema, SchemaIssue, SchemaTransformation } from "effect"

/** The Oracle type families APISmith exposes. */
export const OracleTypeName = Schema.Literals([
  "VARCHAR2",
  "NVARCHAR2",
  "CHAR",
  "NCHAR",
  "CLOB",
  "NCLOB",
  "LONG",
  "ROWID",
  "UROWID",
  "XMLTYPE",
  "INTERVAL",
  "NUMBER",
  "FLOAT",
  "BINARY_FLOAT",
  "BINARY_DOUBLE",
  "DATE",
  "TIMESTAMP",
  "RAW",
  "LONG RAW",
  "BLOB",
  "BOOLEAN",
  "JSON"
])
/** The Oracle type families APISmith exposes. */
export type OracleTypeName = typeof OracleTypeName.Type

/** A parsed Oracle data type. */
export const OracleType = Schema.Struct({
  /** The type family. `INTEGER`, `INT` and `SMALLINT` are `NUMBER(38)`; `VARCHAR` is `VARCHAR2`. */
  name: OracleTypeName,
  /** The data type exactly as the metadata gave it. */
  text: Schema.String,
  /** Maximum length: characters or bytes for character types, bytes for `RAW`. */
  length: Schema.optionalKey(Schema.Int),
  /** `NUMBER` precision in decimal digits, `FLOAT` precision in bits, `TIMESTAMP` fractional-second digits. */
  precision: Schema.optionalKey(Schema.Int),
  /** `NUMBER` scale: digits after the decimal point (negative: rounding to tens, hundreds...). */
  scale: Schema.optionalKey(Schema.Int),
  /** `TIMESTAMP WITH TIME ZONE` (`"zone"`) or `WITH LOCAL TIME ZONE` (`"local"`). */
  timeZone: Schema.optionalKey(Schema.Literals(["zone", "local"]))
})
/** A parsed Oracle data type. */
export type OracleType = typeof OracleType.Type

/** What {@link parseOracleType} found: the type, or why the text is not one. */
export type OracleTypeParse =
  | { readonly _tag: "Ok"; readonly type: OracleType }
  | { readonly _tag: "Error"; readonly message: string }

const ok = (type: OracleType): OracleTypeParse => ({ _tag: "Ok", type })
const error = (message: string): OracleTypeParse => ({ _tag: "Error", message })

const SIZED_TEXT = /^(NVARCHAR2|VARCHAR2|VARCHAR|NCHAR|CHAR|CHARACTER)(?:\s*\(\s*(\d+)\s*(?:BYTE|CHAR)?\s*\))?$/
const NUMBER = /^NUMBER(?:\s*\(\s*(\d+|\*)\s*(?:,\s*(-?\d+)\s*)?\))?$/
const FLOAT = /^FLOAT(?:\s*\(\s*(\d+)\s*\))?$/
const TIMESTAMP = /^TIMESTAMP(?:\s*\(\s*(\d+)\s*\))?(?:\s+WITH\s+(LOCAL\s+)?TIME\s+ZONE)?$/
const RAW = /^RAW(?:\s*\(\s*(\d+)\s*\))?$/
const INTERVAL =
  /^INTERVAL\s+(?:YEAR(?:\s*\(\s*\d+\s*\))?\s+TO\s+MONTH|DAY(?:\s*\(\s*\d+\s*\))?\s+TO\s+SECOND(?:\s*\(\s*\d+\s*\))?)$/
const PLAIN: Readonly<Record<string, OracleTypeName>> = {
  CLOB: "CLOB",
  NCLOB: "NCLOB",
  LONG: "LONG",
  ROWID: "ROWID",
  UROWID: "UROWID",
  XMLTYPE: "XMLTYPE",
  BINARY_FLOAT: "BINARY_FLOAT",
  BINARY_DOUBLE: "BINARY_DOUBLE",
  DATE: "DATE",
  "LONG RAW": "LONG RAW",
  BLOB: "BLOB",
  BOOLEAN: "BOOLEAN",
  JSON: "JSON"
}
const TEXT_FAMILIES: Readonly<Record<string, OracleTypeName>> = {
  VARCHAR2: "VARCHAR2",
  VARCHAR: "VARCHAR2",
  NVARCHAR2: "NVARCHAR2",
  CHAR: "CHAR",
  CHARACTER: "CHAR",
  NCHAR: "NCHAR"
}
const INTEGER_ALIASES: ReadonlySet<string> = new Set(["INTEGER", "INT", "SMALLINT"])

const inRange = (n: number, min: number, max: number) => Number.isInteger(n) && n >= min && n <= max

/**
 * Parses an Oracle data type as APISmith's metadata spells it (case and spacing are free):
 * `VARCHAR2(50)`, `VARCHAR2(50 CHAR)`, `NVARCHAR2(n)`, `CHAR(3)`, `NCHAR(n)`, `NUMBER`,
 * `NUMBER(12)`, `NUMBER(12,2)`, `NUMBER(*,0)`, `INTEGER`, `FLOAT(126)`, `BINARY_DOUBLE`, `DATE`,
 * `TIMESTAMP`, `TIMESTAMP(3)`, `TIMESTAMP WITH [LOCAL] TIME ZONE`, `RAW(16)`, `LONG RAW`, `BLOB`,
 * `CLOB`, `NCLOB`, `LONG`, `ROWID`, `UROWID`, `XMLTYPE`, `INTERVAL ...`, `BOOLEAN`, `JSON`.
 */
export const parseOracleType = (text: string): OracleTypeParse => {
  const t = text.trim().toUpperCase().replace(/\s+/g, " ")
  if (t === "") return error("the data type is empty")
  const plain = PLAIN[t]
  if (plain !== undefined) return ok({ name: plain, text })
  if (INTEGER_ALIASES.has(t)) return ok({ name: "NUMBER", text, precision: 38, scale: 0 })
  let m = SIZED_TEXT.exec(t)
  if (m !== null) {
    const family = TEXT_FAMILIES[m[1] ?? ""] ?? "VARCHAR2"
    if (m[2] === undefined) {
      if (family === "VARCHAR2" || family === "NVARCHAR2") return error(`${family} needs a length, e.g. ${family}(50)`)
      return ok({ name: family, text, length: 1 })
    }
    const length = Number(m[2])
    if (!inRange(length, 1, 32767)) return error(`${family} length must be between 1 and 32767, got ${m[2]}`)
    return ok({ name: family, text, length })
  }
  m = NUMBER.exec(t)
  if (m !== null) {
    if (m[1] === undefined) return ok({ name: "NUMBER", text })
    const precision = m[1] === "*" ? 38 : Number(m[1])
    if (!inRange(precision, 1, 38)) return error(`NUMBER precision must be between 1 and 38, got ${m[1]}`)
    const scale = m[2] === undefined ? 0 : Number(m[2])
    if (!inRange(scale, -84, 127)) return error(`NUMBER scale must be between -84 and 127, got ${m[2]}`)
    return ok({ name: "NUMBER", text, precision, scale })
  }
  m = FLOAT.exec(t)
  if (m !== null) {
    if (m[1] === undefined) return ok({ name: "FLOAT", text, precision: 126 })
    const precision = Number(m[1])
    if (!inRange(precision, 1, 126)) return error(`FLOAT precision must be between 1 and 126 bits, got ${m[1]}`)
    return ok({ name: "FLOAT", text, precision })
  }
  m = TIMESTAMP.exec(t)
  if (m !== null) {
    const precision = m[1] === undefined ? 6 : Number(m[1])
    if (!inRange(precision, 0, 9)) return error(`TIMESTAMP fractional precision must be between 0 and 9, got ${m[1]}`)
    const zone = t.includes(" WITH ") ? { timeZone: m[2] === undefined ? ("zone" as const) : ("local" as const) } : {}
    return ok({ name: "TIMESTAMP", text, precision, ...zone })
  }
  m = RAW.exec(t)
  if (m !== null) {
    if (m[1] === undefined) return error("RAW needs a length, e.g. RAW(16)")
    const length = Number(m[1])
    if (!inRange(length, 1, 32767)) return error(`RAW length must be between 1 and 32767, got ${m[1]}`)
    return ok({ name: "RAW", text, length })
  }
  if (INTERVAL.test(t)) return ok({ name: "INTERVAL", text })
  return error(`unknown Oracle data type ${JSON.stringify(text)}`)
}

/**
 * A metadata `data_type` string decoded into an {@link OracleType}; an unknown or malformed type
 * fails decoding with a message saying what is wrong with it.
 */
export const OracleTypeFromString = Schema.String.pipe(
  Schema.decodeTo(
    OracleType,
    SchemaTransformation.transformEffect({
      decode: (text, options) => {
        const parsed = parseOracleType(text)
        return parsed._tag === "Ok"
          ? Effect.succeed(parsed.type)
          : Effect.fail(new SchemaIssue.InvalidValue({ message: parsed.message }, text, options))
      },
      encode: (type) => Effect.succeed(type.text)
    })
  )
)

/** The destination-neutral column type of an Oracle type, with its length, precision and scale. */
export interface ColumnTypeOf {
  readonly type: ColumnType
  readonly length?: number
  readonly precision?: number
  readonly scale?: number
}

/**
 * Maps an Oracle type to adapter-core's column type:
 *
 * | Oracle | column type |
 * | --- | --- |
 * | `VARCHAR2(n)`, `NVARCHAR2(n)`, `CHAR(n)`, `NCHAR(n)` | `string`, length `n` |
 * | `CLOB`, `NCLOB`, `LONG`, `ROWID`, `UROWID`, `XMLTYPE`, `INTERVAL ...` | `string` |
 * | `NUMBER(p)`, `NUMBER(p,0)`, `NUMBER(p,-s)`, `INTEGER` | `integer`, precision `p` (`p + s` digits for a negative scale) |
 * | `NUMBER(p,s)` with `s > 0` | `decimal`, precision `p`, scale `s` |
 * | `NUMBER`, `FLOAT(b)`, `BINARY_FLOAT`, `BINARY_DOUBLE` | `decimal` |
 * | `DATE` (it holds a time of day, to the second) | `timestamp`, precision 0 |
 * | `TIMESTAMP(f)` [`WITH [LOCAL] TIME ZONE`] | `timestamp`, precision `f` (fractional digits) |
 * | `RAW(n)`, `LONG RAW`, `BLOB` | `binary` (length `n` bytes) |
 * | `BOOLEAN` | `boolean` |
 * | `JSON` | `json` |
 */
export const toColumnType = (oracle: OracleType): ColumnTypeOf => {
  const length = oracle.length === undefined ? {} : { length: oracle.length }
  switch (oracle.name) {
    case "VARCHAR2":
    case "NVARCHAR2":
    case "CHAR":
    case "NCHAR":
      return { type: "string", ...length }
    case "CLOB":
    case "NCLOB":
    case "LONG":
    case "ROWID":
    case "UROWID":
    case "XMLTYPE":
    case "INTERVAL":
      return { type: "string" }
    case "NUMBER": {
      if (oracle.precision === undefined) return { type: "decimal" }
      const scale = oracle.scale ?? 0
      return scale > 0
        ? { type: "decimal", precision: oracle.precision, scale }
        : { type: "integer", precision: oracle.precision - scale, scale: 0 }
    }
    case "FLOAT":
    case "BINARY_FLOAT":
    case "BINARY_DOUBLE":
      return { type: "decimal" }
    case "DATE":
      return { type: "timestamp", precision: 0 }
    case "TIMESTAMP":
      return oracle.precision === undefined ? { type: "timestamp" } : { type: "timestamp", precision: oracle.precision }
    case "RAW":
    case "LONG RAW":
    case "BLOB":
      return { type: "binary", ...length }
    case "BOOLEAN":
      return { type: "boolean" }
    case "JSON":
      return { type: "json" }
  }
}
