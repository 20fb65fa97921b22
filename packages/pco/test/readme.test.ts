/**
 * The README's examples: each is the text of a file in `examples/`, and each runs here against the
 * fake (the test-fake example is itself a test, registered by importing it).
 */
import { readFileSync } from "node:fs"
import { assert, describe, it } from "@effect/vitest"
import { TestServer } from "@syncflow/adapter-core/testing"
import { Effect, Redacted } from "effect"
import { TestConsole } from "effect/testing"
import { main } from "../examples/standalone.ts"
import "../examples/testFake.ts"
import { receive } from "../examples/webhookReceiver.ts"
import { FakePco } from "../src/testing/index.ts"

const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8")
const examples = ["standalone.ts", "webhookReceiver.ts", "testFake.ts"] as const

describe("pco README", () => {
  for (const file of examples) {
    it(`shows examples/${file} verbatim`, () => {
      const example = readFileSync(new URL(`../examples/${file}`, import.meta.url), "utf8")
      assert.include(readme, example.trim())
    })
  }

  it.effect("standalone: lists every person with their emails", () =>
    Effect.gen(function* () {
      const fake = yield* FakePco.make({ people: 120 })
      const token = fake.personalAccessToken
      yield* main(token.username, Redacted.value(token.password), fake.baseUrl)
      const lines = (yield* TestConsole.logLines).map(String)
      assert.strictEqual(lines.length, 120)
      const person = fake.truth.get("Person", fake.truth.ids("Person")[3] ?? "")
      const emails = Array.from(fake.truth.all("Email")).filter(
        (email) =>
          JSON.stringify(email.relationships.person?.data) === JSON.stringify({ type: "Person", id: person?.id })
      )
      assert.strictEqual(lines[3], `${person?.attributes.name}: ${emails.map((e) => e.attributes.address).join(", ")}`)
      // Two requests: 100 people, then 20, each with their emails side-loaded.
      assert.deepStrictEqual(
        (yield* fake.requests).map((r) => r.url.searchParams.get("include")),
        ["emails", "emails"]
      )
    }).pipe(Effect.provide(TestConsole.layer))
  )

  it.effect("webhook receiver: accepts the fake's signed deliveries and refuses forged ones", () =>
    Effect.gen(function* () {
      const fake = yield* FakePco.make({ people: 10 })
      const secrets = new Map<string, Redacted.Redacted<string>>()
      const receiver = yield* TestServer.make((request) =>
        Effect.map(receive({ body: request.body, headers: request.headers }, secrets), (status) => ({ status }))
      )
      for (const name of ["people.v2.events.person.updated", "people.v2.events.person.destroyed"]) {
        const subscription = yield* fake.webhooks.subscribe({ name, url: receiver.baseUrl })
        secrets.set(name, subscription.secret)
      }
      const [a = "", b = ""] = fake.truth.ids("Person")
      yield* fake.mutate.update("Person", a, { nickname: "Amazing" })
      yield* fake.mutate.destroy("Person", b)
      const delivered = yield* fake.webhooks.deliver
      assert.deepStrictEqual(
        delivered.map((d) => d.status),
        [200, 200]
      )
      const lines = (yield* TestConsole.logLines).map(String)
      assert.deepStrictEqual(lines, [
        `person updated: Amazing ${fake.truth.get("Person", a)?.attributes.last_name}`,
        `person destroyed: ${b}`
      ])
      const forged = yield* receive(
        { body: delivered[0]?.body ?? "", headers: { ...delivered[0]?.headers, "x-pco-webhooks-authenticity": "00" } },
        secrets
      )
      assert.strictEqual(forged, 401)
      assert.strictEqual(yield* receive({ body: "{}", headers: {} }, secrets), 401)
    }).pipe(Effect.provide(TestConsole.layer))
  )
})
