import { NodeHttpClient } from "@effect/platform-node"
import { assert, describe, it } from "@effect/vitest"
import { Deferred, Effect, Exit, Schema, Stream } from "effect"
import { HttpClient } from "effect/http"
import * as AdapterClient from "../../src/client/AdapterClient.ts"
import { defineEndpoint } from "../../src/endpoint/EndpointDefinition.ts"
import { makeApi } from "../../src/endpoint/makeApi.ts"
import { bufferBody } from "../../src/http/bufferBody.ts"
import { classifyResponse } from "../../src/http/classifyResponse.ts"
import * as Cursor from "../../src/pagination/Cursor.ts"
import { TestServer } from "../../src/testing/index.ts"

const Item = Schema.Struct({ id: Schema.String, n: Schema.Number })
const TOTAL = 25
const all = Array.from({ length: TOTAL }, (_, i) => ({ id: `item-${i + 1}`, n: i + 1 }))

const OffsetItems = defineEndpoint({
  entity: "item",
  module: "offset",
  name: "list",
  method: "GET",
  path: "/offset/items",
  query: { pageSize: { max: 10 } },
  response: Schema.Struct({ data: Schema.Array(Item), total: Schema.Number }),
  pagination: (p) => p.offsetLimit({ items: (body) => body.data, total: (body) => body.total })
})
const PagedItems = defineEndpoint({
  entity: "item",
  module: "paged",
  name: "list",
  method: "GET",
  path: "/paged/items",
  query: { pageSize: { max: 10 } },
  response: Schema.Struct({ rows: Schema.Array(Item) }),
  pagination: (p) => p.pageNumber({ items: (body) => body.rows })
})
const CursorItems = defineEndpoint({
  entity: "item",
  module: "cursor",
  name: "list",
  method: "GET",
  path: "/cursor/items",
  query: { pageSize: { max: 10 } },
  response: Schema.Struct({ items: Schema.Array(Item), next_cursor: Schema.NullOr(Schema.String) }),
  pagination: (p) => p.cursorToken({ items: (body) => body.items, nextToken: (body) => body.next_cursor })
})
const LinkedItems = defineEndpoint({
  entity: "item",
  module: "linked",
  name: "list",
  method: "GET",
  path: "/linked/items",
  query: { pageSize: { max: 10 } },
  response: Schema.Struct({ data: Schema.Array(Item), links: Schema.Struct({ next: Schema.optional(Schema.String) }) }),
  pagination: (p) => p.nextLink({ items: (body) => body.data, next: (body) => body.links.next })
})
const HeaderLinkedItems = defineEndpoint({
  entity: "item",
  module: "headerLinked",
  name: "list",
  method: "GET",
  path: "/header-linked/items",
  query: { pageSize: { max: 10 } },
  response: Schema.Array(Item),
  pagination: (p) => p.nextLink({ items: (body) => body, next: "link-header" })
})
const Api = makeApi("pagination-test", [OffsetItems, PagedItems, CursorItems, LinkedItems, HeaderLinkedItems])

const num = (url: URL, name: string, fallback: number) => Number(url.searchParams.get(name) ?? fallback)

const handler = (request: TestServer.TestRequest): Effect.Effect<TestServer.TestResponse> =>
  Effect.sync(() => {
    const url = request.url
    switch (url.pathname) {
      case "/offset/items": {
        const offset = num(url, "offset", 0)
        return { body: { data: all.slice(offset, offset + num(url, "limit", 10)), total: TOTAL } }
      }
      case "/paged/items": {
        const size = num(url, "page_size", 10)
        const page = num(url, "page", 1)
        return { body: { rows: all.slice((page - 1) * size, page * size) } }
      }
      case "/cursor/items": {
        const from = url.searchParams.has("cursor")
          ? Number(Buffer.from(url.searchParams.get("cursor") ?? "", "base64url").toString())
          : 0
        const size = num(url, "limit", 10)
        const next = from + size < TOTAL ? Buffer.from(String(from + size)).toString("base64url") : null
        return { body: { items: all.slice(from, from + size), next_cursor: next } }
      }
      case "/linked/items":
      case "/header-linked/items": {
        const after = num(url, "after", 0)
        const size = num(url, "per_page", 10)
        const nextUrl =
          after + size < TOTAL
            ? `http://${request.headers.host}${url.pathname}?per_page=${size}&after=${after + size}`
            : undefined
        const data = all.slice(after, after + size)
        return url.pathname === "/linked/items"
          ? { body: { data, links: nextUrl === undefined ? {} : { next: nextUrl } } }
          : {
              body: data,
              headers: nextUrl === undefined ? {} : { link: `<${nextUrl}>; rel="next", <http://x/last>; rel="last"` }
            }
      }
      default:
        return { status: 404, body: { error: "not found" } }
    }
  })

const makeClient = Effect.gen(function* () {
  const server = yield* TestServer.make(handler)
  const httpClient = classifyResponse(bufferBody(yield* HttpClient.HttpClient))
  const client = yield* AdapterClient.make(Api, { baseUrl: server.baseUrl, httpClient })
  return { server, client }
})

const definitions = [
  ["offset/limit", OffsetItems],
  ["page number", PagedItems],
  ["cursor token", CursorItems],
  ["next link in the body", LinkedItems],
  ["next link in a Link header", HeaderLinkedItems]
] as const

describe("streamPages / streamAll", () => {
  for (const [style, definition] of definitions) {
    it.effect(`${style}: streams every record to the last page`, () =>
      Effect.gen(function* () {
        const { client, server } = yield* makeClient
        const items = yield* Stream.runCollect(client.streamAll(definition, {}))
        assert.deepStrictEqual(items, all)
        const pages = (yield* server.requests).length
        assert.strictEqual(pages, 3)
      }).pipe(Effect.scoped, Effect.provide(NodeHttpClient.layerUndici))
    )

    it.effect(`${style}: resumes from a saved cursor without re-reading earlier pages`, () =>
      Effect.gen(function* () {
        const { client, server } = yield* makeClient
        const first = yield* Stream.runHead(client.streamPages(definition, {}))
        assert.isTrue(first._tag === "Some")
        if (first._tag !== "Some") return
        const saved = Cursor.toJson(first.value.next ?? Cursor.start)
        const from = yield* Cursor.fromJson(saved)
        const rest = yield* Stream.runCollect(client.streamAll(definition, { from }))
        assert.deepStrictEqual(rest, all.slice(10))
        assert.strictEqual((yield* server.requests).length, 3)
      }).pipe(Effect.scoped, Effect.provide(NodeHttpClient.layerUndici))
    )
  }

  for (const [style, definition] of definitions) {
    it.effect(`${style}: pages fetched four at once are the same pages, in order, as one at a time`, () =>
      Effect.gen(function* () {
        const { client } = yield* makeClient
        const view = (pages: ReadonlyArray<{ index: number; cursor: unknown; next: unknown; items: unknown }>) =>
          pages.map((p) => [p.index, p.cursor, p.next, p.items])
        const one = yield* Stream.runCollect(client.streamPages(definition, { pageSize: 5 }))
        const four = yield* Stream.runCollect(client.streamPages(definition, { pageSize: 5, concurrency: 4 }))
        assert.deepStrictEqual(view(four), view(one))
        assert.deepStrictEqual(
          four.flatMap((p) => p.items),
          all
        )
        // Resumed from a page's next cursor, as a checkpoint would.
        const from = one[2]?.next ?? Cursor.start
        const rest = yield* Stream.runCollect(client.streamAll(definition, { pageSize: 5, concurrency: 4, from }))
        assert.deepStrictEqual(rest, all.slice(15))
      }).pipe(Effect.scoped, Effect.provide(NodeHttpClient.layerUndici))
    )
  }

  it.effect("with concurrency, offset pages are asked for before the earlier ones arrive", () =>
    Effect.gen(function* () {
      // The first page is answered only once the fourth has been asked for (one page at a time would wait forever).
      const fourthAsked = yield* Deferred.make<void>()
      const server = yield* TestServer.make((request) => {
        const offset = num(request.url, "offset", 0)
        const answer = Effect.succeed({
          body: { data: all.slice(offset, offset + num(request.url, "limit", 10)), total: TOTAL }
        })
        if (offset === 15) return Effect.andThen(Deferred.succeed(fourthAsked, undefined), answer)
        return offset === 0 ? Effect.andThen(Deferred.await(fourthAsked), answer) : answer
      })
      const httpClient = classifyResponse(bufferBody(yield* HttpClient.HttpClient))
      const client = yield* AdapterClient.make(Api, { baseUrl: server.baseUrl, httpClient })
      const items = yield* Stream.runCollect(client.streamAll(OffsetItems, { pageSize: 5, concurrency: 4 }))
      assert.deepStrictEqual(items, all)
    }).pipe(Effect.scoped, Effect.provide(NodeHttpClient.layerUndici))
  )
  it.effect(
    "with concurrency, a short page mid-listing drops the pages asked for ahead and goes on from its next",
    () =>
      Effect.gen(function* () {
        // The page at offset 10 holds 3 records instead of 5 (an upstream that caps a page): the next
        // offset is 13, not the 15 asked for ahead.
        const server = yield* TestServer.make((request) =>
          Effect.sync(() => {
            const offset = num(request.url, "offset", 0)
            const limit = offset === 10 ? 3 : num(request.url, "limit", 10)
            return { body: { data: all.slice(offset, offset + limit), total: TOTAL } }
          })
        )
        const httpClient = classifyResponse(bufferBody(yield* HttpClient.HttpClient))
        const client = yield* AdapterClient.make(Api, { baseUrl: server.baseUrl, httpClient })
        const pages = yield* Stream.runCollect(client.streamPages(OffsetItems, { pageSize: 5, concurrency: 4 }))
        assert.deepStrictEqual(
          pages.flatMap((p) => p.items),
          all
        )
        assert.deepStrictEqual(
          pages.map((p) => (p.cursor._tag === "Offset" ? p.cursor.offset : 0)),
          [0, 5, 10, 13, 18, 23]
        )
        assert.deepStrictEqual(
          pages.map((p) => p.index),
          [0, 1, 2, 3, 4, 5]
        )
      }).pipe(Effect.scoped, Effect.provide(NodeHttpClient.layerUndici))
  )

  it.effect("each page carries its cursor and the next one; the last page has none", () =>
    Effect.gen(function* () {
      const { client } = yield* makeClient
      const pages = yield* Stream.runCollect(client.streamPages(OffsetItems, {}))
      assert.deepStrictEqual(
        pages.map((p) => [p.index, p.cursor, p.next, p.items.length]),
        [
          [0, Cursor.start, { _tag: "Offset", offset: 10 }, 10],
          [1, { _tag: "Offset", offset: 10 }, { _tag: "Offset", offset: 20 }, 10],
          [2, { _tag: "Offset", offset: 20 }, undefined, 5]
        ]
      )
    }).pipe(Effect.scoped, Effect.provide(NodeHttpClient.layerUndici))
  )

  it.effect("caps the page size at the endpoint's maximum", () =>
    Effect.gen(function* () {
      const { client, server } = yield* makeClient
      yield* Stream.runDrain(client.streamAll(OffsetItems, { pageSize: 500 }))
      const [first] = yield* server.requests
      assert.strictEqual(first?.url.searchParams.get("limit"), "10")
    }).pipe(Effect.scoped, Effect.provide(NodeHttpClient.layerUndici))
  )

  it.effect("an invalid body fails with InvalidResponse naming the endpoint and the field path", () =>
    Effect.gen(function* () {
      const server = yield* TestServer.make(() =>
        Effect.succeed({
          body: {
            data: [
              { id: "a", n: 1 },
              { id: "b", n: "two" }
            ],
            total: 2
          }
        })
      )
      const httpClient = classifyResponse(bufferBody(yield* HttpClient.HttpClient))
      const client = yield* AdapterClient.make(Api, { baseUrl: server.baseUrl, httpClient })
      const exit = yield* Effect.exit(Stream.runCollect(client.streamAll(OffsetItems, {})))
      assert.isTrue(Exit.isFailure(exit))
      const error = Exit.isFailure(exit) ? exit.cause.reasons[0] : undefined
      assert.strictEqual(error?._tag, "Fail")
      if (error?._tag !== "Fail") return
      assert.strictEqual(error.error._tag, "InvalidResponse")
      if (error.error._tag !== "InvalidResponse") return
      assert.strictEqual(error.error.endpoint, "offset.list")
      assert.strictEqual(error.error.path, "data[1].n")
      assert.include(error.error.sample, '"two"')
    }).pipe(Effect.scoped, Effect.provide(NodeHttpClient.layerUndici))
  )

  it.effect("a next link to another origin is refused, so credentials never leave the API's host", () =>
    Effect.gen(function* () {
      const server = yield* TestServer.make(() =>
        Effect.succeed({ body: { data: [{ id: "a", n: 1 }], links: { next: "http://evil.example/steal" } } })
      )
      const httpClient = classifyResponse(bufferBody(yield* HttpClient.HttpClient))
      const client = yield* AdapterClient.make(Api, { baseUrl: server.baseUrl, httpClient })
      const error = yield* Effect.flip(Stream.runCollect(client.streamAll(LinkedItems, {})))
      assert.strictEqual(error._tag, "InvalidResponse")
      assert.strictEqual((yield* server.requests).length, 1)
    }).pipe(Effect.scoped, Effect.provide(NodeHttpClient.layerUndici))
  )
})
