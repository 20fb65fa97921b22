import { assert, describe, it } from "@effect/vitest"
import { Effect, Result } from "effect"
import { scheduleHubPlugin } from "../src/index.ts"
import { FakeScheduleHub } from "../src/testing/index.ts"
import { ClientStack, item } from "./support/harness.ts"

describe("scheduleHubPlugin", () => {
  it("checks settings and credentials, naming what is wrong", () => {
    assert.deepStrictEqual(scheduleHubPlugin.capabilities, {
      discover: true,
      incremental: false,
      webhooks: false,
      oauth2: false,
      write: true
    })
    assert.isTrue(Result.isSuccess(scheduleHubPlugin.checkSettings({ baseUrl: "http://schedulehub:8010" })))
    const badSettings = scheduleHubPlugin.checkSettings({ baseUrl: "http://schedulehub:8010", requestsPerSecond: 0 })
    assert.isTrue(Result.isFailure(badSettings) && badSettings.failure.message.includes("requestsPerSecond"))
    const settings = { baseUrl: "http://schedulehub:8010" }
    const credentials = scheduleHubPlugin.checkCredentials(
      { type: "serviceJwt", secret: "s3cret" },
      { settings, oauthRedirectUri: "http://localhost/cb" }
    )
    assert.strictEqual(Result.isSuccess(credentials) && credentials.success._tag, "ServiceJwt")
    assert.isTrue(
      Result.isFailure(
        scheduleHubPlugin.checkCredentials({ type: "apiKey" }, { settings, oauthRedirectUri: "http://localhost/cb" })
      )
    )
    assert.strictEqual(JSON.stringify(scheduleHubPlugin.credentialsJsonSchema).includes('"writeOnly":true'), true)
  })

  it.live("builds a connector's adapter without a request, then discovers and writes through it", () =>
    Effect.gen(function* () {
      const fake = yield* FakeScheduleHub.make({ secret: "s3cret" })
      const settings = { baseUrl: fake.baseUrl }
      const credentials = scheduleHubPlugin.checkCredentials(
        { type: "serviceJwt", secret: "s3cret" },
        { settings, oauthRedirectUri: "http://localhost/cb" }
      )
      if (Result.isFailure(credentials)) return assert.fail(credentials.failure.message)
      const { adapter } = yield* scheduleHubPlugin.build({
        connectorId: "hub",
        settings,
        credentials: credentials.success
      })
      assert.strictEqual((yield* fake.stats).requests, 0)
      yield* adapter.testConnection
      assert.include(adapter.write?.entities ?? [], "order_lines")
      const created = yield* adapter.write?.create("items", item(1)) ?? Effect.die("no write side")
      assert.strictEqual(created._tag, "created")
      assert.strictEqual((yield* fake.records("items")).length, 1)
      assert.isFalse(JSON.stringify(credentials.success).includes("s3cret"))
    }).pipe(Effect.scoped, Effect.provide(ClientStack))
  )
})
