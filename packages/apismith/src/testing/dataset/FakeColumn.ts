/**
 * A column of a fake ERP entity: its metadata, how a row's value is rendered as (messy) JSON, and
 * the clean value a correct normalizer derives from it. Both come from the same hash of the row,
 * so they always agree. The factories below produce the Oracle realities of the spec.
 */
import { Buffer } from "node:buffer"
import type { CleanValue } from "../CleanRow.ts"
import { hash2, hashText } from "./ErpHash.ts"
import {
  canonicalDecimal,
  civilFromDays,
  cleanInstant,
  ddMonRr,
  exponentForm,
  fixedDecimal,
  groupThousands,
  isoDate,
  isoOffset,
  millisFraction,
  mmDdYyyy,
  padNumber,
  wallClock
} from "./OracleText.ts"

/**
 * The coordinates of the row being rendered. One mutable instance is reused for every row of a
 * page (the generator's hot path allocates no per-row objects).
 */
export interface RowContext {
  /** The row's index in its entity (inserted rows follow the original ones). */
  index: number
  /** How many times the row's data changed (0: as first generated). */
  revision: number
  /** The mutation that last changed the row's data, or -1 for an original row. */
  changedAt: number
  /** The hash of (entity seed, index, revision): the source of every value of the row. */
  h: number
  /** Entity-specific derived coordinates (an order line's order index and line number). */
  a: number
  b: number
  /** An entity-specific derived text computed once per row (e.g. the business key). */
  key: string
}

/** A fresh row context. */
export const makeRowContext = (): RowContext => ({ index: 0, revision: 0, changedAt: -1, h: 0, a: 0, b: 0, key: "" })

/** A column of a fake entity. */
export interface FakeColumn {
  /** The output alias (lowercase). */
  readonly name: string
  /** The Oracle data type the metadata gives. */
  readonly dataType: string
  readonly nullable: boolean
  /** `false` for a field the rows carry but the metadata does not declare (schema drift). */
  readonly declared: boolean
  /** The value's JSON text as served (messy). */
  readonly json: (row: RowContext) => string
  /** The value's clean form (see `CleanValue`). */
  readonly clean: (row: RowContext) => CleanValue
  /**
   * `prefix` + the value's JSON text in one string, for columns whose renderings come from a pool
   * (the pool is merged with the prefix once, saving a concatenation per row on the hot path).
   */
  readonly renderWith?: (prefix: string) => (row: RowContext) => string
}

/** A renderer of `prefix` + the column's JSON text. */
export const rendererOf = (column: FakeColumn, prefix: string): ((row: RowContext) => string) =>
  column.renderWith?.(prefix) ?? ((row) => prefix + column.json(row))

/** How many rendering variants each factory draws from (the low 4 bits of the column's hash). */
const VARIANTS = 16

/**
 * JSON text of a string with every character beyond ASCII written as a `\uXXXX` escape, as
 * Python's `json.dumps` does by default: the parsed value is the same, and pages of pure ASCII are
 * the cheapest to build and to encode. `rawUnicode` columns send UTF-8 as is instead (multi-byte
 * characters on the wire, possibly split across network chunks).
 */
const asciiJson = (s: string): string =>
  JSON.stringify(s).replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`)

/** JSON text of a string as is (raw UTF-8 on the wire). */
const unicodeJson = (s: string): string => JSON.stringify(s)

const str = asciiJson

/**
 * The spellings of a blank text value of a nullable column: `""` and white space only. Oracle has no
 * empty string, so each of them is null in the clean form (a text value empty after cleanup is null).
 */
export const BLANKS: ReadonlyArray<string> = ["", "   ", "\t", " \r\n "]

/** Whether a served text is blank: empty once trimmed (the fake's blanks have no control characters). */
const isBlank = (s: string): boolean => s.trim() === ""

/**
 * The messy spellings of a clean text: padding, tabs, CR/LF, control characters, a BOM, and for
 * nullable columns a blank (`BLANKS[blank % 4]`: `""` or white space only) or null.
 */
export const messText = (clean: string, variant: number, nullable: boolean, blank = 0): string | null => {
  switch (variant) {
    case 9:
      return `${clean}   `
    case 10:
      return `  ${clean} `
    case 11:
      return `\t${clean}\r\n`
    case 12: {
      const space = clean.indexOf(" ")
      return space < 0 ? `${clean}\u0000` : `${clean.slice(0, space + 1)}\u0007${clean.slice(space + 1)}`
    }
    case 13:
      return `\uFEFF${clean}\u0085\n`
    case 14:
      return nullable ? (BLANKS[blank % BLANKS.length] ?? "") : clean
    case 15:
      return nullable ? null : clean
    default:
      return clean
  }
}

interface TextOptions {
  readonly name: string
  readonly dataType: string
  readonly nullable: boolean
}

/** The metadata part of a declared column. */
const metadataOf = (options: TextOptions) => ({
  name: options.name,
  dataType: options.dataType,
  nullable: options.nullable,
  declared: true
})

/** Free text drawn from a pool of clean values, served with the messy spellings of {@link messText}. */
export const textPool = (
  options: TextOptions & { readonly pool: ReadonlyArray<string>; readonly rawUnicode?: boolean }
): FakeColumn => {
  const salt = hashText(options.name)
  const toJson = options.rawUnicode === true ? unicodeJson : asciiJson
  const size = options.pool.length
  const json: Array<string> = []
  const clean: Array<CleanValue> = []
  options.pool.forEach((value, k) => {
    for (let v = 0; v < VARIANTS; v++) {
      const raw = messText(value, v, options.nullable, k)
      json.push(raw === null ? "null" : toJson(raw))
      clean.push(raw === null || isBlank(raw) ? null : value)
    }
  })
  const slot = (row: RowContext) => {
    const v = hash2(row.h, salt)
    return ((v >>> 4) % size) * VARIANTS + (v & 15)
  }
  return {
    name: options.name,
    dataType: options.dataType,
    nullable: options.nullable,
    declared: true,
    json: (row) => json[slot(row)] ?? "null",
    clean: (row) => clean[slot(row)] ?? null,
    renderWith: (prefix) => {
      const merged = json.map((j) => prefix + j)
      return (row) => merged[slot(row)] ?? `${prefix}null`
    }
  }
}

/**
 * Text computed from the row (an e-mail, a code), served clean or padded, blank (`""` or white
 * space only) or null when nullable. `safe` values (ASCII without quotes or backslashes) skip JSON
 * escaping.
 */
export const derivedText = (
  options: TextOptions & { readonly value: (row: RowContext) => string; readonly safe?: boolean }
): FakeColumn => {
  const salt = hashText(options.name)
  const quote = options.safe === true ? (value: string) => `"${value}"` : str
  const raw = (row: RowContext): string | null => {
    const h = hash2(row.h, salt)
    const v = h & 15
    const value = options.value(row)
    return v === 13
      ? ` ${value}  `
      : v === 14
        ? options.nullable
          ? (BLANKS[(h >>> 4) % BLANKS.length] ?? "")
          : value
        : v === 15 && options.nullable
          ? null
          : value
  }
  return {
    name: options.name,
    dataType: options.dataType,
    nullable: options.nullable,
    declared: true,
    json: (row) => {
      const value = raw(row)
      return value === null ? "null" : isBlank(value) ? str(value) : quote(value)
    },
    clean: (row) => {
      const value = raw(row)
      return value === null || isBlank(value) ? null : options.value(row)
    }
  }
}

/**
 * A business-key text (`PART-0000042`, `0000042`): never null, usually clean, sometimes with
 * trailing blanks (`"PART-0000042   "`). The value must be JSON-safe ASCII.
 */
export const keyText = (options: {
  readonly name: string
  readonly dataType: string
  readonly value: (row: RowContext) => string
}): FakeColumn => {
  const salt = hashText(options.name)
  return {
    name: options.name,
    dataType: options.dataType,
    nullable: false,
    declared: true,
    json: (row) => ((hash2(row.h, salt) & 15) >= 14 ? `"${options.value(row)}   "` : `"${options.value(row)}"`),
    clean: (row) => options.value(row)
  }
}

/**
 * `CHAR(n)` text from a pool: always blank-padded to `n`, as Oracle stores CHAR. A nullable column
 * also holds blank values (`n` spaces, or a TAB padded with spaces; clean: null) and nulls.
 */
export const charPool = (options: {
  readonly name: string
  readonly length: number
  readonly nullable: boolean
  readonly pool: ReadonlyArray<string>
}): FakeColumn => {
  const salt = hashText(options.name)
  const json = options.pool.map((value) => str(value.padEnd(options.length, " ")))
  const blanks = [" ".repeat(options.length), "\t".padEnd(options.length, " ")].map(str)
  const size = options.pool.length
  const isNull = (v: number) => options.nullable && (v & 15) === 15
  const isBlankValue = (v: number) => options.nullable && (v & 15) === 14
  const blankOf = (v: number) => (v >>> 4) & 1
  return {
    name: options.name,
    dataType: `CHAR(${options.length})`,
    nullable: options.nullable,
    declared: true,
    json: (row) => {
      const v = hash2(row.h, salt)
      if (isNull(v)) return "null"
      if (isBlankValue(v)) return blanks[blankOf(v)] ?? "null"
      return json[(v >>> 4) % size] ?? "null"
    },
    clean: (row) => {
      const v = hash2(row.h, salt)
      return isNull(v) || isBlankValue(v) ? null : (options.pool[(v >>> 4) % size] ?? null)
    },
    renderWith: (prefix) => {
      const merged = json.map((j) => prefix + j)
      const mergedBlanks = blanks.map((j) => prefix + j)
      const nullJson = `${prefix}null`
      return (row) => {
        const v = hash2(row.h, salt)
        if (isNull(v)) return nullJson
        if (isBlankValue(v)) return mergedBlanks[blankOf(v)] ?? nullJson
        return merged[(v >>> 4) % size] ?? nullJson
      }
    }
  }
}

/** A code with leading zeros (`"00123"`) that must stay text. */
export const zeroPaddedCode = (options: TextOptions & { readonly digits: number }): FakeColumn => {
  const modulo = 10 ** options.digits
  const salt = hashText(options.name)
  return derivedText({
    ...options,
    value: (row) => padNumber((hash2(row.h, salt ^ 0x5bd1e995) >>> 0) % modulo, options.digits),
    safe: true
  })
}

/**
 * A decimal `NUMBER`: `units / 10^scale` served as a JSON number mostly, else as formatted text
 * (`"1000.50"`, `"1,000.50"`, `"1.000,50"`, `"$1,000.50"`, `"  1000.5 "`, `"1.0005E3"`) or a JSON
 * number in exponent form (`1.0005e3`). With `hugeEvery`, one row in that many holds an 11-digit
 * value sent in exponent form, as ORDS does past 10 significant digits (`1.2345678901e10`).
 */
export const decimalNumber = (
  options: TextOptions & {
    readonly scale: number
    readonly maxUnits: number
    readonly hugeEvery?: number
  }
): FakeColumn => {
  const { scale, maxUnits, nullable } = options
  const salt = hashText(options.name)
  const pow = 10 ** scale
  const hugeEvery = options.hugeEvery ?? 0
  /** `.ff` of a fixed rendering (empty for scale 0). */
  const fractionOf = (units: number): string => (scale === 0 ? "" : fixedDecimal(units, scale).slice(-scale - 1))
  const unitsOf = (v: number): number => {
    if (hugeEvery > 0 && (v >>> 4) % hugeEvery === 0) return (10_000_000_000 + (hash2(v, 7) % 4_000_000_000)) * pow
    return (v >>> 4) % maxUnits
  }
  const huge = 10_000_000_000 * pow
  const json = (row: RowContext): string => {
    const v = hash2(row.h, salt)
    const units = unitsOf(v)
    if (units >= huge) return (v & 1) === 0 ? exponentForm(units, scale, true) : canonicalDecimal(units, scale)
    const variant = v & 15
    if (variant < 8) return canonicalDecimal(units, scale)
    switch (variant) {
      case 8:
        return `"${fixedDecimal(units, scale)}"`
      case 9:
        return `"${groupThousands(`${Math.floor(units / pow)}`, ",")}${fractionOf(units)}"`
      case 10:
        // Comma-decimal territories; only with a thousands dot, so the text names both separators.
        return units >= 1000 * pow && scale > 0
          ? `"${groupThousands(`${Math.floor(units / pow)}`, ".")},${fixedDecimal(units, scale).slice(-scale)}"`
          : `"$${fixedDecimal(units, scale)}"`
      case 11:
        return `"$${groupThousands(`${Math.floor(units / pow)}`, ",")}${fractionOf(units)}"`
      case 12:
        return `"  ${canonicalDecimal(units, scale)} "`
      case 13:
        return `"${exponentForm(units, scale)}"`
      case 14:
        return exponentForm(units, scale, true)
      default:
        return nullable ? ((v >>> 8) & 1 ? "null" : `""`) : canonicalDecimal(units, scale)
    }
  }
  const clean = (row: RowContext): CleanValue => {
    const v = hash2(row.h, salt)
    const units = unitsOf(v)
    if (units < huge && (v & 15) === 15 && nullable) return null
    return canonicalDecimal(units, scale)
  }
  return { ...metadataOf(options), json, clean }
}

/** An integer `NUMBER(p)`: a JSON number mostly, sometimes text (`"7"`, `" 7 "`), null when nullable. */
export const integerNumber = (options: TextOptions & { readonly value: (row: RowContext) => number }): FakeColumn => {
  const salt = hashText(options.name)
  return {
    ...metadataOf(options),
    json: (row) => {
      const variant = hash2(row.h, salt) & 15
      const n = options.value(row)
      return variant === 13
        ? `" ${n} "`
        : variant === 14
          ? `"${n}"`
          : variant === 15 && options.nullable
            ? "null"
            : String(n)
    },
    clean: (row) => ((hash2(row.h, salt) & 15) === 15 && options.nullable ? null : options.value(row))
  }
}

/**
 * A `NUMBER(19)` id beyond 2^53, sent as text (ORDS with `IEEE754Compatible=true`), as a float
 * would lose it. Clean: the same digits.
 */
export const bigIdentifier = (options: { readonly name: string; readonly base: bigint }): FakeColumn => {
  const value = (row: RowContext) => (options.base + BigInt(row.index)).toString()
  return {
    name: options.name,
    dataType: "NUMBER(19)",
    nullable: false,
    declared: true,
    json: (row) => `"${value(row)}"`,
    clean: value
  }
}

const TRUE_JSON = [`"Y"`, `"Y"`, `"Y"`, `"Y"`, "1", `"TRUE"`, "true", `"y"`]
const FALSE_JSON = [`"N"`, `"N"`, `"N"`, `"N"`, "0", `"FALSE"`, "false", `"n"`]

/** A flag: `"Y"`/`"N"`, `1`/`0`, `"TRUE"`/`"FALSE"`, JSON booleans; true in 70% of rows. */
export const flag = (options: { readonly name: string; readonly nullable: boolean }): FakeColumn => {
  const salt = hashText(options.name)
  const value = (v: number): boolean | null =>
    options.nullable && ((v >>> 8) & 15) === 15 ? null : (v >>> 12) % 10 < 7
  return {
    name: options.name,
    dataType: "BOOLEAN",
    nullable: options.nullable,
    declared: true,
    json: (row) => {
      const v = hash2(row.h, salt)
      const b = value(v)
      return b === null ? "null" : ((b ? TRUE_JSON : FALSE_JSON)[v & 7] ?? "null")
    },
    clean: (row) => value(hash2(row.h, salt)),
    renderWith: (prefix) => {
      const trues = TRUE_JSON.map((j) => prefix + j)
      const falses = FALSE_JSON.map((j) => prefix + j)
      const nullJson = `${prefix}null`
      return (row) => {
        const v = hash2(row.h, salt)
        const b = value(v)
        return b === null ? nullJson : ((b ? trues : falses)[v & 7] ?? nullJson)
      }
    }
  }
}

/**
 * An Oracle `DATE` holding a day (midnight): `YYYY-MM-DD`, `YYYY-MM-DDT00:00:00Z`, `DD-MON-RR`,
 * `MM/DD/YYYY`, `YYYYMMDDHH24MISS`, `YYYY-MM-DDT02:00:00+02:00`, `""` or null.
 */
export const dateOnly = (
  options: TextOptions & { readonly fromDays: number; readonly spanDays: number }
): FakeColumn => {
  const salt = hashText(options.name)
  const offsetOf = (v: number) => (v >>> 4) % options.spanDays
  const isNull = (v: number) => options.nullable && (v & 15) >= 14
  // The renderings of each day, computed once per day used (at most spanDays x 7 short strings).
  const cached = (prefix: string) => {
    const cache: Array<ReadonlyArray<string> | undefined> = Array.from({ length: options.spanDays }, () => undefined)
    return (offset: number): ReadonlyArray<string> => {
      const found = cache[offset]
      if (found !== undefined) return found
      const d = civilFromDays(options.fromDays + offset)
      const iso = isoDate(d)
      const made = [
        `${prefix}"${iso}"`,
        `${prefix}"${iso}T00:00:00Z"`,
        `${prefix}"${ddMonRr(d)}"`,
        `${prefix}"${mmDdYyyy(d)}"`,
        `${prefix}"${iso.replaceAll("-", "")}000000"`,
        `${prefix}"${iso}T02:00:00+02:00"`
      ]
      cache[offset] = made
      return made
    }
  }
  const renderings = cached("")
  // variant -> rendering: 0-5 ISO date, 6 ISO midnight Z, 7-8 DD-MON-RR, 9-10 MM/DD/YYYY,
  // 11-12 YYYYMMDDHH24MISS, 13 midnight UTC written at +02:00, 14-15 ISO date (or ""/null).
  const FORMAT = [0, 0, 0, 0, 0, 0, 1, 2, 2, 3, 3, 4, 4, 5, 0, 0]
  return {
    ...metadataOf(options),
    json: (row) => {
      const v = hash2(row.h, salt)
      if (isNull(v)) return (v & 15) === 14 ? `""` : "null"
      return renderings(offsetOf(v))[FORMAT[v & 15] ?? 0] ?? "null"
    },
    clean: (row) => {
      const v = hash2(row.h, salt)
      return isNull(v) ? null : cleanInstant((options.fromDays + offsetOf(v)) * 86_400_000)
    },
    renderWith: (prefix) => {
      const prefixed = cached(prefix)
      const empty = `${prefix}""`
      const nullJson = `${prefix}null`
      return (row) => {
        const v = hash2(row.h, salt)
        if (isNull(v)) return (v & 15) === 14 ? empty : nullJson
        return prefixed(offsetOf(v))[FORMAT[v & 15] ?? 0] ?? nullJson
      }
    }
  }
}

const OFFSETS = [120, -300, 330, 60, -420, 0, 540, -180]

/**
 * An Oracle `DATE` with a time of day (to the second): ISO with `Z`, ISO with an offset,
 * `YYYYMMDDHH24MISS`, `YYYY-MM-DD HH:MM:SS` and `YYYY-MM-DDTHH:MM:SS` (no zone: UTC), `""` or null.
 */
export const dateTime = (
  options: TextOptions & { readonly fromSeconds: number; readonly spanSeconds: number }
): FakeColumn => {
  const salt = hashText(options.name)
  const secondsOf = (v: number) => options.fromSeconds + (hash2(v, 11) % options.spanSeconds)
  const isNull = (v: number) => options.nullable && (v & 15) >= 14
  return {
    ...metadataOf(options),
    json: (row) => {
      const v = hash2(row.h, salt)
      const variant = v & 15
      if (isNull(v)) return variant === 14 ? `""` : "null"
      const seconds = secondsOf(v)
      if (variant === 7 || variant === 8) {
        const offset = OFFSETS[(v >>> 4) & 7] ?? 0
        const local = wallClock(seconds, offset)
        return `"${isoDate(local.date)}T${local.time}${isoOffset(offset)}"`
      }
      const utc = wallClock(seconds)
      if (variant < 7) return `"${isoDate(utc.date)}T${utc.time}Z"`
      if (variant < 11) return `"${utc.compact}"`
      if (variant < 13) return `"${isoDate(utc.date)} ${utc.time}"`
      return `"${isoDate(utc.date)}T${utc.time}"`
    },
    clean: (row) => {
      const v = hash2(row.h, salt)
      return isNull(v) ? null : cleanInstant(secondsOf(v) * 1000)
    }
  }
}

/**
 * A `TIMESTAMP(3)`, with or without `WITH TIME ZONE`: milliseconds, in UTC with `Z`, with an offset
 * (zoned columns), or as a wall clock without a zone (`T` or space; UTC); `""` or null.
 */
export const timestamp = (
  options: TextOptions & { readonly fromSeconds: number; readonly spanSeconds: number; readonly zoned: boolean }
): FakeColumn => {
  const salt = hashText(options.name)
  const secondsOf = (v: number) => options.fromSeconds + (hash2(v, 13) % options.spanSeconds)
  const millisOf = (v: number) => hash2(v, 17) % 1000
  const isNull = (v: number) => options.nullable && (v & 15) >= 14
  return {
    ...metadataOf(options),
    json: (row) => {
      const v = hash2(row.h, salt)
      const variant = v & 15
      if (isNull(v)) return variant === 14 ? `""` : "null"
      const seconds = secondsOf(v)
      const fraction = millisFraction(millisOf(v))
      if (options.zoned && variant >= 8) {
        const offset = variant === 13 ? 0 : (OFFSETS[(v >>> 4) & 7] ?? 0)
        const local = wallClock(seconds, offset)
        return `"${isoDate(local.date)}T${local.time}${fraction}${isoOffset(offset)}"`
      }
      const utc = wallClock(seconds)
      if (options.zoned || variant === 13) return `"${isoDate(utc.date)}T${utc.time}${fraction}Z"`
      if (variant >= 10) return `"${isoDate(utc.date)} ${utc.time}${fraction}"`
      return `"${isoDate(utc.date)}T${utc.time}${fraction}"`
    },
    clean: (row) => {
      const v = hash2(row.h, salt)
      return isNull(v) ? null : cleanInstant(secondsOf(v) * 1000 + millisOf(v))
    }
  }
}

/** `RAW(n)` bytes as base64: standard with padding mostly, sometimes unpadded or URL-safe. Clean: standard, padded. */
export const rawBytes = (options: TextOptions & { readonly length: number }): FakeColumn => {
  const salt = hashText(options.name)
  const bytesOf = (v: number): Buffer => {
    const bytes = Buffer.alloc(options.length)
    for (let i = 0; i < options.length; i += 4) {
      const word = hash2(v, i)
      for (let j = 0; j < 4 && i + j < options.length; j++) bytes[i + j] = (word >>> (8 * j)) & 0xff
    }
    return bytes
  }
  const isNull = (v: number) => options.nullable && (v & 15) === 15
  return {
    ...metadataOf(options),
    json: (row) => {
      const v = hash2(row.h, salt)
      if (isNull(v)) return "null"
      const base64 = bytesOf(v).toString("base64")
      const variant = v & 15
      if (variant === 12 || variant === 13) return `"${base64.replace(/=+$/, "")}"`
      if (variant === 14) return `"${bytesOf(v).toString("base64url")}"`
      return `"${base64}"`
    },
    clean: (row) => {
      const v = hash2(row.h, salt)
      return isNull(v) ? null : bytesOf(v).toString("base64")
    }
  }
}

/**
 * A `CLOB` of several lines from a pool (clean lines joined by LF): served with CRLF, LF or lone
 * CR line endings and trailing blank lines, blank (`""` or white space only; clean: null) or null.
 */
export const clobText = (options: TextOptions & { readonly pool: ReadonlyArray<string> }): FakeColumn => {
  const salt = hashText(options.name)
  const size = options.pool.length
  const raw = (v: number): string | null => {
    const clean = options.pool[(v >>> 4) % size] ?? ""
    const variant = v & 15
    if (variant < 8) return clean.replaceAll("\n", "\r\n")
    if (variant < 12) return clean
    if (variant === 12) return clean.replaceAll("\n", "\r")
    if (variant === 13) return `${clean.replaceAll("\n", "\r\n")}\r\n\r\n  `
    if (!options.nullable) return clean
    return variant === 14 ? (BLANKS[(v >>> 12) % BLANKS.length] ?? "") : null
  }
  return {
    ...metadataOf(options),
    json: (row) => {
      const value = raw(hash2(row.h, salt))
      return value === null ? "null" : str(value)
    },
    clean: (row) => {
      const v = hash2(row.h, salt)
      const value = raw(v)
      return value === null || isBlank(value) ? null : (options.pool[(v >>> 4) % size] ?? null)
    }
  }
}

/**
 * A field the rows carry but the metadata does not declare (schema drift). Its clean form is that
 * of text: blank (`""` or white space only) -> null.
 */
export const undeclaredText = (options: {
  readonly name: string
  readonly pool: ReadonlyArray<string | null>
}): FakeColumn => {
  const salt = hashText(options.name)
  const size = options.pool.length
  const json = options.pool.map((v) => (v === null ? "null" : str(v)))
  const clean = options.pool.map((v) => (v === null || isBlank(v) ? null : v.trim()))
  return {
    name: options.name,
    dataType: "VARCHAR2(1)",
    nullable: true,
    declared: false,
    json: (row) => json[hash2(row.h, salt) % size] ?? "null",
    clean: (row) => clean[hash2(row.h, salt) % size] ?? null,
    renderWith: (prefix) => {
      const merged = json.map((j) => prefix + j)
      return (row) => merged[hash2(row.h, salt) % size] ?? `${prefix}null`
    }
  }
}

/** A column added after the rows were first generated: rows changed before `addedAt` hold null. */
export const addedLater = (column: FakeColumn, addedAt: number): FakeColumn => ({
  name: column.name,
  dataType: column.dataType,
  nullable: true,
  declared: column.declared,
  json: (row) => (row.changedAt >= addedAt ? column.json(row) : "null"),
  clean: (row) => (row.changedAt >= addedAt ? column.clean(row) : null)
})

/** How a column is retyped by a mutation: its new Oracle type and the texts changed rows carry. */
export interface Retype {
  readonly name: string
  /** The new data type, e.g. `VARCHAR2(20)`. */
  readonly dataType: string
  /** Clean texts rows changed from the retype on hold (some of them not numbers). */
  readonly pool: ReadonlyArray<string>
}

/**
 * A `NUMBER` column retyped to text at mutation `retypedAt` (the view behind the API now casts it,
 * as APISmith's metadata then shows): rows changed before hold their number, served and clean as its
 * canonical text; rows changed from then on hold a text of the pool (served with the messy
 * spellings of text), which need not be a number.
 */
export const retypedLater = (column: FakeColumn, retype: Retype, retypedAt: number): FakeColumn => {
  const salt = hashText(`${retype.name}:retyped`)
  const size = retype.pool.length
  const old = (row: RowContext): string | null => {
    const value = column.clean(row)
    return value === null ? null : String(value)
  }
  const raw = (row: RowContext): string | null => {
    const v = hash2(row.h, salt)
    return messText(retype.pool[(v >>> 4) % size] ?? "", v & 15, true)
  }
  return {
    name: column.name,
    dataType: retype.dataType,
    nullable: true,
    declared: column.declared,
    json: (row) => {
      const value = row.changedAt >= retypedAt ? raw(row) : old(row)
      return value === null ? "null" : str(value)
    },
    clean: (row) => {
      if (row.changedAt < retypedAt) return old(row)
      const v = hash2(row.h, salt)
      const value = raw(row)
      return value === null || value === "" ? null : (retype.pool[(v >>> 4) % size] ?? null)
    }
  }
}
