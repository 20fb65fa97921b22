/**
 * @syncflow/rest: declarative REST sources. A source document (YAML or JSON) says what to read —
 * streams, pagination, incremental listing, substreams, auth, column types, record shaping — and is
 * compiled once into adapter-core's endpoint definitions and pagination, so it runs through the same
 * HTTP stack as hand-written adapters. Fakes of common API styles are in `@syncflow/rest/testing`.
 */

/** Reading and checking a source without a server (`syncflow sources check`). */
export { type CheckedStream, checkSource, type SourceCheck } from "./check/checkSource.ts"
/** Inferring column types from sampled records. */
export { sampleColumns } from "./check/sampleColumns.ts"
/** A stream's columns: declared, and inferred from a sample for the other fields. */
export { type ColumnsOrigin, type StreamColumns, streamColumns } from "./check/streamColumns.ts"
/** The compiled form of a document. */
export { type CompiledSource, type CompiledStream, compileSource } from "./compile/compileSource.ts"
export { AuthSpec } from "./document/AuthSpec.ts"
export { DocumentError, DocumentIssue, formatIssue } from "./document/DocumentError.ts"
export { PaginationSpec } from "./document/PaginationSpec.ts"
/** Reading a document from text (with lines) or a JSON value. */
export { decodeDocument, parseText, readDocument } from "./document/readDocument.ts"
/** The document's schema. */
export { SourceDocument } from "./document/SourceDocument.ts"
export { StreamSpec } from "./document/StreamSpec.ts"
/** A `rest` connector's settings as the document's text (`{"document": "<YAML or JSON>"}`). */
export { DocumentText } from "./plugin/DocumentText.ts"
export { RestCredentialsInput } from "./plugin/RestCredentialsInput.ts"
/** The connector plugin (adapter name `rest`). */
export { restPlugin } from "./plugin/restPlugin.ts"
/** The running adapter of a compiled source. */
export * as RestAdapter from "./RestAdapter.ts"
