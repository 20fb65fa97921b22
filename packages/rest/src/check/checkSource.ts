/**
 * `syncflow sources check`: a document's text read and checked (problems with their paths and
 * lines), then a sample page of each stream read through the same adapter a connector would run,
 * showing its first records and its columns — declared, and inferred from the page for the other
 * fields, as the connector's manifests give them to the sync. A record selector that matches
 * nothing in a real answer is a problem of the document, at the selector's line.
 */
import type {
  AdapterError,
  AdapterHttp,
  ColumnManifest,
  Credentials,
  SourceRecord,
  TokenManager
} from "@syncflow/adapter-core"
import { Effect, Result } from "effect"
import { compileSource } from "../compile/compileSource.ts"
import { DocumentError, type DocumentIssue } from "../document/DocumentError.ts"
import { parseFieldPath, showPath } from "../document/FieldPath.ts"
import { readDocumentAt } from "../document/readDocument.ts"
import * as RestAdapter from "../RestAdapter.ts"
import { type ColumnsOrigin, streamColumns } from "./streamColumns.ts"

/** What one stream's first page showed. */
export interface CheckedStream {
  readonly name: string
  /** The first records of its sample page (at most `sample`). */
  readonly records: ReadonlyArray<SourceRecord>
  /** How many records the sample page had. */
  readonly pageSize: number
  readonly columns: ReadonlyArray<ColumnManifest>
  /** Where the columns came from: the document, the records, both, or neither (no records yet). */
  readonly origin: ColumnsOrigin
  /** Why its page could not be read. */
  readonly error?: AdapterError | undefined
}

/** The result of a check. */
export interface SourceCheck {
  readonly streams: ReadonlyArray<CheckedStream>
}

/** Checks a document's text and reads one page of each stream (with `credentials`, if its auth needs some). */
export const checkSource = Effect.fnUntraced(function* (
  text: string,
  options: { readonly credentials?: Credentials | undefined; readonly sample?: number | undefined } = {}
): Effect.fn.Return<SourceCheck, DocumentError, TokenManager | AdapterHttp.AdapterHttpServices> {
  const read = readDocumentAt(text)
  if (Result.isFailure(read)) return yield* read.failure
  const { document, locate } = read.success
  const source = yield* RestAdapter.make(compileSource(document), {
    connectionId: "sources-check",
    credentials: options.credentials
  })
  const issues: Array<DocumentIssue> = []
  const streams: Array<CheckedStream> = []
  for (const [i, stream] of source.compiled.streams.entries()) {
    const page = yield* Effect.result(source.sample(stream.spec.name))
    if (Result.isFailure(page)) {
      const error = page.failure
      const selector = parseFieldPath(stream.spec.records ?? "")
      if (
        error._tag === "InvalidResponse" &&
        error.reason === "schema" &&
        selector.length > 0 &&
        error.path === selector.join(".")
      ) {
        const path = ["streams", i, "records"]
        issues.push({
          path: `streams[${i}].records`,
          ...locate(path),
          message: `the selector ${showPath(selector)} matches no array of records in the response (${error.message})`
        })
      }
      streams.push({
        name: stream.spec.name,
        records: [],
        pageSize: 0,
        columns: stream.manifest.columns ?? [],
        origin: stream.manifest.columns === undefined ? "none" : "declared",
        error
      })
      continue
    }
    const records = page.success
    const { columns, origin } = streamColumns(stream, records)
    streams.push({
      name: stream.spec.name,
      records: records.slice(0, options.sample ?? 3),
      pageSize: records.length,
      columns: columns ?? [],
      origin
    })
  }
  if (issues.length > 0) return yield* new DocumentError({ issues })
  const check: SourceCheck = { streams }
  return check
})
