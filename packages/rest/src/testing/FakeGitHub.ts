/**
 * A small GitHub-style API on loopback HTTP, for tests and the README's example: repositories of an
 * organization and their issues, as bare JSON arrays paged with `page`/`per_page` and a `Link`
 * header (`rel="next"`), issues filtered by `since` (updated at or after) and sorted by update time.
 * Requests need `Authorization: Bearer <token>` unless the fake is told otherwise.
 */
import { TestServer } from "@syncflow/adapter-core/testing"
import { Effect, type Scope } from "effect"

/** An issue as the fake serves it. */
export interface FakeIssue {
  readonly id: number
  readonly number: number
  readonly title: string
  readonly state: "open" | "closed"
  readonly user: { readonly login: string; readonly id: number }
  readonly labels: ReadonlyArray<{ readonly name: string }>
  readonly created_at: string
  updated_at: string
}

/** A repository as the fake serves it. */
export interface FakeRepository {
  readonly id: number
  readonly name: string
  readonly full_name: string
  readonly owner: { readonly login: string }
  readonly issues: Array<FakeIssue>
}

/** Options of the fake. */
export interface FakeGitHubOptions {
  readonly organization?: string
  readonly repositories?: number
  readonly issuesPerRepository?: number
  /** The token requests must carry; `undefined` accepts any request (auth tested elsewhere). */
  readonly token?: string | undefined
  /** Decides whether a request is authorized instead of `token` (e.g. a live OAuth2 access token). */
  readonly authorize?: ((request: TestServer.TestRequest) => Effect.Effect<boolean>) | undefined
}

/** A running fake GitHub. */
export interface FakeGitHub {
  readonly baseUrl: string
  readonly organization: string
  /** The ground truth: the repositories with their issues. */
  readonly repositories: ReadonlyArray<FakeRepository>
  /** Sets an issue's title and `updated_at` (an edit upstream). */
  readonly edit: (issueId: number, title: string, updatedAt: string) => void
  readonly requests: Effect.Effect<ReadonlyArray<TestServer.TestRequest>>
}

const day = (n: number) => new Date(Date.UTC(2024, 0, 1) + n * 3_600_000).toISOString().replace(".000Z", "Z")

/** Starts the fake for the life of the scope. */
export const make = Effect.fnUntraced(function* (
  options: FakeGitHubOptions = {}
): Effect.fn.Return<FakeGitHub, never, Scope.Scope> {
  const organization = options.organization ?? "acme"
  let nextIssue = 1000
  const repositories: Array<FakeRepository> = Array.from({ length: options.repositories ?? 3 }, (_, r) => {
    const name = `repo-${r + 1}`
    return {
      id: 500 + r,
      name,
      full_name: `${organization}/${name}`,
      owner: { login: organization },
      issues: Array.from({ length: options.issuesPerRepository ?? 7 }, (_, i) => {
        const id = nextIssue++
        return {
          id,
          number: i + 1,
          title: `Issue ${i + 1} of ${name}`,
          state: i % 3 === 0 ? "closed" : "open",
          user: { login: `user${id % 4}`, id: id % 4 },
          labels: i % 2 === 0 ? [{ name: "bug" }] : [],
          created_at: day(id - 1000),
          updated_at: day(id - 1000 + 1)
        }
      })
    }
  })

  const page = (request: TestServer.TestRequest, all: ReadonlyArray<unknown>): TestServer.TestResponse => {
    const perPage = Math.min(100, Number(request.url.searchParams.get("per_page") ?? "30"))
    const number = Number(request.url.searchParams.get("page") ?? "1")
    const items = all.slice((number - 1) * perPage, number * perPage)
    const last = Math.max(1, Math.ceil(all.length / perPage))
    const link = (p: number) => {
      const url = new URL(request.url.pathname + request.url.search, "http://x")
      url.searchParams.set("page", String(p))
      url.searchParams.set("per_page", String(perPage))
      return `<${server.baseUrl}${url.pathname}${url.search}>`
    }
    const links = [...(number < last ? [`${link(number + 1)}; rel="next"`] : []), `${link(last)}; rel="last"`]
    return { body: items, headers: { link: links.join(", ") } }
  }

  const authorized = (request: TestServer.TestRequest) =>
    options.authorize !== undefined
      ? options.authorize(request)
      : Effect.succeed(options.token === undefined || request.headers.authorization === `Bearer ${options.token}`)

  const server = yield* TestServer.make((request) =>
    Effect.gen(function* () {
      if (!(yield* authorized(request))) return { status: 401, body: { message: "Bad credentials" } }
      const path = request.url.pathname
      if (path === `/orgs/${organization}/repos`) {
        return page(
          request,
          repositories.map(({ issues: _, ...repository }) => repository)
        )
      }
      const match = /^\/repos\/([^/]+)\/([^/]+)\/issues$/.exec(path)
      const repository = repositories.find((r) => match !== null && r.owner.login === match[1] && r.name === match[2])
      if (repository === undefined) return { status: 404, body: { message: "Not Found" } }
      const since = request.url.searchParams.get("since")
      const issues = repository.issues
        .filter((issue) => since === null || issue.updated_at >= since)
        .sort((a, b) => a.updated_at.localeCompare(b.updated_at) || a.id - b.id)
      return page(request, issues)
    })
  )
  return {
    baseUrl: server.baseUrl,
    organization,
    repositories,
    edit: (issueId, title, updatedAt) => {
      for (const repository of repositories) {
        const index = repository.issues.findIndex((issue) => issue.id === issueId)
        const issue = repository.issues[index]
        if (issue !== undefined) repository.issues[index] = { ...issue, title, updated_at: updatedAt }
      }
    },
    requests: server.requests
  }
})
