/**
 * Reads a source document from its text (YAML, or JSON, which is YAML too) and decodes it, so every
 * problem names its path into the document and its line and column in the text. Documents given as
 * JSON values (the API's settings) are decoded by {@link decodeDocument}, with paths only.
 */
import { formatPath } from "@syncflow/adapter-core"
import { Result, Schema, SchemaIssue } from "effect"
import { isMap, isSeq, LineCounter, type Node, parseDocument } from "yaml"
import { DocumentError, type DocumentIssue } from "./DocumentError.ts"
import { SourceDocument } from "./SourceDocument.ts"

const decode = Schema.decodeUnknownResult(SourceDocument, { errors: "all", onExcessProperty: "error" })
const formatter = SchemaIssue.makeFormatterStandardSchemaV1()

/** The line and column of the node at a path into the document's text (the nearest existing parent's). */
export type Locate = (
  path: ReadonlyArray<PropertyKey>
) => { readonly line: number; readonly column: number } | undefined

const issuesOf = (error: Schema.SchemaError, locate: Locate): Array<DocumentIssue> =>
  formatter(error.issue).issues.map((issue) => {
    const path = (issue.path ?? []).map((p) => (typeof p === "object" ? p.key : p))
    const position = locate(path)
    return { path: formatPath(path), message: issue.message, ...position }
  })

/** Decodes a document given as a JSON value; problems name their paths. */
export const decodeDocument = (input: unknown): Result.Result<SourceDocument, DocumentError> =>
  Result.mapError(decode(input), (error) => new DocumentError({ issues: issuesOf(error, () => undefined) }))

/** Parses and decodes a document's text (YAML or JSON); problems name their paths and lines. */
export const readDocument = (text: string): Result.Result<SourceDocument, DocumentError> =>
  Result.map(readDocumentAt(text), ({ document }) => document)

/**
 * Parses a document's text (YAML or JSON) into its JSON value, without checking its shape: any
 * connector's settings file. Syntax errors name their line and column.
 */
export const parseText = (text: string): Result.Result<unknown, DocumentError> =>
  Result.map(parseYaml(text), ({ document }) => document.toJS())

const parseYaml = (text: string) => {
  const lineCounter = new LineCounter()
  const document = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true })
  if (document.errors.length === 0) return Result.succeed({ document, lineCounter })
  return Result.fail(
    new DocumentError({
      issues: document.errors.map((error) => {
        const position = lineCounter.linePos(error.pos[0])
        return { path: "", line: position.line, column: position.col, message: error.message.split("\n")[0] ?? "" }
      })
    })
  )
}

/** {@link readDocument}, with where each path of the document is in the text. */
export const readDocumentAt = (
  text: string
): Result.Result<{ readonly document: SourceDocument; readonly locate: Locate }, DocumentError> => {
  const parsed = parseYaml(text)
  if (Result.isFailure(parsed)) return Result.fail(parsed.failure)
  const { document, lineCounter } = parsed.success
  /** The position of the deepest node along `path` (the parent, for a missing key). */
  const locate: Locate = (path) => {
    let node: unknown = document.contents
    let found: Node | undefined = isMap(node) || isSeq(node) ? node : undefined
    for (const key of path) {
      if (isMap(node)) {
        const pair = node.items.find((item) => {
          const k: unknown = item.key
          return (typeof k === "object" && k !== null && "value" in k ? k.value : k) === key
        })
        if (pair === undefined) break
        node = pair.value
        found = isNodeLike(pair.value) ? pair.value : isNodeLike(pair.key) ? pair.key : found
      } else if (isSeq(node) && typeof key === "number") {
        node = node.items[key]
        if (isNodeLike(node)) found = node
        else break
      } else break
    }
    const offset = found?.range?.[0]
    if (offset === undefined) return undefined
    const position = lineCounter.linePos(offset)
    return { line: position.line, column: position.col }
  }
  return Result.mapBoth(decode(document.toJS()), {
    onFailure: (error) => new DocumentError({ issues: issuesOf(error, locate) }),
    onSuccess: (decoded) => ({ document: decoded, locate })
  })
}

const isNodeLike = (value: unknown): value is Node => typeof value === "object" && value !== null && "range" in value
