import { readFileSync } from "node:fs"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Result, Scope, Stream } from "effect"
import { directoryPlugin } from "../examples/directoryPlugin.ts"
import { DirectoryLive, syncPeople } from "../examples/quickstart.ts"
import { TestServer } from "../src/testing/index.ts"

const people = Array.from({ length: 7 }, (_, i) => ({
  id: String(i + 1),
  name: `Person ${i + 1}`,
  updated_at: `2026-02-0${i + 1}`
}))

const directory = (request: TestServer.TestRequest): Effect.Effect<TestServer.TestResponse> =>
  Effect.sync(() => {
    if (request.headers.authorization !== "Bearer s3cret") return { status: 401, body: { error: "unauthorized" } }
    if (request.url.pathname === "/people/1") return { body: { data: people[0] } }
    if (request.url.pathname !== "/people") return { status: 404, body: {} }
    const offset = Number(request.url.searchParams.get("offset") ?? 0)
    const size = Math.min(3, Number(request.url.searchParams.get("per_page") ?? 3))
    const since = request.url.searchParams.get("where[updated_at][gte]") ?? ""
    const data = people.filter((p) => p.updated_at >= since).slice(offset, offset + size)
    const next =
      offset + size < people.length
        ? `http://${request.headers.host}/people?per_page=${size}&offset=${offset + size}&where[updated_at][gte]=${since}&order=updated_at`
        : undefined
    return { body: { data, links: next === undefined ? {} : { next } } }
  })

describe("adapter-core README", () => {
  it("shows the example file verbatim", () => {
    const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8")
    const example = readFileSync(new URL("../examples/quickstart.ts", import.meta.url), "utf8")
    assert.include(readme, example.trim())
  })

  it.live("its example defines two endpoints, builds the client and streams every record", () =>
    Effect.gen(function* () {
      const server = yield* TestServer.make(directory)
      const result = yield* syncPeople(server.baseUrl, "s3cret").pipe(Effect.provide(DirectoryLive))
      assert.deepStrictEqual(result.people, people)
      assert.deepStrictEqual(result.first, people[0])
      const requests = yield* server.requests
      const first = requests[0]?.url.searchParams
      assert.strictEqual(first?.get("where[updated_at][gte]"), "2026-01-01")
      assert.strictEqual(first?.get("order"), "updated_at")
      assert.strictEqual(first?.get("per_page"), "100")
    }).pipe(Effect.scoped)
  )

  it("shows the plugin example verbatim", () => {
    const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8")
    const example = readFileSync(new URL("../examples/directoryPlugin.ts", import.meta.url), "utf8")
    assert.include(readme, example.trim())
  })

  it("its plugin refuses bad settings naming the field and publishes its secrets as write-only", () => {
    const bad = directoryPlugin.checkSettings({ baseUrl: "ftp://directory" })
    assert.isTrue(Result.isFailure(bad))
    const unknown = directoryPlugin.checkSettings({ baseUrl: "http://directory", pageSise: 3 })
    assert.isTrue(Result.isFailure(unknown))
    assert.deepStrictEqual(
      directoryPlugin.checkSettings({ baseUrl: "http://directory" }),
      Result.succeed({ baseUrl: "http://directory" })
    )
    const credentials = directoryPlugin.credentialsJsonSchema
    assert.deepInclude(credentials, { type: "object", required: ["type", "token"] })
    assert.include(JSON.stringify(credentials.properties), '"writeOnly":true')
    assert.include(JSON.stringify(credentials.properties), '"format":"password"')
    assert.deepStrictEqual(directoryPlugin.capabilities, {
      discover: false,
      incremental: true,
      oauth2: false,
      write: false,
      webhooks: false
    })
  })

  it.live("its plugin builds an adapter from settings and credentials that lists every person", () =>
    Effect.gen(function* () {
      const server = yield* TestServer.make(directory)
      const settings = { baseUrl: server.baseUrl, pageSize: 3 }
      const credentials = directoryPlugin.checkCredentials(
        { type: "token", token: "s3cret" },
        { settings, oauthRedirectUri: "http://127.0.0.1/callback" }
      )
      if (Result.isFailure(credentials)) return assert.fail(credentials.failure.message)
      assert.notInclude(JSON.stringify(credentials.success), "s3cret")
      const scope = yield* Scope.make()
      const { adapter } = yield* directoryPlugin
        .build({ connectorId: "acme", settings, credentials: credentials.success })
        .pipe(Scope.provide(scope))
      const [manifest] = yield* adapter.manifests
      assert.strictEqual(manifest?.entity, "person")
      const pages = yield* Stream.runCollect(adapter.streamPages("person"))
      assert.deepStrictEqual(
        pages.flatMap((page) => page.items),
        people
      )
      const missing = yield* directoryPlugin
        .build({ connectorId: "acme", settings, credentials: undefined })
        .pipe(Scope.provide(scope), Effect.flip)
      assert.strictEqual(missing._tag, "ConnectorSetupError")
    }).pipe(Effect.scoped, Effect.provide(DirectoryLive))
  )
})
