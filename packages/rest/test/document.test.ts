/**
 * Malformed documents are refused before anything runs, each problem with its path into the
 * document and its line in the user's text: a wrong type, an unknown pagination style, a missing
 * field, broken rules (unknown parent, placeholder without a parent), YAML syntax, and a record
 * selector that matches nothing in a real answer.
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect, Result } from "effect"
import { checkSource } from "../src/check/checkSource.ts"
import type { DocumentIssue } from "../src/document/DocumentError.ts"
import { decodeDocument, readDocument } from "../src/document/readDocument.ts"
import { FakeStripe } from "../src/testing/index.ts"
import { HttpStack } from "./support/httpStack.ts"

const issuesOf = (text: string): ReadonlyArray<DocumentIssue> => {
  const read = readDocument(text)
  if (Result.isSuccess(read)) throw new Error("expected the document to be refused")
  return read.failure.issues
}

const issueAt = (issues: ReadonlyArray<DocumentIssue>, path: string): DocumentIssue => {
  const found = issues.find((issue) => issue.path === path)
  if (found === undefined) throw new Error(`no issue at ${path}: ${JSON.stringify(issues)}`)
  return found
}

describe("source documents", () => {
  it("a valid document decodes", () => {
    const read = readDocument(`
baseUrl: https://api.example.com
streams:
  - name: items
    path: /items
    primaryKey: id
`)
    assert.isTrue(Result.isSuccess(read))
  })

  it("a wrong type is refused with its path and line", () => {
    const issues = issuesOf(`baseUrl: https://api.example.com
streams:
  - name: items
    path: /items
    primaryKey: id
    pageSize:
      max: ten
`)
    const issue = issueAt(issues, "streams[0].pageSize.max")
    assert.strictEqual(issue.line, 7)
    assert.match(issue.message, /number/i)
  })

  it("an unknown pagination style is refused at the pagination's line", () => {
    const issues = issuesOf(`baseUrl: https://api.example.com
streams:
  - name: items
    path: /items
    primaryKey: id
    pagination:
      style: infinite-scroll
`)
    const issue = issues.find((i) => i.path.startsWith("streams[0].pagination"))
    assert.isDefined(issue, JSON.stringify(issues))
    assert.include([6, 7], issue?.line)
    assert.match(issue?.message ?? "", /none|offset|page-number|cursor|next-link/)
  })

  it("a missing field and an unknown field are refused", () => {
    const issues = issuesOf(`baseUrl: https://api.example.com
streams:
  - name: items
    path: /items
    colour: blue
`)
    assert.strictEqual(issueAt(issues, "streams[0].primaryKey").line, 3)
    assert.strictEqual(issueAt(issues, "streams[0].colour").line, 5)
  })

  it("broken rules: an unknown parent, a placeholder without a parent, a duplicate name", () => {
    const issues = issuesOf(`baseUrl: https://api.example.com
streams:
  - name: items
    path: /items/{owner}
    primaryKey: id
  - name: children
    path: /items/{item}/children
    primaryKey: id
    parent: { stream: nothing, params: { item: id } }
  - name: items
    path: /other
    primaryKey: id
`)
    assert.match(issueAt(issues, "streams[0].path").message, /\{owner\} needs a parent stream/)
    assert.strictEqual(issueAt(issues, "streams[0].path").line, 4)
    assert.match(issueAt(issues, "streams[1].parent.stream").message, /declared before/)
    assert.strictEqual(issueAt(issues, "streams[1].parent.stream").line, 9)
    assert.match(issueAt(issues, "streams[2].name").message, /unique/)
  })

  it("YAML syntax errors name their line", () => {
    const issues = issuesOf(`baseUrl: https://api.example.com
streams:
  - name: items
    path: [unclosed
`)
    assert.isAbove(issues[0]?.line ?? 0, 3)
  })

  it("a document as JSON (the API's settings) is refused with its path", () => {
    const decoded = decodeDocument({ baseUrl: "ftp://x", streams: [] })
    assert.isTrue(Result.isFailure(decoded))
    if (Result.isFailure(decoded)) {
      const paths = decoded.failure.issues.map((issue) => issue.path)
      assert.include(paths, "baseUrl")
      assert.include(paths, "streams[0]")
    }
  })

  it.live("a record selector matching nothing in the answer is refused at the selector's line", () =>
    Effect.gen(function* () {
      const stripe = yield* FakeStripe.make({ customers: 3 })
      const error = yield* checkSource(`baseUrl: ${stripe.baseUrl}
streams:
  - name: customers
    path: /v1/customers
    records: /items
    primaryKey: id
`).pipe(Effect.flip)
      assert.strictEqual(error._tag, "DocumentError")
      if (error._tag === "DocumentError") {
        const issue = issueAt(error.issues, "streams[0].records")
        assert.strictEqual(issue.line, 5)
        assert.match(issue.message, /matches no array of records/)
      }
    }).pipe(Effect.scoped, Effect.provide(HttpStack))
  )
})
