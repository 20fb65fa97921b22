/**
 * Every pagination style a document can declare, against a fake that pages the same 23 records
 * each way: read to the last page, and resumed from a cursor saved after the second page (stored
 * as the sync stores it, JSON text, and read back): the resumed listing asks only for the pages
 * after it. The records equal the fake's, in order, with none missed or read twice.
 */
import { assert, describe, it } from "@effect/vitest"
import { Cursor } from "@syncflow/adapter-core"
import { TestServer } from "@syncflow/adapter-core/testing"
import { Effect, Stream } from "effect"
import { allRecords, HttpStack, sourceOf } from "./support/httpStack.ts"

const truth = Array.from({ length: 23 }, (_, i) => ({ id: `r${String(i).padStart(2, "0")}`, value: i }))

/** A fake listing the same records in every style. */
const fake = TestServer.make((request) =>
  Effect.sync((): TestServer.TestResponse => {
    const q = request.url.searchParams
    const base = `http://${request.headers.host}`
    switch (request.url.pathname) {
      case "/offset": {
        const offset = Number(q.get("skip") ?? "0")
        const limit = Number(q.get("take") ?? "10")
        return { body: { rows: truth.slice(offset, offset + limit), meta: { total: truth.length } } }
      }
      case "/pages": {
        const page = Number(q.get("p") ?? "0")
        const size = Number(q.get("size") ?? "10")
        return { body: { items: truth.slice(page * size, (page + 1) * size), pages: Math.ceil(truth.length / size) } }
      }
      case "/pages-flag": {
        const page = Number(q.get("page") ?? "1")
        const size = Number(q.get("limit") ?? "10")
        return { body: { items: truth.slice((page - 1) * size, page * size), more: page * size < truth.length } }
      }
      case "/cursor-body":
      case "/cursor-header": {
        const start = Number(q.get("token") ?? "0")
        const limit = Number(q.get("limit") ?? "10")
        const next = start + limit < truth.length ? String(start + limit) : null
        return request.url.pathname === "/cursor-body"
          ? { body: { data: truth.slice(start, start + limit), next_token: next } }
          : { body: truth.slice(start, start + limit), headers: next === null ? {} : { "x-next-token": next } }
      }
      case "/links-body":
      case "/links-header": {
        const start = Number(q.get("from") ?? "0")
        const limit = Number(q.get("per_page") ?? "10")
        const next =
          start + limit < truth.length ? `${base}${request.url.pathname}?from=${start + limit}&per_page=${limit}` : null
        return request.url.pathname === "/links-body"
          ? { body: { data: truth.slice(start, start + limit), links: { next } } }
          : { body: truth.slice(start, start + limit), headers: next === null ? {} : { link: `<${next}>; rel="next"` } }
      }
      case "/single":
        return { body: { rows: truth } }
      default:
        return { status: 404, body: {} }
    }
  })
)

const document = (baseUrl: string) => `
baseUrl: ${baseUrl}
query: { v: "2" }
headers: { X-Client: syncflow-test }
streams:
  - name: by_offset
    path: /offset
    records: /rows
    primaryKey: id
    pageSize: { max: 5 }
    pagination: { style: offset, offsetParam: skip, limitParam: take, total: meta.total }
  - name: by_page
    path: /pages
    records: items
    primaryKey: id
    pageSize: { max: 5 }
    pagination: { style: page-number, pageParam: p, sizeParam: size, firstPage: 0, totalPages: /pages }
  - name: by_page_flag
    path: /pages-flag
    records: items
    primaryKey: id
    pageSize: { max: 5 }
    pagination: { style: page-number, sizeParam: limit, hasMore: more }
  - name: by_body_token
    path: /cursor-body
    records: data
    primaryKey: id
    pageSize: { max: 5 }
    pagination: { style: cursor, tokenParam: token, token: { path: next_token } }
  - name: by_header_token
    path: /cursor-header
    primaryKey: id
    pageSize: { max: 5 }
    pagination: { style: cursor, tokenParam: token, token: { header: X-Next-Token } }
  - name: by_body_link
    path: /links-body
    records: data
    primaryKey: id
    pageSize: { max: 5 }
    pagination: { style: next-link, next: { path: links.next } }
  - name: by_header_link
    path: /links-header
    primaryKey: id
    pageSize: { max: 5 }
    pagination: { style: next-link, next: link-header }
  - name: unpaged
    path: /single
    records: rows
    primaryKey: id
    pagination: { style: none }
`

const streams = [
  "by_offset",
  "by_page",
  "by_page_flag",
  "by_body_token",
  "by_header_token",
  "by_body_link",
  "by_header_link"
]

describe("pagination styles", () => {
  it.live("each style reads every record to the last page, and resumes from a saved cursor", () =>
    Effect.gen(function* () {
      const server = yield* fake
      const { adapter } = yield* sourceOf(document(server.baseUrl))
      for (const stream of streams) {
        const records = yield* allRecords(adapter, stream)
        assert.deepStrictEqual(records, truth, stream)
        const pages = yield* Stream.runCollect(adapter.streamPages(stream))
        assert.strictEqual(pages.length, 5, stream)
        assert.isUndefined(pages.at(-1)?.next, stream)
        const next = pages[1]?.next
        if (next === undefined) return assert.fail(`${stream}: the second page has a next cursor`)
        const saved = yield* Cursor.fromJson(Cursor.toJson(next))
        const asked = (yield* server.requests).length
        const resumed = yield* allRecords(adapter, stream, { from: saved })
        assert.deepStrictEqual(resumed, truth.slice(10), `${stream} resumed`)
        // Pages 3 to 5 only.
        assert.strictEqual((yield* server.requests).length - asked, 3, `${stream} resumed`)
      }
      // The document's query and headers go with every request the listing built.
      for (const request of yield* server.requests) {
        assert.strictEqual(request.headers["x-client"], "syncflow-test")
        if (request.url.pathname === "/offset") assert.strictEqual(request.url.searchParams.get("v"), "2")
      }
      // One request, no pagination parameters.
      const unpaged = yield* Stream.runCollect(adapter.streamPages("unpaged"))
      assert.strictEqual(unpaged.length, 1)
      assert.deepStrictEqual(unpaged[0]?.items, truth)
      assert.isUndefined(unpaged[0]?.next)
    }).pipe(Effect.scoped, Effect.provide(HttpStack))
  )
})
