/**
 * PostgreSQL identifiers that come from a source's metadata (schema, table and column names).
 *
 * Such names are untrusted: they are validated against a strict rule AND always quoted when they
 * are put into SQL. The rule: lowercase ASCII letters, digits and `_`, not starting with a digit,
 * at most 63 bytes (PostgreSQL's `NAMEDATALEN - 1`, beyond which it silently truncates), and not
 * a system column name (`xmin`, `ctid`, ...). Reserved words (`select`, `order`, `user`) are
 * allowed: they are harmless once quoted. `normalize` turns a source name such as `"Item Number"`
 * or `PART_NO` into one that passes, for the map stage to use.
 */
import { Effect, Result, Schema } from "effect"

/** The longest identifier PostgreSQL keeps whole, in bytes. */
export const maxIdentifierLength = 63

/** What an identifier names, for error messages. */
export const IdentifierKind = Schema.Literals(["schema", "table", "column"])
/** What an identifier names, for error messages. */
export type IdentifierKind = typeof IdentifierKind.Type

/** A name from a source's metadata does not pass the identifier rule. */
export class InvalidIdentifier extends Schema.TaggedError<InvalidIdentifier>()("InvalidIdentifier", {
  kind: IdentifierKind,
  /** The offending name (it is never put into SQL). */
  name: Schema.String,
  reason: Schema.String
}) {
  override get message(): string {
    return `Invalid ${this.kind} name ${JSON.stringify(this.name)}: ${this.reason}`
  }
}

const strictPattern = /^[a-z_][a-z0-9_]*$/

/** PostgreSQL's system columns: a user column of that name fails `CREATE TABLE`. */
const systemColumns: ReadonlySet<string> = new Set(["tableoid", "xmin", "cmin", "xmax", "cmax", "ctid", "oid"])

/** The reason `name` breaks the rule, or `undefined` when it passes. */
const violation = (kind: IdentifierKind, name: string): string | undefined => {
  if (name.length === 0) return "it is empty"
  if (name.length > maxIdentifierLength) return `it is longer than ${maxIdentifierLength} characters`
  if (!strictPattern.test(name)) {
    return "only lowercase ASCII letters, digits and underscores are allowed, and it must not start with a digit"
  }
  if (kind === "column" && systemColumns.has(name)) return "it is a PostgreSQL system column name"
  if (kind !== "column" && name.startsWith("pg_")) return "the pg_ prefix is reserved by PostgreSQL"
  return undefined
}

/** Checks `name` against the identifier rule, returning it unchanged when it passes. */
export const validateResult = (kind: IdentifierKind, name: string): Result.Result<string, InvalidIdentifier> => {
  const reason = violation(kind, name)
  return reason === undefined ? Result.succeed(name) : Result.fail(new InvalidIdentifier({ kind, name, reason }))
}

/** Checks `name` against the identifier rule, failing with {@link InvalidIdentifier}. */
export const validate = (kind: IdentifierKind, name: string): Effect.Effect<string, InvalidIdentifier> =>
  Effect.fromResult(validateResult(kind, name))

/**
 * Quotes an identifier for PostgreSQL: wraps it in double quotes and doubles any double quote in it.
 * Always applied, even to validated names, as a second line of defence.
 */
export const quote = (name: string): string => `"${name.replaceAll('"', '""')}"`

/** A schema-qualified, quoted table name. */
export const qualified = (schema: string, table: string): string => `${quote(schema)}.${quote(table)}`

/**
 * Turns a source name into one that passes the rule: accents stripped, lowercase, every run of
 * other characters replaced by `_`, leading/trailing `_` trimmed, `_` prefixed when it starts with
 * a digit, cut at 63 characters. Fails when nothing usable is left (e.g. `"!!!"` or `"日本"`).
 * Distinct names can normalise to the same one (`"A-B"`, `"a b"`): the caller must check for that.
 */
export const normalize = (kind: IdentifierKind, name: string): Result.Result<string, InvalidIdentifier> => {
  const ascii = name.normalize("NFKD").replace(/[\u0300-\u036f]/g, "")
  let out = ascii
    .toLowerCase()
    .replace(/[^a-z0-9_]+/g, "_")
    .replace(/^_+|_+$/g, "")
  if (out.length === 0) {
    return Result.fail(new InvalidIdentifier({ kind, name, reason: "no letters or digits are left to name it by" }))
  }
  if (/^[0-9]/.test(out)) out = `_${out}`
  out = out.slice(0, maxIdentifierLength)
  if (kind === "column" && systemColumns.has(out)) out = `${out}_`
  if (kind !== "column" && out.startsWith("pg_")) out = `_${out}`.slice(0, maxIdentifierLength)
  return validateResult(kind, out)
}
