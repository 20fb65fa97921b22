/**
 * A small reference implementation of the clean-form rules of the README ("The clean form"), used
 * by the tests to show that the fake's messy rows and its ground truth agree under those rules.
 * It is deliberately plain and strict: any value it cannot read throws.
 */
import { Buffer } from "node:buffer"
import type { ColumnManifest, SourceRecord } from "@syncflow/adapter-core"
import { ORACLE_KEYS_FIELD, ROW_VERSION_FIELD } from "../../src/rows/ApiSmithRecord.ts"
import type { CleanRow, CleanValue } from "../../src/testing/index.ts"

/** Whether a UTF-16 code unit is a control character the clean form removes (TAB and LF stay). */
export const isRemovedControl = (code: number): boolean =>
  (code <= 0x1f && code !== 0x09 && code !== 0x0a) || (code >= 0x7f && code <= 0x9f) || code === 0xfeff

/** The text without the control characters the clean form removes. */
export const stripControls = (value: string): string => {
  let out = ""
  for (let i = 0; i < value.length; i++) if (!isRemovedControl(value.charCodeAt(i))) out += value[i]
  return out
}

/** Whether the text holds a control character the clean form removes. */
export const hasControls = (value: string): boolean => stripControls(value) !== value

/** Text: CHAR padding off, CRLF/CR -> LF, control characters out (TAB and LF stay), trimmed. */
export const cleanText = (value: string, char: boolean): string =>
  stripControls((char ? value.replace(/ +$/, "") : value).replace(/\r\n?/g, "\n")).trim()

/** Canonical decimal text of digits with the point at `point` (may be outside them). */
const canonical = (negative: boolean, digits: string, point: number): string => {
  let int = point <= 0 ? "0" : digits.slice(0, point).padEnd(point, "0")
  let frac = point >= digits.length ? "" : point < 0 ? "0".repeat(-point) + digits : digits.slice(point)
  int = int.replace(/^0+(?=\d)/, "")
  frac = frac.replace(/0+$/, "")
  const text = frac === "" ? int : `${int}.${frac}`
  return negative && text !== "0" ? `-${text}` : text
}

/** Reads a formatted number as canonical decimal text (see the README's number rules). */
export const parseNumber = (raw: unknown): string | null => {
  if (raw === null || raw === undefined || raw === "") return null
  if (typeof raw === "number") {
    if (!Number.isFinite(raw)) throw new Error(`not a finite number: ${raw}`)
    return parseNumber(String(raw))
  }
  if (typeof raw !== "string") throw new Error(`not a number: ${JSON.stringify(raw)}`)
  let s = raw.trim().replace(/[$€£]/g, "").trim()
  if (s === "") return null
  let negative = false
  if (s.startsWith("-") || s.startsWith("+")) {
    negative = s.startsWith("-")
    s = s.slice(1)
  }
  const e = s.search(/[eE]/)
  const exponent = e < 0 ? 0 : Number(s.slice(e + 1))
  let mantissa = e < 0 ? s : s.slice(0, e)
  const lastDot = mantissa.lastIndexOf(".")
  const lastComma = mantissa.lastIndexOf(",")
  let decimal: "." | "," | undefined
  if (lastDot >= 0 && lastComma >= 0) decimal = lastDot > lastComma ? "." : ","
  else if (lastDot >= 0) decimal = mantissa.indexOf(".") === lastDot ? "." : undefined
  else if (lastComma >= 0) decimal = mantissa.indexOf(",") === lastComma && !/,\d{3}$/.test(mantissa) ? "," : undefined
  const group = decimal === "," ? "." : ","
  mantissa = mantissa.split(group).join("")
  if (decimal === undefined) mantissa = mantissa.split(".").join("")
  const [int = "", frac = ""] = decimal === undefined ? [mantissa] : mantissa.split(decimal)
  if (!/^\d*$/.test(int) || !/^\d*$/.test(frac) || int + frac === "" || !Number.isInteger(exponent)) {
    throw new Error(`not a number: ${JSON.stringify(raw)}`)
  }
  return canonical(negative, int + frac, int.length + exponent)
}

const TRUE = new Set(["Y", "YES", "T", "TRUE", "1"])
const FALSE = new Set(["N", "NO", "F", "FALSE", "0"])

/** Reads a boolean spelling. */
export const parseBoolean = (raw: unknown): boolean | null => {
  if (raw === null || raw === undefined || raw === "") return null
  if (typeof raw === "boolean") return raw
  const t = String(raw).trim().toUpperCase()
  if (TRUE.has(t)) return true
  if (FALSE.has(t)) return false
  throw new Error(`not a boolean: ${JSON.stringify(raw)}`)
}

const MONTHS = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"]

/** Reads a date or date-time in one of the README's formats (no zone: UTC) as `YYYY-MM-DDTHH:MM:SS.sssZ`. */
export const parseInstant = (raw: unknown): string | null => {
  if (raw === null || raw === undefined || raw === "") return null
  if (typeof raw !== "string") throw new Error(`not a date: ${JSON.stringify(raw)}`)
  const s = raw.trim()
  let m = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})?)?$/.exec(s)
  if (m !== null) {
    const [, y, mo, d, h = "0", mi = "0", sec = "0", fraction = "", zone = "Z"] = m
    const millis = Number(fraction.padEnd(3, "0").slice(0, 3))
    const offset =
      zone === "Z" ? 0 : (zone.startsWith("-") ? -1 : 1) * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4, 6)))
    const utc = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(sec), millis)
    return new Date(utc - offset * 60_000).toISOString()
  }
  m = /^(\d{2})-([A-Za-z]{3})-(\d{2})$/.exec(s)
  if (m !== null) {
    const [, d, mon, rr] = m
    const month = MONTHS.indexOf((mon ?? "").toUpperCase())
    const year = Number(rr) < 50 ? 2000 + Number(rr) : 1900 + Number(rr)
    return new Date(Date.UTC(year, month, Number(d))).toISOString()
  }
  m = /^(\d{2})\/(\d{2})\/(\d{4})$/.exec(s)
  if (m !== null) return new Date(Date.UTC(Number(m[3]), Number(m[1]) - 1, Number(m[2]))).toISOString()
  m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/.exec(s)
  if (m !== null) {
    const [, y, mo, d, h, mi, sec] = m.map(Number)
    return new Date(Date.UTC(y ?? 0, (mo ?? 1) - 1, d, h, mi, sec)).toISOString()
  }
  throw new Error(`not a date: ${JSON.stringify(raw)}`)
}

/** One value of a declared column in its clean form. */
export const normalizeValue = (raw: unknown, column: ColumnManifest): CleanValue => {
  if (raw === null || raw === undefined || raw === "") return null
  const source = (column.sourceType ?? "").toUpperCase()
  switch (column.type) {
    case "string": {
      if (typeof raw !== "string") throw new Error(`${column.name}: not text: ${JSON.stringify(raw)}`)
      const text = cleanText(raw, /^N?CHAR\b/.test(source))
      // Oracle has no empty string: text empty after cleanup is null (a NOT NULL column keeps "")
      return text === "" && column.nullable ? null : text
    }
    case "integer": {
      const text = parseNumber(raw)
      if (text === null) return null
      const n = Number(text)
      return Number.isSafeInteger(n) && String(n) === text ? n : text
    }
    case "decimal":
      return parseNumber(raw)
    case "boolean":
      return parseBoolean(raw)
    case "date":
    case "timestamp":
      return parseInstant(raw)
    case "binary":
      if (typeof raw !== "string") throw new Error(`${column.name}: not base64: ${JSON.stringify(raw)}`)
      return Buffer.from(raw.trim(), "base64").toString("base64")
    case "json":
      return typeof raw === "string" ? (JSON.parse(raw) as CleanValue) : (raw as CleanValue)
  }
}

/** A source record of the adapter in the ground truth's shape. */
export const normalizeRecord = (record: SourceRecord, columns: ReadonlyArray<ColumnManifest>): CleanRow => {
  const values: Record<string, CleanValue> = {}
  const declared = new Set<string>()
  for (const column of columns) {
    declared.add(column.name)
    values[column.name] = normalizeValue(record[column.name], column)
  }
  const undeclared: Record<string, CleanValue> = {}
  for (const [name, raw] of Object.entries(record)) {
    if (declared.has(name) || name === ROW_VERSION_FIELD || name === ORACLE_KEYS_FIELD) continue
    const text = raw === null ? "" : cleanText(String(raw), false)
    undeclared[name] = text === "" ? null : text
  }
  return {
    oracleKeys: record[ORACLE_KEYS_FIELD] as CleanRow["oracleKeys"],
    rowVersion: record[ROW_VERSION_FIELD] as string,
    values,
    undeclared
  }
}
