/**
 * The rules of a source document that its shape alone does not say: unique stream names, parents
 * declared before their children, path placeholders that the parent fills, primary keys among
 * declared columns, a request body only on `POST` streams, an authorize URL for the
 * authorization-code grant. Each broken rule is an issue
 * at its path into the document.
 */
import type { AuthSpec } from "./AuthSpec.ts"
import type { StreamSpec } from "./StreamSpec.ts"

/** A broken rule: where, and what was expected. */
export interface RuleIssue {
  readonly path: ReadonlyArray<PropertyKey>
  readonly issue: string
}

/** The `{name}` placeholders of a path, in order. */
export const placeholdersOf = (path: string): ReadonlyArray<string> =>
  Array.from(path.matchAll(/\{([^{}]*)\}/g), (match) => match[1] ?? "")

/** The primary key of a stream as a list of fields. */
export const primaryKeyOf = (stream: StreamSpec): ReadonlyArray<string> =>
  typeof stream.primaryKey === "string" ? [stream.primaryKey] : stream.primaryKey

/** The issues of a document's streams and auth (none: the document is usable). */
export const validateDocument = (document: {
  readonly auth?: AuthSpec | undefined
  readonly streams: ReadonlyArray<StreamSpec>
}): Array<RuleIssue> => {
  const issues: Array<RuleIssue> = []
  const seen = new Set<string>()
  document.streams.forEach((stream, i) => {
    const at = (...path: Array<PropertyKey>) => ["streams", i, ...path]
    if (seen.has(stream.name))
      issues.push({ path: at("name"), issue: `expected a unique name; ${stream.name} is used twice` })
    const placeholders = placeholdersOf(stream.path)
    const params = stream.parent?.params ?? {}
    for (const name of placeholders) {
      if (!(name in params)) {
        issues.push({
          path: at("path"),
          issue:
            stream.parent === undefined
              ? `the placeholder {${name}} needs a parent stream to fill it (parent: {stream, params: {${name}: <field>}})`
              : `the placeholder {${name}} is not one of parent.params (${Object.keys(params).join(", ") || "none"})`
        })
      }
    }
    for (const name of Object.keys(params)) {
      if (!placeholders.includes(name)) {
        issues.push({
          path: at("parent", "params", name),
          issue: `expected a placeholder {${name}} in the path ${stream.path}`
        })
      }
    }
    if (stream.parent !== undefined && !seen.has(stream.parent.stream)) {
      issues.push({
        path: at("parent", "stream"),
        issue: `expected the name of a stream declared before this one (${[...seen].join(", ") || "none"})`
      })
    }
    if (stream.method !== "POST") {
      if (stream.body !== undefined)
        issues.push({ path: at("body"), issue: "expected method: POST for a stream with a request body" })
      if (stream.paramsIn === "body")
        issues.push({ path: at("paramsIn"), issue: "expected method: POST to send the parameters in the body" })
    }
    if (stream.columns !== undefined) {
      for (const key of primaryKeyOf(stream)) {
        if (!(key in stream.columns))
          issues.push({ path: at("columns"), issue: `expected the primary key field ${key} among the columns` })
      }
    }
    seen.add(stream.name)
  })
  const auth = document.auth
  if (auth?.type === "oauth2" && auth.grant === "authorization_code" && auth.authorizeUrl === undefined) {
    issues.push({ path: ["auth", "authorizeUrl"], issue: "expected the authorize URL of the authorization-code grant" })
  }
  return issues
}
