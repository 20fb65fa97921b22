import { NodeHttpClient } from "@effect/platform-node"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Schema } from "effect"
import { HttpClient } from "effect/http"
import { OpenApi } from "effect/http-api"
import * as AdapterClient from "../../src/client/AdapterClient.ts"
import { defineEndpoint } from "../../src/endpoint/EndpointDefinition.ts"
import { makeApi } from "../../src/endpoint/makeApi.ts"
import * as QueryStyle from "../../src/endpoint/QueryStyle.ts"
import { bufferBody } from "../../src/http/bufferBody.ts"
import { classifyResponse } from "../../src/http/classifyResponse.ts"
import { TestServer } from "../../src/testing/index.ts"

const Note = Schema.Struct({ id: Schema.Number, text: Schema.String })

const ListNotes = defineEndpoint({
  entity: "note",
  module: "notes",
  name: "list",
  method: "GET",
  path: "/notes",
  query: { filterable: ["author"], orderable: ["created"], includes: ["tags"], pageSize: { max: 50 } },
  queryStyle: QueryStyle.jsonApi,
  response: Schema.Struct({ data: Schema.Array(Note) }),
  pagination: (p) => p.offsetLimit({ items: (body) => body.data })
})
const CreateNote = defineEndpoint({
  entity: "note",
  module: "notes",
  name: "create",
  method: "POST",
  path: "/notes",
  payload: Schema.Struct({ text: Schema.String }),
  response: Note,
  status: 201
})
const GetTag = defineEndpoint({
  entity: "tag",
  module: "tags",
  name: "get",
  method: "GET",
  path: "/tags/:id",
  params: { id: Schema.String },
  response: Schema.Struct({ id: Schema.String, label: Schema.String })
})
const Api = makeApi("notes-api", [ListNotes, CreateNote, GetTag])

const server = TestServer.make((request) =>
  Effect.succeed<TestServer.TestResponse>(
    request.url.pathname === "/tags/t1"
      ? { body: { id: "t1", label: "urgent" } }
      : request.method === "POST"
        ? { status: 201, body: { id: 7, ...JSON.parse(request.body) } }
        : { body: { data: [{ id: 1, text: "hello" }] } }
  )
)

describe("makeApi", () => {
  it.effect("decodes a UTF-8 body, with or without a byte-order mark", () =>
    Effect.gen(function* () {
      const json = JSON.stringify({ id: "t2", label: "Ørsted – 東京 ✓" })
      // The tag "bom" is answered with a byte-order mark ahead of the same JSON.
      const bom = Uint8Array.of(0xef, 0xbb, 0xbf)
      const { baseUrl } = yield* TestServer.make((request) =>
        Effect.succeed<TestServer.TestResponse>({
          headers: { "content-type": "application/json" },
          body: request.url.pathname === "/tags/bom" ? Buffer.concat([bom, Buffer.from(json)]) : json
        })
      )
      const client = yield* AdapterClient.make(Api, {
        baseUrl,
        httpClient: classifyResponse(bufferBody(yield* HttpClient.HttpClient))
      })
      const plain = yield* client.call(GetTag, { params: { id: "t2" } })
      assert.deepStrictEqual(plain, { id: "t2", label: "Ørsted – 東京 ✓" })
      const withBom = yield* client.call(GetTag, { params: { id: "bom" } })
      assert.deepStrictEqual(withBom, plain)
    }).pipe(Effect.scoped, Effect.provide(NodeHttpClient.layerUndici))
  )

  it("groups the definitions by module, one HttpApiGroup each", () => {
    assert.deepStrictEqual(Object.keys(Api.groups).sort(), ["notes", "tags"])
    const spec = OpenApi.fromApi(Api)
    assert.deepStrictEqual(Object.keys(spec.paths).sort(), ["/notes", "/tags/{id}"])
  })

  it.effect("gives a typed HttpApiClient over the adapter's HTTP stack", () =>
    Effect.gen(function* () {
      const { baseUrl, requests } = yield* server
      const client = yield* AdapterClient.make(Api, {
        baseUrl,
        httpClient: classifyResponse(bufferBody(yield* HttpClient.HttpClient))
      })
      const tag = yield* client.api.tags.get({ params: { id: "t1" } })
      assert.deepStrictEqual(tag, { id: "t1", label: "urgent" })
      const note = yield* client.api.notes.create({ payload: { text: "new" } })
      assert.deepStrictEqual(note, { id: 7, text: "new" })
      const [, post] = yield* requests
      assert.strictEqual(post?.method, "POST")
      assert.deepStrictEqual(JSON.parse(post?.body ?? ""), { text: "new" })
    }).pipe(Effect.scoped, Effect.provide(NodeHttpClient.layerUndici))
  )

  it.effect("calls and lists through the definitions, with typed filters, order and includes", () =>
    Effect.gen(function* () {
      const { baseUrl, requests } = yield* server
      const client = yield* AdapterClient.make(Api, {
        baseUrl,
        httpClient: classifyResponse(bufferBody(yield* HttpClient.HttpClient))
      })
      const created = yield* client.call(CreateNote, { payload: { text: "typed" } })
      assert.strictEqual(created.id, 7)
      const page = yield* client.fetchPage(
        ListNotes,
        { filter: { author: "ada" }, order: "-created", include: ["tags"], pageSize: 20 },
        { _tag: "Start" }
      )
      assert.deepStrictEqual(page.items, [{ id: 1, text: "hello" }])
      assert.isUndefined(page.next)
      const last = (yield* requests).at(-1)
      assert.deepStrictEqual(Object.fromEntries(last?.url.searchParams ?? []), {
        "where[author]": "ada",
        order: "-created",
        include: "tags",
        offset: "0",
        limit: "20"
      })
    }).pipe(Effect.scoped, Effect.provide(NodeHttpClient.layerUndici))
  )
})
