/**
 * Column types inferred from sampled records (what `sources check` shows before a first sync, and
 * the columns the connector's manifests give the sync, declared types winning), and the
 * incremental parameter written in each format a document can ask for.
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { checkSource } from "../src/check/checkSource.ts"
import { sampleColumns } from "../src/check/sampleColumns.ts"
import { sinceValue } from "../src/compile/sinceValue.ts"
import { FakeGitHub } from "../src/testing/index.ts"
import { HttpStack, sourceOf } from "./support/httpStack.ts"

describe("inferred columns", () => {
  it("types each field from its values, widening mixed ones; every column but the key is nullable", () => {
    const columns = sampleColumns(
      [
        { id: 1, price: 3, on: true, day: "2024-01-02", at: "2024-01-02T03:04:05Z", tags: ["a"], note: "x", mixed: 1 },
        {
          id: 2,
          price: 3.5,
          on: false,
          day: "2024-02-03",
          at: "2024-02-03T00:00:00.5+01:00",
          tags: [],
          note: null,
          mixed: "y"
        },
        { id: 3, price: 4, on: true, day: "2024-03-04", at: "2024-03-04", tags: [] }
      ],
      ["id"]
    )
    assert.deepStrictEqual(
      columns.map((c) => [c.name, c.type, c.nullable, c.businessKey]),
      [
        ["id", "integer", false, true],
        ["price", "decimal", true, false],
        ["on", "boolean", true, false],
        ["day", "date", true, false],
        ["at", "timestamp", true, false],
        ["tags", "json", true, false],
        ["note", "string", true, false],
        ["mixed", "string", true, false]
      ]
    )
  })
})

describe("incremental parameter formats", () => {
  const spec = (format: "raw" | "iso8601" | "date" | "unix-seconds" | "unix-millis") => ({
    cursorField: "updated_at",
    param: "since",
    format
  })
  it("writes the saved cursor value as the document says", () => {
    const at = "2025-06-01T12:30:00Z"
    assert.deepStrictEqual(sinceValue(spec("raw"), at), { value: at })
    assert.deepStrictEqual(sinceValue(spec("iso8601"), "2025-06-01T14:30:00+02:00"), { value: at })
    assert.deepStrictEqual(sinceValue(spec("date"), at), { value: "2025-06-01" })
    assert.deepStrictEqual(sinceValue(spec("unix-seconds"), at), { value: "1748781000" })
    assert.deepStrictEqual(sinceValue(spec("unix-millis"), at), { value: "1748781000000" })
    // A numeric cursor (Unix seconds) converts too.
    assert.deepStrictEqual(sinceValue(spec("iso8601"), "1748781000"), { value: at })
    assert.isTrue("error" in sinceValue(spec("date"), "not a time"))
  })
})

describe("columns in the manifests", () => {
  const document = (baseUrl: string) => `
baseUrl: ${baseUrl}
streams:
  - name: repositories
    path: /orgs/acme/repos
    primaryKey: id
    pagination: { style: next-link, next: link-header }
    flatten: {}
    select: [id, name, owner_login]
  - name: issues
    path: /repos/{owner}/{repo}/issues
    parent: { stream: repositories, params: { owner: owner_login, repo: name } }
    primaryKey: id
    pagination: { style: next-link, next: link-header }
    exclude: [user, labels]
    columns: { id: integer, number: string }
`

  it.live("are what sources check shows: declared types win, the other fields inferred from a sample", () =>
    Effect.gen(function* () {
      const github = yield* FakeGitHub.make({ repositories: 2, issuesPerRepository: 3 })
      const text = document(github.baseUrl)
      const check = yield* checkSource(text)
      const { adapter } = yield* sourceOf(text)
      const manifests = yield* adapter.manifests
      for (const stream of check.streams) {
        assert.deepStrictEqual(manifests.find((m) => m.entity === stream.name)?.columns, stream.columns, stream.name)
      }
      const typed = (entity: string) =>
        manifests.find((m) => m.entity === entity)?.columns?.map((c) => [c.name, c.type, c.nullable])
      assert.deepStrictEqual(typed("repositories"), [
        ["id", "integer", false],
        ["name", "string", true],
        ["owner_login", "string", true]
      ])
      assert.deepStrictEqual(typed("issues"), [
        ["id", "integer", false],
        // Declared as text although the records hold numbers: the document wins.
        ["number", "string", true],
        ["title", "string", true],
        ["state", "string", true],
        ["created_at", "timestamp", true],
        ["updated_at", "timestamp", true],
        ["owner", "string", true],
        ["repo", "string", true],
        ["repositories_id", "integer", true]
      ])
      assert.deepStrictEqual(
        check.streams.map((stream) => stream.origin),
        ["inferred", "declared-and-inferred"]
      )
    }).pipe(Effect.scoped, Effect.provide(HttpStack))
  )
})
