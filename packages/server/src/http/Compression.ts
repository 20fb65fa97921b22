/**
 * Compressed documentation: `/docs` (the Scalar page, its spec inlined) and `/openapi.json` are
 * served brotli- or gzip-compressed when the client accepts it (`Accept-Encoding`), with
 * `Vary: Accept-Encoding`. Each body is compressed once per encoding and kept.
 */
import { brotliCompressSync, constants, gzipSync } from "node:zlib"
import { Effect } from "effect"
import { HttpBody, HttpRouter, HttpServerRequest, HttpServerResponse } from "effect/http"

/** An encoding the server compresses with. */
export type ContentEncoding = "br" | "gzip"

/**
 * The encoding to answer with for an `Accept-Encoding` header: brotli, else gzip, when accepted
 * with a non-zero quality (`*` accepts both); `undefined` for none.
 */
export const chooseEncoding = (acceptEncoding: string | undefined): ContentEncoding | undefined => {
  const accepted = new Map<string, number>()
  for (const part of (acceptEncoding ?? "").split(",")) {
    const [name = "", ...params] = part.trim().toLowerCase().split(";")
    if (name === "") continue
    const q = params.map((p) => p.trim()).find((p) => p.startsWith("q="))
    accepted.set(name, q === undefined ? 1 : Number(q.slice(2)) || 0)
  }
  const quality = (name: ContentEncoding) => accepted.get(name) ?? accepted.get("*") ?? 0
  if (quality("br") > 0) return "br"
  if (quality("gzip") > 0) return "gzip"
  return undefined
}

const compress = (encoding: ContentEncoding, body: Uint8Array): Uint8Array =>
  encoding === "br"
    ? brotliCompressSync(body, { params: { [constants.BROTLI_PARAM_QUALITY]: 9 } })
    : gzipSync(body, { level: 9 })

/** The global middleware compressing the responses of `paths`. */
export const compressionLayer = (paths: ReadonlyArray<string>) => {
  const compressible = new Set(paths)
  const cache = new WeakMap<Uint8Array, Map<ContentEncoding, Uint8Array>>()
  const compressed = (encoding: ContentEncoding, body: Uint8Array): Uint8Array => {
    const byEncoding = cache.get(body) ?? new Map<ContentEncoding, Uint8Array>()
    cache.set(body, byEncoding)
    const known = byEncoding.get(encoding)
    if (known !== undefined) return known
    const fresh = compress(encoding, body)
    byEncoding.set(encoding, fresh)
    return fresh
  }
  return HttpRouter.middleware(
    (httpEffect) =>
      Effect.gen(function* () {
        const request = yield* HttpServerRequest.HttpServerRequest
        const response = yield* httpEffect
        const path = request.url.split("?")[0] ?? request.url
        if (!compressible.has(path) || response.body._tag !== "Uint8Array" || response.status !== 200) return response
        const varied = HttpServerResponse.setHeader(response, "vary", "Accept-Encoding")
        const encoding = chooseEncoding(request.headers["accept-encoding"])
        if (encoding === undefined) return varied
        const body = compressed(encoding, response.body.body)
        return HttpServerResponse.setHeader(
          HttpServerResponse.setBody(varied, HttpBody.uint8Array(body, response.body.contentType)),
          "content-encoding",
          encoding
        )
      }),
    { global: true }
  )
}
