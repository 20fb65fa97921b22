/**
 * The README's examples, shown verbatim, each run against a fake of its API: the five steps'
 * document reads every order of a fake orders API with its key in the header, and the mistakes the
 * steps show are refused with the messages shown; the GitHub-style and Stripe-style documents read
 * every record the fakes hold, and the Planning Center document reads the same people as the
 * hand-written `@syncflow/pco` adapter and as the fake's ground truth.
 */
import { readFileSync } from "node:fs"
import { assert, describe, it } from "@effect/vitest"
import { type Adapter, ApiKey, Bearer, type SourceRecord } from "@syncflow/adapter-core"
import { TestServer } from "@syncflow/adapter-core/testing"
import { PcoAdapter, PcoClient } from "@syncflow/pco"
import { FakePco } from "@syncflow/pco/testing"
import { Effect, Layer, Redacted, Result } from "effect"
import { readDocument } from "../src/document/readDocument.ts"
import { FakeGitHub, FakeStripe } from "../src/testing/index.ts"
import { allRecords, HttpStack, sourceOf } from "./support/httpStack.ts"

const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8")
const example = (name: string) => readFileSync(new URL(`../examples/${name}`, import.meta.url), "utf8")
/** The example with its base URL pointing at a fake. */
const against = (text: string, baseUrl: string) => text.replace(/^baseUrl: .*$/m, `baseUrl: ${baseUrl}`)

/** The first YAML block of the README (the five steps' document), without its list indentation. */
const tutorial = (() => {
  const block = /\n( *)```yaml\n([\s\S]*?)\n *```/.exec(readme)
  const indent = block?.[1] ?? ""
  return (block?.[2] ?? "")
    .split("\n")
    .map((line) => (line.startsWith(indent) ? line.slice(indent.length) : line))
    .join("\n")
})()

/** 23 orders, `{data: [...]}` by `page` and `per_page`, for the key `k3y` in `X-Api-Key` only. */
const orders = Array.from({ length: 23 }, (_, i) => ({ id: i + 1, total: `${(i + 1) * 10}.50`, status: "paid" }))
const fakeOrders = TestServer.make((request) =>
  Effect.sync((): TestServer.TestResponse => {
    if (request.headers["x-api-key"] !== "k3y") return { status: 401, body: { error: "bad key" } }
    if (request.url.pathname !== "/v2/orders") return { status: 404, body: {} }
    const page = Number(request.url.searchParams.get("page") ?? "1")
    const perPage = Number(request.url.searchParams.get("per_page") ?? "25")
    return { body: { data: orders.slice((page - 1) * perPage, page * perPage) } }
  })
)

const byId = (records: ReadonlyArray<SourceRecord>) =>
  [...records].sort((a, b) => String(a.id).localeCompare(String(b.id)))

describe("rest README", () => {
  it("shows every example file verbatim", () => {
    for (const name of ["github.yaml", "stripe.yaml", "pco-people.yaml"]) assert.include(readme, example(name).trim())
  })

  it.live("the five steps' document reads every order; the mistakes shown are refused as shown", () =>
    Effect.gen(function* () {
      const server = yield* fakeOrders
      assert.include(tutorial, "name: orders")
      const { adapter } = yield* sourceOf(
        against(tutorial, server.baseUrl),
        new ApiKey({ in: "header", name: "X-Api-Key", key: Redacted.make("k3y") })
      )
      assert.deepStrictEqual(yield* allRecords(adapter, "orders", { pageSize: 10 }), orders)
      assert.deepStrictEqual(
        (yield* server.requests).map((request) => request.url.searchParams.get("page")),
        ["1", "2", "3"]
      )
      const prose = readme.replace(/\s+/g, " ")
      for (const mistake of ["{ style: scroll }", "{ style: offset, offsetParam: 5 }"]) {
        assert.include(prose, `\`pagination: ${mistake}\` gives`)
        const refused = readDocument(
          tutorial.replace("{ style: page-number, pageParam: page, sizeParam: per_page }", mistake)
        )
        if (Result.isSuccess(refused)) return assert.fail(`${mistake} was accepted`)
        assert.include(prose, `\`${refused.failure.message}\``)
      }
    }).pipe(Effect.scoped, Effect.provide(HttpStack))
  )

  it.live("the GitHub example reads every repository and issue of the fake", () =>
    Effect.gen(function* () {
      const github = yield* FakeGitHub.make({ token: "ghp_x", repositories: 2, issuesPerRepository: 4 })
      const { adapter } = yield* sourceOf(
        against(example("github.yaml"), github.baseUrl),
        new Bearer({ token: Redacted.make("ghp_x") })
      )
      assert.deepStrictEqual(
        (yield* allRecords(adapter, "repositories")).map((r) => r.full_name),
        github.repositories.map((r) => r.full_name)
      )
      const issues = yield* allRecords(adapter, "issues")
      assert.deepStrictEqual(
        issues.map((issue) => [issue.owner, issue.repo, issue.id]).sort(),
        github.repositories.flatMap((r) => r.issues.map((issue) => [r.owner.login, r.name, issue.id])).sort()
      )
    }).pipe(Effect.scoped, Effect.provide(HttpStack))
  )

  it.live("the Stripe example reads every customer of the fake", () =>
    Effect.gen(function* () {
      const stripe = yield* FakeStripe.make({ customers: 130, secretKey: "sk_live" })
      const { adapter } = yield* sourceOf(
        against(example("stripe.yaml"), stripe.baseUrl),
        new Bearer({ token: Redacted.make("sk_live") })
      )
      const customers = yield* allRecords(adapter, "customers")
      assert.deepStrictEqual(
        customers.map((c) => [c.id, c.email, c.address_city]),
        stripe.customers.map((c) => [c.id, c.email, c.address.city])
      )
    }).pipe(Effect.scoped, Effect.provide(HttpStack))
  )

  it.live("the Planning Center example reads the hand-written adapter's people, which are the fake's", () =>
    Effect.gen(function* () {
      const fake = yield* FakePco.make({ people: 130, seed: 11 })
      const { adapter } = yield* sourceOf(against(example("pco-people.yaml"), fake.baseUrl), fake.personalAccessToken)
      const declarative = byId(yield* allRecords(adapter, "person"))
      const handWritten: Adapter = yield* Effect.provide(
        Effect.gen(function* () {
          return yield* PcoAdapter
        }),
        PcoAdapter.layer.pipe(
          Layer.provide(
            PcoClient.layer({
              connectionId: "hand-written",
              credentials: fake.personalAccessToken,
              baseUrl: fake.baseUrl
            })
          )
        )
      )
      const expected = byId(yield* allRecords(handWritten, "person"))
      assert.strictEqual(declarative.length, 130)
      assert.deepStrictEqual(
        declarative.map((person) => person.id),
        [...fake.truth.ids("Person")].sort()
      )
      assert.deepStrictEqual(declarative, expected)
      // Incremental: only the people changed since a moment, as the hand-written adapter lists them.
      const [someone = ""] = fake.truth.ids("Person")
      const changed = yield* fake.mutate.update("Person", someone, { first_name: "Changed" })
      const since = String(changed?.attributes.updated_at)
      const changedOnly = yield* allRecords(adapter, "person", { since })
      assert.deepStrictEqual(byId(changedOnly), byId(yield* allRecords(handWritten, "person", { since })))
      assert.include(
        changedOnly.map((person) => person.first_name),
        "Changed"
      )
    }).pipe(Effect.scoped, Effect.provide(HttpStack))
  )
})
