/**
 * Why a source document was refused: each problem with the path into the document, the line (and
 * column) of the user's text when the document came as text, and what was expected.
 */
import { Schema } from "effect"

/** One problem of a document. */
export const DocumentIssue = Schema.Struct({
  /** The path into the document, e.g. `streams[1].pagination.style`. */
  path: Schema.String,
  /** The 1-based line in the document's text, when known. */
  line: Schema.optional(Schema.Int),
  column: Schema.optional(Schema.Int),
  message: Schema.String
})

/** One problem of a document. */
export type DocumentIssue = typeof DocumentIssue.Type

/** `streams[1].pagination (line 14, column 7): expected ...`. */
export const formatIssue = (issue: DocumentIssue): string =>
  `${issue.path === "" ? "(document)" : issue.path}${issue.line === undefined ? "" : ` (line ${issue.line}${issue.column === undefined ? "" : `, column ${issue.column}`})`}: ${issue.message}`

/** A source document that cannot be used. */
export class DocumentError extends Schema.TaggedError<DocumentError>()("DocumentError", {
  issues: Schema.Array(DocumentIssue)
}) {
  override get message(): string {
    return this.issues.map(formatIssue).join("\n")
  }
}
