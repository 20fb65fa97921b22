/**
 * Run by `packAndInstall.test.ts` inside a fresh project outside the repository, where the
 * `@syncflow/*` packages come from their packed tarballs: the adapter READMEs' examples (copied to
 * `./examples/<package>/`), against the fakes the packages ship. Each result is compared with what
 * the fake reports as its ground truth.
 */
import { assert, describe, it } from "@effect/vitest"
import { TestServer } from "@syncflow/adapter-core/testing"
import { FakeErp } from "@syncflow/apismith/testing"
import { FakePco } from "@syncflow/pco/testing"
import { Effect, Redacted } from "effect"
import { TestConsole } from "effect/testing"
import { DirectoryLive, syncPeople } from "./examples/adapter-core/quickstart.ts"
import { ApiSmithLive, readChanges } from "./examples/apismith/library.ts"
import { twoSyncs } from "./examples/apismith/testWithFake.ts"
import { main } from "./examples/pco/standalone.ts"
import "./examples/pco/testFake.ts"
import { receive } from "./examples/pco/webhookReceiver.ts"

describe("the installed packages' README examples", () => {
  it.live("apismith library: discovers the APIs and reads all rows, then the changes since a row version", () =>
    Effect.gen(function* () {
      const fake = yield* FakeErp.make({ secret: "s3cret", rows: { items: 1200 } })
      const all = yield* readChanges("items").pipe(Effect.provide(ApiSmithLive(fake.baseUrl, "s3cret")))
      assert.strictEqual(all.rows, fake.groundTruth.count("items"))
      assert.strictEqual(all.newest, fake.dataset.newestRowVersion("items"))
      const change = yield* fake.mutate("items", { update: 12 })
      const delta = yield* readChanges("items", change.rowVersion).pipe(
        Effect.provide(ApiSmithLive(fake.baseUrl, "s3cret"))
      )
      assert.deepStrictEqual([delta.rows, delta.newest], [change.updated.length, change.rowVersion])
    }).pipe(Effect.scoped)
  )

  it.live("apismith test example: two syncs against the fake, checked with its ground truth", () =>
    Effect.gen(function* () {
      const result = yield* twoSyncs
      assert.strictEqual(result.firstRun, 5000)
      assert.strictEqual(result.changed, 35)
      assert.strictEqual(result.expected, 5000 + 10 - 5)
      assert.deepStrictEqual(result.firstRow?.oracleKeys, { PART_NO: "PART-0000001" })
    })
  )

  it.effect("pco standalone: one line per person of the fake, with their emails", () =>
    Effect.gen(function* () {
      const fake = yield* FakePco.make({ people: 120 })
      const token = fake.personalAccessToken
      yield* main(token.username, Redacted.value(token.password), fake.baseUrl)
      const lines = (yield* TestConsole.logLines).map(String)
      assert.strictEqual(lines.length, fake.truth.ids("Person").length)
      const person = fake.truth.get("Person", fake.truth.ids("Person")[3] ?? "")
      const emails = Array.from(fake.truth.all("Email")).filter(
        (email) =>
          JSON.stringify(email.relationships.person?.data) === JSON.stringify({ type: "Person", id: person?.id })
      )
      assert.strictEqual(lines[3], `${person?.attributes.name}: ${emails.map((e) => e.attributes.address).join(", ")}`)
    }).pipe(Effect.provide(TestConsole.layer))
  )

  it.effect("pco webhook receiver: accepts the fake's signed deliveries, refuses a forged one", () =>
    Effect.gen(function* () {
      const fake = yield* FakePco.make({ people: 10 })
      const secrets = new Map<string, Redacted.Redacted<string>>()
      const receiver = yield* TestServer.make((request) =>
        Effect.map(receive({ body: request.body, headers: request.headers }, secrets), (status) => ({ status }))
      )
      const subscription = yield* fake.webhooks.subscribe({
        name: "people.v2.events.person.updated",
        url: receiver.baseUrl
      })
      secrets.set("people.v2.events.person.updated", subscription.secret)
      const [id = ""] = fake.truth.ids("Person")
      yield* fake.mutate.update("Person", id, { nickname: "Amazing" })
      const delivered = yield* fake.webhooks.deliver
      assert.deepStrictEqual(
        delivered.map((d) => d.status),
        [200]
      )
      const forged = { ...delivered[0]?.headers, "x-pco-webhooks-authenticity": "00" }
      assert.strictEqual(yield* receive({ body: delivered[0]?.body ?? "", headers: forged }, secrets), 401)
    }).pipe(Effect.provide(TestConsole.layer))
  )

  it.live("adapter-core quickstart: defines endpoints and streams every record of a server", () =>
    Effect.gen(function* () {
      const people = Array.from({ length: 5 }, (_, i) => ({
        id: String(i + 1),
        name: `P${i + 1}`,
        updated_at: "2026-02-01"
      }))
      const server = yield* TestServer.make((request) =>
        Effect.succeed(
          request.url.pathname === "/people/1"
            ? { body: { data: people[0] } }
            : request.url.pathname === "/people"
              ? { body: { data: people, links: {} } }
              : { status: 404, body: {} }
        )
      )
      const result = yield* syncPeople(server.baseUrl, "s3cret").pipe(Effect.provide(DirectoryLive))
      assert.deepStrictEqual(result.people, people)
      assert.deepStrictEqual(result.first, people[0])
    }).pipe(Effect.scoped)
  )
})
