/**
 * A search endpoint that lists through `POST` with a JSON body: the document's fixed body (a
 * filter), and with `paramsIn: body` the paging parameters (nested, as numbers), a cursor token
 * and the incremental parameter in the body; the source-wide query stays in the URL. Read to the
 * last page, resumed from a saved cursor, and listed incrementally; the records equal the fake's.
 * A body on a `GET` stream is refused with its path.
 */
import { assert, describe, it } from "@effect/vitest"
import { TestServer } from "@syncflow/adapter-core/testing"
import { Effect, Predicate, Result, Stream } from "effect"
import { readDocument } from "../src/document/readDocument.ts"
import { allRecords, HttpStack, sourceOf } from "./support/httpStack.ts"

const tickets = Array.from({ length: 23 }, (_, i) => ({
  id: `t${String(i).padStart(2, "0")}`,
  status: i % 4 === 0 ? "closed" : "open",
  updated_at: new Date(Date.UTC(2025, 0, 1 + i)).toISOString()
}))
const open = tickets.filter((ticket) => ticket.status === "open")

const field = (value: unknown, ...path: Array<string>): unknown =>
  path.reduce<unknown>((current, key) => (Predicate.isObject(current) ? current[key] : undefined), value)

/** A search API: POST /search with {filter, page: {number, size}, updated_since?} or {cursor, limit}. */
const fake = TestServer.make((request) =>
  Effect.sync((): TestServer.TestResponse => {
    if (request.method !== "POST") return { status: 405, body: { error: "POST only" } }
    if (request.url.searchParams.get("api_version") !== "3") return { status: 400, body: { error: "api_version" } }
    const body: unknown = JSON.parse(request.body)
    const status = field(body, "filter", "status")
    const since = field(body, "updated_since")
    const matching = tickets.filter(
      (ticket) =>
        (status === undefined || ticket.status === status) &&
        (typeof since !== "string" || Date.parse(ticket.updated_at) >= Date.parse(since))
    )
    if (request.url.pathname === "/search") {
      const number = field(body, "page", "number")
      const size = field(body, "page", "size")
      if (typeof number !== "number" || typeof size !== "number") return { status: 400, body: { error: "page" } }
      return {
        body: {
          results: matching.slice((number - 1) * size, number * size),
          total_pages: Math.ceil(matching.length / size)
        }
      }
    }
    const start = Number(field(body, "cursor") ?? "0")
    const limit = field(body, "limit")
    if (typeof limit !== "number") return { status: 400, body: { error: "limit" } }
    const next = start + limit < matching.length ? String(start + limit) : null
    return { body: { results: matching.slice(start, start + limit), next } }
  })
)

const document = (baseUrl: string) => `
baseUrl: ${baseUrl}
query: { api_version: "3" }
streams:
  - name: open_tickets
    path: /search
    method: POST
    body: { filter: { status: open } }
    paramsIn: body
    records: results
    primaryKey: id
    incremental: { cursorField: updated_at, param: updated_since, format: iso8601 }
    pageSize: { max: 5 }
    pagination: { style: page-number, pageParam: page.number, sizeParam: page.size, totalPages: total_pages }
  - name: all_tickets
    path: /scroll
    method: POST
    paramsIn: body
    records: results
    primaryKey: id
    pageSize: { max: 10 }
    pagination: { style: cursor, tokenParam: cursor, token: { path: next } }
`

describe("POST streams with a JSON body", () => {
  it.live("paging, cursor and incremental parameters travel in the body; every record, resumed too", () =>
    Effect.gen(function* () {
      const server = yield* fake
      const { adapter } = yield* sourceOf(document(server.baseUrl))
      const pages = yield* Stream.runCollect(adapter.streamPages("open_tickets"))
      assert.strictEqual(pages.length, 4)
      assert.deepStrictEqual(
        pages.flatMap((page) => page.items),
        open
      )
      const saved = pages[1]?.next
      assert.isDefined(saved)
      assert.deepStrictEqual(yield* allRecords(adapter, "open_tickets", { from: saved }), open.slice(10))
      const bodies = (yield* server.requests).map((request) => JSON.parse(request.body))
      assert.deepStrictEqual(
        bodies.slice(0, 4),
        [1, 2, 3, 4].map((number) => ({
          filter: { status: "open" },
          page: { number, size: 5 }
        }))
      )
      // Incremental: the value in the body, in the document's format.
      const since = yield* allRecords(adapter, "open_tickets", { since: "2025-01-20T00:00:00.000Z" })
      assert.deepStrictEqual(
        since,
        open.filter((ticket) => ticket.updated_at >= "2025-01-20")
      )
      assert.deepInclude(
        (yield* server.requests).map((request) => JSON.parse(request.body)),
        {
          filter: { status: "open" },
          page: { number: 1, size: 5 },
          updated_since: "2025-01-20T00:00:00Z"
        }
      )
      // A cursor token in the body, every record to the last page.
      assert.deepStrictEqual(yield* allRecords(adapter, "all_tickets"), tickets)
      for (const request of yield* server.requests) {
        assert.strictEqual(request.method, "POST")
        assert.deepStrictEqual([...request.url.searchParams.keys()], ["api_version"])
        assert.include(request.headers["content-type"] ?? "", "application/json")
      }
    }).pipe(Effect.scoped, Effect.provide(HttpStack))
  )

  it("a body or body parameters on a GET stream are refused with their path", () => {
    const read = readDocument(`baseUrl: https://api.example.com
streams:
  - name: items
    path: /items
    primaryKey: id
    body: { q: x }
    paramsIn: body
`)
    assert.isTrue(Result.isFailure(read))
    if (Result.isFailure(read)) {
      assert.deepStrictEqual(
        read.failure.issues.map((issue) => [issue.path, issue.line]),
        [
          ["streams[0].body", 6],
          ["streams[0].paramsIn", 7]
        ]
      )
    }
  })
})
