/**
 * Renders a Schema failure as one field path and message, the way APISmith's errors name fields:
 * `columns[2].data_type`.
 */
import { formatPath } from "@syncflow/adapter-core"
import { SchemaIssue } from "effect"

const formatter = SchemaIssue.makeFormatterStandardSchemaV1()

const MISSING = Symbol("missing")

/** The value at `path` inside `input`, or `MISSING`. */
const valueAt = (input: unknown, path: ReadonlyArray<PropertyKey>): unknown => {
  let value = input
  for (const key of path) {
    if (typeof value !== "object" || value === null || !Object.hasOwn(value, key)) return MISSING
    value = Reflect.get(value, key)
  }
  return value
}

const show = (value: unknown): string => {
  const text = JSON.stringify(value) ?? String(value)
  return text.length > 60 ? `${text.slice(0, 60)}…` : text
}

/**
 * The first problem of a Schema failure (its path and message) and how many problems there are in
 * all. With the decoded `input`, a message that does not show the offending value gets `, got <value>`.
 */
export const formatIssue = (
  issue: SchemaIssue.Issue,
  input: unknown = MISSING
): { readonly path: string; readonly message: string; readonly count: number } => {
  const issues = formatter(issue).issues
  const first = issues[0]
  if (first === undefined) return { path: "", message: "does not match the schema", count: 1 }
  const keys = (first.path ?? []).map((p) => (typeof p === "object" && p !== null ? p.key : p))
  const actual = input === MISSING ? MISSING : valueAt(input, keys)
  const message =
    actual === MISSING || first.message.includes("got ") || first.message.includes(show(actual))
      ? first.message
      : `${first.message}, got ${show(actual)}`
  return { path: formatPath(keys), message, count: issues.length }
}
