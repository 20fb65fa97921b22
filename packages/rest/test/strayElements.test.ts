/**
 * An upstream answering, in a records array, an element the document did not declare (a string, a
 * number, `null` instead of an object): the page's other records and the next pages are read; the
 * stray element is one record holding its place in the body and its value (which the sync makes a
 * failed record: packages/server/test/restOperations.test.ts); a `lastRecord` cursor token is the
 * last record's even when a stray ends the page; the columns are inferred from the records only.
 */
import { assert, describe, it } from "@effect/vitest"
import { TestServer } from "@syncflow/adapter-core/testing"
import { Effect, Stream } from "effect"
import { allRecords, HttpStack, sourceOf } from "./support/httpStack.ts"

const truth = Array.from({ length: 6 }, (_, i) => ({ id: `r${i}`, value: i }))

/** Three records a page after `starting_after`, a stray string ending the first page and a stray number starting the second. */
const fake = TestServer.make((request) =>
  Effect.sync((): TestServer.TestResponse => {
    const after = request.url.searchParams.get("starting_after")
    const start = after === null ? 0 : truth.findIndex((record) => record.id === after) + 1
    const page = truth.slice(start, start + 3)
    const data: Array<unknown> = start === 0 ? [...page, "oops"] : [42, ...page, null]
    return { body: { data, has_more: start + 3 < truth.length } }
  })
)

const document = (baseUrl: string) => `
baseUrl: ${baseUrl}
streams:
  - name: things
    path: /things
    records: data
    primaryKey: id
    pageSize: { max: 3 }
    pagination: { style: cursor, tokenParam: starting_after, token: { lastRecord: id }, hasMore: has_more }
`

describe("stray elements in a records array", () => {
  it.live("each is one record of its place and value; the other records and pages are read", () =>
    Effect.gen(function* () {
      const server = yield* fake
      const { adapter } = yield* sourceOf(document(server.baseUrl))
      const pages = yield* Stream.runCollect(adapter.streamPages("things"))
      assert.deepStrictEqual(
        pages.map((page) => page.items),
        [
          [...truth.slice(0, 3), { "data[3]": "oops" }],
          [{ "data[0]": 42 }, ...truth.slice(3), { "data[4]": null }]
        ]
      )
      // The token after the first page is its last record's id, not the stray's.
      assert.deepStrictEqual(
        (yield* server.requests).map((request) => request.url.searchParams.get("starting_after")),
        [null, "r2"]
      )
      // Resumed from the cursor saved after the first page.
      const saved = pages[0]?.next
      if (saved === undefined) return assert.fail("the first page has a next cursor")
      const resumed = yield* allRecords(adapter, "things", { from: saved })
      assert.deepStrictEqual(resumed, [{ "data[0]": 42 }, ...truth.slice(3), { "data[4]": null }])
      // The columns are the records' (the sample page's stray is no column).
      const [manifest] = yield* adapter.manifests
      assert.deepStrictEqual(
        manifest?.columns?.map((column) => [column.name, column.type]),
        [
          ["id", "string"],
          ["value", "integer"]
        ]
      )
    }).pipe(Effect.scoped, Effect.provide(HttpStack))
  )
})
