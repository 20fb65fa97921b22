import { readFileSync } from "node:fs"
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { N8nLive, runOnce } from "../examples/workflows.ts"
import { FakeN8n, webhookWorkflow } from "../src/testing/index.ts"

const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8")
const example = (name: string) => readFileSync(new URL(`../examples/${name}`, import.meta.url), "utf8").trim()

describe("n8n README", () => {
  it("shows the example file verbatim", () => {
    assert.include(readme, example("workflows.ts"))
  })

  it.live("the example creates, activates and runs a webhook workflow in the fake", () =>
    Effect.gen(function* () {
      const fake = yield* FakeN8n.make()
      const result = yield* runOnce(webhookWorkflow("Hello", "hello"), { hello: "world" }).pipe(
        Effect.provide(N8nLive(fake.baseUrl, fake.apiKey))
      )
      assert.deepStrictEqual(result, { answer: { message: "Workflow was started" }, statuses: ["success"] })
      assert.deepStrictEqual(
        (yield* fake.deliveries("hello")).map((d) => [d.body, d.idempotencyKey]),
        [[{ hello: "world" }, "run-1"]]
      )
    }).pipe(Effect.scoped)
  )
})
