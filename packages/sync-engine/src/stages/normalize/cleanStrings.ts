/**
 * Layer 2 of Normalize: clean text values (every text value except in `json` and `binary` columns).
 *
 * Rules, in this order:
 * 1. line endings (`lineEndings: "lf"`, default): CRLF and lone CR become LF;
 * 2. control characters (`controlCharacters: "strip"`, default): remove U+0000-U+001F except TAB (U+0009),
 *    LF (U+000A) and — when line endings are kept — CR (U+000D); remove DEL (U+007F), the C1 controls
 *    U+0080-U+009F and the byte-order mark U+FEFF. TAB and LF are kept because they are meaningful
 *    inside text (descriptions, notes); other format characters (e.g. U+200D in emoji) are kept;
 * 3. trim (`trim`, default true, overridable per field): remove leading and trailing white space
 *    (JavaScript `String.prototype.trim`: spaces, TAB, LF, CR, NBSP, other Unicode spaces).
 *
 * Blank text: a text value (a `string` column, or a field the manifest does not declare) that is
 * `""` after these rules is null where the source says `""` means null (`emptyStringIsNull`,
 * default true: Oracle has no empty string), so `"   "`, `"\t"` and `" \r\n "` are null like `""`.
 * Two exceptions keep `""`: sources where `""` is a value (`emptyStringIsNull: false`, e.g. Planning
 * Center), and columns the manifest declares NOT NULL (the source holds a non-null blank there; null
 * would make Validate reject the record). Other column types (numbers, dates) read blank text as
 * null in their own layers.
 */
import type { Row } from "../Row.ts"
import type { FieldType } from "./FieldType.ts"
import type { CleanStringsOptions, CoerceOptions } from "./NormalizeOptions.ts"
import { applyLayer, type LayerResult, type Step } from "./Step.ts"

const isControl = (c: number): boolean => c < 0x20 || (c >= 0x7f && c <= 0x9f) || c === 0xfeff

/** Rules 1 and 2 on a text that has at least one control character. */
const cleanControls = (s: string, lf: boolean, strip: boolean): string => {
  let out = ""
  let from = 0
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i)
    if (!isControl(c) || c === 0x09 || c === 0x0a) continue
    if (c === 0x0d) {
      if (!lf) continue
      // CRLF -> LF (drop the CR), lone CR -> LF
      out += s.charCodeAt(i + 1) === 0x0a ? s.slice(from, i) : `${s.slice(from, i)}\n`
      from = i + 1
      continue
    }
    if (!strip) continue
    out += s.slice(from, i)
    from = i + 1
  }
  return from === 0 ? s : out + s.slice(from)
}

/** Cleans one text (see the module rules). */
export const cleanString = (s: string, options: CleanStringsOptions = {}): string => {
  let out = s
  for (let i = 0; i < s.length; i++) {
    if (isControl(s.charCodeAt(i))) {
      out = cleanControls(s, (options.lineEndings ?? "lf") === "lf", (options.controlCharacters ?? "strip") === "strip")
      break
    }
  }
  return (options.trim ?? true) ? out.trim() : out
}

/**
 * Whether a blank text of the field (`""` after cleaning) is null: text fields that may be null, of a
 * source where `""` means null (see the module doc).
 */
export const blankIsNull = (field: FieldType, coerce: CoerceOptions = {}): boolean =>
  (coerce.emptyStringIsNull ?? true) && field.type === "string" && field.nullable

/**
 * Compiles layer 2 for one field; `undefined` for columns whose text is not cleaned (json, binary).
 * `coerce` is layer 1's settings: its `emptyStringIsNull` decides whether blank text is null.
 */
export const cleanStringsStep = (
  field: FieldType,
  options: CleanStringsOptions = {},
  coerce: CoerceOptions = {}
): Step | undefined => {
  if (field.type === "json" || field.type === "binary") return undefined
  const trim = options.trim ?? true
  const touch = (options.lineEndings ?? "lf") === "lf" || (options.controlCharacters ?? "strip") === "strip"
  if (!trim && !touch) return undefined
  if (blankIsNull(field, coerce)) {
    return (v) => {
      if (typeof v !== "string") return v
      const s = cleanString(v, options)
      return s.length === 0 ? null : s
    }
  }
  return (v) => (typeof v === "string" ? cleanString(v, options) : v)
}

/** Layer 2 on a record (`coerce`: layer 1's settings, for blank text). */
export const cleanStrings = (
  fields: ReadonlyArray<FieldType>,
  options: CleanStringsOptions = {},
  coerce: CoerceOptions = {}
): ((record: Row) => LayerResult) =>
  applyLayer("cleanStrings", fields, (field) => cleanStringsStep(field, options, coerce))
