/**
 * The declared source type of a column (`VARCHAR2(50)`, `NUMBER(12,2)`, `TIMESTAMP(6) WITH TIME ZONE`,
 * ...), parsed once when a stage is built.
 */

/** The family of an Oracle (or similar) source type, which decides how a raw value is coerced. */
export type SourceFamily =
  | "text" // VARCHAR2, NVARCHAR2, VARCHAR, LONG, ROWID, UROWID
  | "char" // CHAR, NCHAR: blank-padded to the declared length
  | "clob" // CLOB, NCLOB
  | "number" // NUMBER, NUMERIC, DECIMAL, INTEGER, INT, SMALLINT
  | "float" // FLOAT, BINARY_FLOAT, BINARY_DOUBLE, REAL, DOUBLE PRECISION
  | "date" // DATE: a wall-clock date and time to the second, without a zone
  | "timestamp" // TIMESTAMP(n): wall-clock, no zone
  | "timestampTz" // TIMESTAMP WITH TIME ZONE
  | "timestampLtz" // TIMESTAMP WITH LOCAL TIME ZONE
  | "raw" // RAW(n), LONG RAW: base64 in JSON
  | "blob" // BLOB: base64 in JSON
  | "boolean" // BOOLEAN (Oracle 23ai)
  | "json" // JSON (Oracle 21c+)
  | "unknown" // not declared or not recognised: the column's destination-neutral type decides

/** A parsed source type. */
export interface SourceType {
  readonly family: SourceFamily
  /** The declared text as given, e.g. `NUMBER(12,2)`. */
  readonly declared: string
  /** Length of text/CHAR/RAW types. */
  readonly length: number | undefined
  /** Precision of NUMBER in decimal digits (undefined for `NUMBER`, `NUMBER(*,s)` and FLOAT, whose precision is in bits). */
  readonly precision: number | undefined
  /** Scale of NUMBER (0 for INTEGER and `NUMBER(p)`). */
  readonly scale: number | undefined
}

const FAMILIES: ReadonlyArray<readonly [RegExp, SourceFamily]> = [
  [/^(N?VARCHAR2?|CHAR(ACTER)? VARYING|NATIONAL CHAR(ACTER)? VARYING|LONG|U?ROWID|STRING|TEXT)$/, "text"],
  [/^(N?CHAR|CHARACTER|NATIONAL CHAR(ACTER)?)$/, "char"],
  [/^N?CLOB$/, "clob"],
  [/^(NUMBER|NUMERIC|DEC(IMAL)?)$/, "number"],
  [/^(INTEGER|INT|SMALLINT)$/, "number"],
  [/^(FLOAT|BINARY_FLOAT|BINARY_DOUBLE|REAL|DOUBLE PRECISION)$/, "float"],
  [/^DATE$/, "date"],
  [/^TIMESTAMP WITH LOCAL TIME ZONE$/, "timestampLtz"],
  [/^TIMESTAMP WITH TIME ZONE$/, "timestampTz"],
  [/^TIMESTAMP$/, "timestamp"],
  [/^(LONG )?RAW$/, "raw"],
  [/^BLOB$/, "blob"],
  [/^BOOL(EAN)?$/, "boolean"],
  [/^JSON$/, "json"]
]

// NAME [(a [BYTE|CHAR] [, b])] [rest], e.g. "TIMESTAMP(6) WITH TIME ZONE" -> TIMESTAMP, 6, -, "WITH TIME ZONE"
const SHAPE =
  /^([A-Z_][A-Z0-9_]*(?: [A-Z_][A-Z0-9_]*)*?)\s*(?:\(\s*(\*|\d+)\s*(?:BYTE|CHAR)?\s*(?:,\s*(-?\d+)\s*)?\))?\s*([A-Z ]*)$/

/** Parses a declared source type; an absent or unrecognised one has family `unknown`. */
export const parseSourceType = (declared: string | undefined): SourceType => {
  if (declared === undefined)
    return { family: "unknown", declared: "", length: undefined, precision: undefined, scale: undefined }
  const text = declared.trim().toUpperCase().replace(/\s+/g, " ")
  const match = SHAPE.exec(text)
  if (match === null) return { family: "unknown", declared, length: undefined, precision: undefined, scale: undefined }
  const [, name = "", first, second, rest = ""] = match
  const full = rest === "" ? name : `${name} ${rest}`
  const family = FAMILIES.find(([pattern]) => pattern.test(full))?.[1] ?? "unknown"
  const a = first === undefined || first === "*" ? undefined : Number(first)
  const b = second === undefined ? undefined : Number(second)
  switch (family) {
    case "number": {
      const integerOnly = /^(INTEGER|INT|SMALLINT)$/.test(name)
      return {
        family,
        declared,
        length: undefined,
        precision: integerOnly ? undefined : a,
        scale: integerOnly ? 0 : b !== undefined ? b : first !== undefined ? 0 : undefined
      }
    }
    case "text":
    case "char":
    case "raw":
      return {
        family,
        declared,
        length: a ?? (family === "char" ? 1 : undefined),
        precision: undefined,
        scale: undefined
      }
    default:
      return { family, declared, length: undefined, precision: undefined, scale: undefined }
  }
}
