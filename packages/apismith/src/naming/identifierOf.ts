/**
 * The PostgreSQL identifier a name from APISmith's metadata (an API slug or a column alias) is
 * stored under. A name that already is a lowercase identifier is kept as it is; any other is
 * normalized deterministically (`Order-Lines` -> `order_lines`, `PART_NO` -> `part_no`,
 * `Line No` -> `line_no`). A name that no Oracle alias could be, or that carries SQL or control
 * characters, is refused: the destination's own strict identifier check stays the last line of
 * defence, this is the first.
 */
import { Result } from "effect"

/** The longest identifier PostgreSQL keeps whole, in bytes (`NAMEDATALEN - 1`). */
export const MAX_IDENTIFIER_LENGTH = 63

/** The longest name Oracle allows (12.2 and later), in characters: anything longer is not a real alias. */
export const MAX_SOURCE_NAME_LENGTH = 128

/** What a name is: a slug names an entity (a table), a column a column. */
export type NameKind = "slug" | "column"

/** Already an identifier: kept unchanged, so existing tables and columns keep their names. */
const IDENTIFIER = /^[a-z_][a-z0-9_]*$/

/**
 * What a name may not contain, whatever it is normalized to: quotes, `;`, `\\`, SQL comment
 * markers, control characters. A name with them is hostile (or broken), not a quoted alias.
 */
const HOSTILE = /["'`;\\]|--|\/\*|\*\//

/** The first control character (U+0000-U+001F, U+007F) of a text, or `undefined`. */
const controlCharacterOf = (text: string): string | undefined =>
  [...text].find((c) => {
    const code = c.codePointAt(0) ?? 0
    return code < 0x20 || code === 0x7f
  })

/** Combining marks, dropped after NFKD so that `Größe`'s `ö` is `o` (`ß` stays, and is refused). */
const COMBINING = /[\u0300-\u036f]/g

/** PostgreSQL's system columns: a user column of that name fails `CREATE TABLE`. */
const SYSTEM_COLUMNS: ReadonlySet<string> = new Set(["tableoid", "xmin", "cmin", "xmax", "cmax", "ctid", "oid"])

/** FNV-1a (32 bits) of a text, as 8 hex digits: a short, stable tag of an over-long name. */
const tagOf = (text: string): string => {
  let h = 0x811c9dc5
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i)
    h = Math.imul(h, 0x01000193)
  }
  return (h >>> 0).toString(16).padStart(8, "0")
}

/** `name` in ASCII (accents dropped), or why it cannot be normalized. */
const asciiOf = (name: string): Result.Result<string, string> => {
  if (name.trim() === "") return Result.fail("it is empty")
  if (name.length > MAX_SOURCE_NAME_LENGTH) return Result.fail(`it is longer than ${MAX_SOURCE_NAME_LENGTH} characters`)
  const hostile = HOSTILE.exec(name) ?? controlCharacterOf(name)
  if (hostile != null) {
    return Result.fail(
      `it contains ${JSON.stringify(typeof hostile === "string" ? hostile : hostile[0])}: quotes, ;, \\, comments and control characters are refused`
    )
  }
  const ascii = name.normalize("NFKD").replace(COMBINING, "")
  const other = /[^\u0020-\u007e]/.exec(ascii)
  if (other !== null) return Result.fail(`it contains ${JSON.stringify(other[0])}, which has no ASCII spelling`)
  if (!/[A-Za-z0-9]/.test(ascii)) return Result.fail("it has no letter or digit to name it by")
  return Result.succeed(ascii)
}

/**
 * The identifier `name` is stored under, or why it cannot be:
 * - a lowercase identifier (`^[a-z_][a-z0-9_]*$`, at most 63 bytes) stays as it is;
 * - a name with quotes, `;`, `\\`, `--`, `/*`, control characters or letters without an ASCII
 *   spelling, longer than 128 characters or without a letter or digit is refused;
 * - otherwise: accents dropped, lowercased, every run of other characters (underscores included) becomes one `_`,
 *   leading and trailing `_` are dropped, a leading digit gets a `_` before it, a name longer than
 *   63 bytes is cut to 54 and ends with `_` and 8 hex digits of the original's hash (so two long
 *   names that share a start stay apart);
 * - a column that would be a PostgreSQL system column (`ctid`, `xmin`...) gets a trailing `_`.
 * Distinct names can give one identifier (`PART_NO`, `part-no`): callers check for collisions.
 */
export const identifierOf = (kind: NameKind, name: string): Result.Result<string, string> => {
  const kept = IDENTIFIER.test(name) && name.length <= MAX_IDENTIFIER_LENGTH
  let out = name
  if (!kept) {
    const ascii = asciiOf(name)
    if (Result.isFailure(ascii)) return ascii
    out = ascii.success
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "_")
      .replace(/^_+|_+$/g, "")
    if (/^[0-9]/.test(out)) out = `_${out}`
    if (out.length > MAX_IDENTIFIER_LENGTH) {
      out = `${out.slice(0, MAX_IDENTIFIER_LENGTH - 9).replace(/_+$/, "")}_${tagOf(name)}`
    }
  }
  if (kind === "column" && SYSTEM_COLUMNS.has(out)) out = `${out}_`
  return Result.succeed(out)
}
