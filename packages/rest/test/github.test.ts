/**
 * A GitHub-style API described as a document: an organization's repositories, and each one's issues
 * as a substream (the repository's owner and name in the path, kept on each issue as its foreign
 * key), paged by `page`/`per_page` with the `Link` header, listed incrementally with `since`.
 */
import { assert, describe, it } from "@effect/vitest"
import { Bearer } from "@syncflow/adapter-core"
import { Effect, Redacted, Stream } from "effect"
import { FakeGitHub } from "../src/testing/index.ts"
import { allRecords, HttpStack, sourceOf } from "./support/httpStack.ts"

const document = (baseUrl: string, organization: string) => `
baseUrl: ${baseUrl}
headers: { Accept: application/vnd.github+json }
auth: { type: bearer }
streams:
  - name: repositories
    path: /orgs/${organization}/repos
    primaryKey: id
    pageSize: { max: 2 }
    pagination: { style: next-link, next: link-header }
    select: [id, name, owner_login]
    flatten: {}
  - name: issues
    path: /repos/{owner}/{repo}/issues
    query: { state: all, sort: updated, direction: asc }
    primaryKey: id
    parent: { stream: repositories, params: { owner: owner_login, repo: name } }
    incremental: { cursorField: updated_at, param: since, format: iso8601 }
    pageSize: { max: 3 }
    pagination: { style: next-link, next: link-header }
    fields: { author: /user/login }
    exclude: [user]
    columns:
      id: integer
      number: integer
      title: string
      state: string
      labels: json
      author: string
      created_at: timestamp
      updated_at: timestamp
`

const bearer = (token: string) => new Bearer({ token: Redacted.make(token) })

describe("GitHub-style source", () => {
  it.live("repositories and every repository's issues, paged by Link header, equal the fake's", () =>
    Effect.gen(function* () {
      const github = yield* FakeGitHub.make({ token: "ghp_secret", repositories: 3, issuesPerRepository: 7 })
      const { adapter } = yield* sourceOf(document(github.baseUrl, github.organization), bearer("ghp_secret"))
      const repositories = yield* allRecords(adapter, "repositories")
      assert.deepStrictEqual(
        repositories,
        github.repositories.map((r) => ({ id: r.id, name: r.name, owner_login: r.owner.login }))
      )
      const issues = yield* allRecords(adapter, "issues")
      const expected = github.repositories.flatMap((r) =>
        [...r.issues]
          .sort((a, b) => a.updated_at.localeCompare(b.updated_at))
          .map(({ user, ...issue }) => ({
            ...issue,
            author: user.login,
            owner: r.owner.login,
            repo: r.name,
            repositories_id: r.id
          }))
      )
      assert.deepStrictEqual(issues, expected)
      const manifests = yield* adapter.manifests
      const issuesManifest = manifests.find((m) => m.entity === "issues")
      // The path is filled from the owner and name, not the repository's key: each issue gets the key.
      assert.deepStrictEqual(issuesManifest?.parents, [{ entity: "repositories", foreignKey: ["repositories_id"] }])
      assert.strictEqual(issuesManifest?.cursorField, "updated_at")
      assert.strictEqual(issuesManifest?.deltaStrategy, "rowversion")
      assert.strictEqual(issuesManifest?.columns?.find((c) => c.name === "id")?.businessKey, true)
      // Every request carried the bearer token and the document's header.
      for (const request of yield* github.requests) {
        assert.strictEqual(request.headers.authorization, "Bearer ghp_secret")
        assert.strictEqual(request.headers.accept, "application/vnd.github+json")
      }
    }).pipe(Effect.scoped, Effect.provide(HttpStack))
  )

  it.live("an incremental listing asks with since and gets only the issues changed since", () =>
    Effect.gen(function* () {
      const github = yield* FakeGitHub.make({ repositories: 2, issuesPerRepository: 5 })
      const { adapter } = yield* sourceOf(document(github.baseUrl, github.organization), bearer("any"))
      const changed = github.repositories[1]?.issues[2]
      assert.isDefined(changed)
      github.edit(changed?.id ?? 0, "Edited", "2025-06-01T12:00:00Z")
      const issues = yield* allRecords(adapter, "issues", { since: "2025-01-01T00:00:00Z" })
      assert.deepStrictEqual(
        issues.map((issue) => [issue.id, issue.title]),
        [[changed?.id, "Edited"]]
      )
      const sinceParams = (yield* github.requests)
        .filter((request) => request.url.pathname.endsWith("/issues"))
        .map((request) => request.url.searchParams.get("since"))
      assert.deepStrictEqual(sinceParams, ["2025-01-01T00:00:00Z", "2025-01-01T00:00:00Z"])
    }).pipe(Effect.scoped, Effect.provide(HttpStack))
  )

  it.live("a substream resumes inside a parent from a saved cursor", () =>
    Effect.gen(function* () {
      const github = yield* FakeGitHub.make({ repositories: 3, issuesPerRepository: 7 })
      const { adapter } = yield* sourceOf(document(github.baseUrl, github.organization), bearer("any"))
      const pages = yield* Stream.runCollect(adapter.streamPages("issues"))
      const all = pages.flatMap((page) => page.items.map((issue) => issue.id))
      // 7 issues a repository, 3 a page: 3 pages per repository.
      assert.strictEqual(pages.length, 9)
      const saved = pages[4]?.next
      assert.isDefined(saved)
      const resumed = yield* allRecords(adapter, "issues", { from: saved })
      assert.deepStrictEqual(
        resumed.map((issue) => issue.id),
        all.slice(pages.slice(0, 5).reduce((n, page) => n + page.items.length, 0))
      )
    }).pipe(Effect.scoped, Effect.provide(HttpStack))
  )

  it.live("refused credentials are adapter-core's Unauthorized", () =>
    Effect.gen(function* () {
      const github = yield* FakeGitHub.make({ token: "right" })
      const { adapter } = yield* sourceOf(document(github.baseUrl, github.organization), bearer("wrong"))
      const error = yield* Effect.flip(adapter.testConnection)
      assert.strictEqual(error._tag, "Unauthorized")
    }).pipe(Effect.scoped, Effect.provide(HttpStack))
  )
})
