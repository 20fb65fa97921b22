/**
 * The canonical text of a record, which the identity hashes digest. Stable across releases: a change
 * here changes every stored hash (the pinned-hash test fails loudly).
 *
 * Canonical form of a record over a list of field names:
 * - the fields are sorted by name (JavaScript string order: UTF-16 code units, which is byte order for
 *   ASCII names); the caller's list order does not matter;
 * - each field whose value is not null or missing contributes `name=value`; pairs are joined with `|`;
 *   null and missing fields contribute nothing (so adding a column that is null everywhere changes no
 *   hash), and a record of only nulls is the empty text;
 * - `name` and text values are escaped: `\` -> `\\`, `|` -> `\|`, `=` -> `\=`; this makes the form
 *   injective: `{a: "x|b=y"}` is `a=x\|b\=y`, `{a: "x", b: "y"}` is `a=x|b=y`;
 * - values by JavaScript type: text as is (escaped), so `""` is `a=` — empty is not null;
 *   numbers as canonical decimal text (`10.5`, `1500`, `1000000000000000000000`, never an exponent or
 *   `-0`); bigints as digits; booleans `true`/`false`; a `Date` as `YYYY-MM-DDTHH:MM:SS.sssZ`; bytes as
 *   standard base64; arrays and objects (JSON columns) as canonical JSON (keys sorted at every level, no
 *   white space), escaped. Decimals, dates and timestamps are already text in their clean form.
 *   Values are encoded by their canonical text, not their JavaScript type: within one column the type
 *   is fixed by the manifest, and a number column re-declared as text with the same digits keeps its
 *   hashes (`12` and `"12"` encode alike).
 * - the text is hashed as UTF-8 (a lone surrogate becomes U+FFFD).
 * Example: `{uom: "EA", price: "10.50", desc: "Widget", note: null}` -> `desc=Widget|price=10.50|uom=EA`.
 */
import { Buffer } from "node:buffer"
import { isInheritedName, readOwn } from "../Fields.ts"
import { formatTimestamp } from "../normalize/CivilTime.ts"
import { formatNumber } from "../normalize/Decimal.ts"
import type { Row } from "../Row.ts"

const SPECIAL = /[\\|=]/
const SPECIALS = /[\\|=]/g

const hasSpecial = (s: string): boolean => SPECIAL.test(s)

/** Escapes `\`, `|` and `=` with a backslash. */
export const escapeCanonical = (s: string): string => (hasSpecial(s) ? s.replace(SPECIALS, "\\$&") : s)

const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0)

/** Canonical JSON: keys sorted at every level, no white space; `undefined` object members are dropped. */
export const canonicalJson = (v: unknown): string => {
  if (v === null || typeof v !== "object") {
    if (typeof v === "bigint") return v.toString()
    return JSON.stringify(v) ?? "null"
  }
  if (v instanceof Date) return JSON.stringify(v.toJSON())
  if (Array.isArray(v)) return `[${v.map((x) => (x === undefined ? "null" : canonicalJson(x))).join(",")}]`
  const entries = Object.entries(v)
    .filter(([, x]) => x !== undefined)
    .sort(([a], [b]) => compare(a, b))
  return `{${entries.map(([k, x]) => `${JSON.stringify(k)}:${canonicalJson(x)}`).join(",")}}`
}

/** The canonical text of one non-null value (see the module rules). */
export const canonicalValue = (v: unknown): string => {
  switch (typeof v) {
    case "string":
      return escapeCanonical(v)
    case "number":
      return Number.isSafeInteger(v) ? (v === 0 ? "0" : String(v)) : Number.isFinite(v) ? formatNumber(v) : String(v)
    case "boolean":
      return v ? "true" : "false"
    case "bigint":
      return v.toString()
    default:
      if (v instanceof Date) return formatTimestamp(v.getTime(), 0) ?? String(v.getTime())
      if (v instanceof Uint8Array) return Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString("base64")
      return escapeCanonical(canonicalJson(v))
  }
}

/** Sorts and escapes field names once, for {@link canonicalRecord}. */
export interface CanonicalFields {
  /** The names, sorted. */
  readonly names: ReadonlyArray<string>
  /** `escape(name) + "="` per sorted name. */
  readonly prefixes: ReadonlyArray<string>
  /** Whether any name is also a property of every object (then fields are read as own properties). */
  readonly inherited: boolean
}

/** Prepares a field list for {@link canonicalRecord}. */
export const canonicalFields = (names: Iterable<string>): CanonicalFields => {
  const sorted = Array.from(new Set(names)).sort(compare)
  return {
    names: sorted,
    prefixes: sorted.map((n) => `${escapeCanonical(n)}=`),
    inherited: sorted.some(isInheritedName)
  }
}

/** The canonical text of a record over prepared fields (see the module rules). */
export const canonicalRecord = (fields: CanonicalFields, row: Row): string => {
  let out = ""
  const { names, prefixes, inherited } = fields
  for (let i = 0; i < names.length; i++) {
    const v = inherited ? readOwn(row, names[i] as string) : row[names[i] as string]
    if (v == null) continue
    const text = typeof v === "string" ? (hasSpecial(v) ? v.replace(SPECIALS, "\\$&") : v) : canonicalValue(v)
    out = out === "" ? (prefixes[i] as string) + text : `${out}|${prefixes[i] as string}${text}`
  }
  return out
}

/** The canonical text of a record over all its own fields. */
export const canonicalRow = (row: Row): string => canonicalRecord(canonicalFields(Object.keys(row)), row)
