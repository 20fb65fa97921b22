/**
 * The JSON body of a `POST` stream's requests (search endpoints that list through a request body):
 * the document's fixed `body`, and with `paramsIn: body` the stream's query, the paging parameters
 * and the incremental parameter moved out of the URL into the body — a dotted name (`page.size`) a
 * nested field, page numbers, sizes and offsets (and Unix times) as numbers. The document's
 * source-wide `query` stays in the URL. Requests that are not `POST` (a next link) are left alone.
 */
import type { Redacted } from "effect"
import { HttpClientRequest, type HttpClientRequest as Request, UrlParams } from "effect/http"
import { parseFieldPath } from "../document/FieldPath.ts"
import type { SourceDocument } from "../document/SourceDocument.ts"
import type { StreamSpec } from "../document/StreamSpec.ts"

/** Puts a stream's request parameters into its JSON body. */
export type WithBody = (request: Request.HttpClientRequest) => Request.HttpClientRequest

/** The parameters whose values are numbers: sizes, offsets, page numbers, Unix times. */
const numericParams = (stream: StreamSpec): ReadonlySet<string> => {
  const names = new Set<string>()
  const pagination = stream.pagination
  switch (pagination?.style) {
    case "offset":
      names.add(pagination.offsetParam ?? "offset").add(pagination.limitParam ?? "limit")
      break
    case "page-number":
      names.add(pagination.pageParam ?? "page").add(pagination.sizeParam ?? "page_size")
      break
    case "cursor":
      names.add(pagination.sizeParam ?? "limit")
      break
    case "next-link":
      names.add(pagination.sizeParam ?? "per_page")
      break
  }
  const format = stream.incremental?.format
  if (format === "unix-seconds" || format === "unix-millis") names.add(stream.incremental?.param ?? "")
  return names
}

/** Sets `value` at `path` in `target`, creating the objects on the way. */
const setAt = (target: Record<string, unknown>, path: ReadonlyArray<string>, value: unknown) => {
  let current = target
  path.forEach((key, i) => {
    if (i === path.length - 1) {
      current[key] = value
      return
    }
    const next = current[key]
    const child: Record<string, unknown> =
      typeof next === "object" && next !== null && !Array.isArray(next) ? { ...next } : {}
    current[key] = child
    current = child
  })
}

/** How a stream's requests get their body; `undefined` for a `GET` stream. */
export const requestBodyOf = (document: SourceDocument, stream: StreamSpec): WithBody | undefined => {
  if (stream.method !== "POST") return undefined
  const fixed = stream.body ?? {}
  const inBody = stream.paramsIn === "body"
  const inUrl = new Set(Object.keys(document.query ?? {}))
  const numeric = numericParams(stream)
  return (request) => {
    if (request.method !== "POST") return request
    const body: Record<string, unknown> = structuredClone(fixed)
    const kept: Array<readonly [string, string | Redacted.Redacted]> = []
    for (const [name, value] of request.urlParams) {
      // A secret (an API key in the query) stays where its auth put it.
      if (!inBody || inUrl.has(name) || typeof value !== "string") kept.push([name, value])
      else setAt(body, parseFieldPath(name), numeric.has(name) && /^-?\d+$/.test(value) ? Number(value) : value)
    }
    return HttpClientRequest.post(request.url, { headers: request.headers, urlParams: UrlParams.make(kept) }).pipe(
      HttpClientRequest.bodyJsonUnsafe(body)
    )
  }
}
