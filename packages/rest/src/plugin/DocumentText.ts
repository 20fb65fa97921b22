/**
 * A `rest` connector's settings given as the document's text: `{"document": "<YAML or JSON>"}`,
 * what an API user sends when they have the same file the CLI reads. The text is parsed and checked
 * like `syncflow sources check` does it, so a problem names its path into the document and its line
 * (`document: streams[0].pagination (line 9, column 17): expected ...`); the connector stores the
 * decoded document.
 */
import { Effect, Predicate, Result, Schema, SchemaGetter, SchemaIssue } from "effect"
import { formatIssue } from "../document/DocumentError.ts"
import { readDocument } from "../document/readDocument.ts"
import { SourceDocument } from "../document/SourceDocument.ts"

const encodeDocument = Schema.encodeSync(SourceDocument)

/** A document's text (YAML or JSON), decoded into the document; problems name their lines. */
export const DocumentTextField = Schema.String.annotate({
  description: "The source document's text, YAML or JSON (what `syncflow sources check` reads)"
}).pipe(
  Schema.decodeTo(Schema.toEncoded(SourceDocument), {
    decode: SchemaGetter.transformEffect((text: string, options) => {
      const read = readDocument(text)
      return Result.isSuccess(read)
        ? Effect.succeed(encodeDocument(read.success))
        : Effect.fail(
            new SchemaIssue.InvalidValue({ message: read.failure.issues.map(formatIssue).join("; ") }, text, options)
          )
    }),
    encode: SchemaGetter.transform((document) => JSON.stringify(document))
  }),
  Schema.decodeTo(SourceDocument)
)

/** The settings of a `rest` connector as the document's text. */
export const DocumentText = Schema.Struct({ document: DocumentTextField })

/** The text form's shape, for the published JSON Schema (`document`: a string). */
export const DocumentTextInput = Schema.Struct({
  document: Schema.String.annotate({
    description: "The source document's text, YAML or JSON (what `syncflow sources check` reads)"
  })
})

/** Whether settings are given as the document's text (they have a `document` field). */
export const isDocumentText = (input: unknown): boolean => Predicate.hasProperty(input, "document")
