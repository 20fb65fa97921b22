/**
 * The alerts' configuration from the environment: defaults, `off`, thresholds checked as the rules
 * take them, webhooks as a JSON array with a signing secret each, and errors that name the variable
 * and the field but never quote a webhook's URL or secret.
 */
import { assert, describe, it } from "@effect/vitest"
import { defaultAlertThresholds } from "@syncflow/sync-engine"
import { ConfigProvider, Duration, Effect, Redacted } from "effect"
import { loadAlertSettings } from "../src/alerts/AlertSettings.ts"

const load = (env: Record<string, string>) =>
  loadAlertSettings.pipe(Effect.provideService(ConfigProvider.ConfigProvider, ConfigProvider.fromEnv({ env })))

const failure = (env: Record<string, string>) => Effect.map(Effect.flip(load(env)), (error) => error.message)

describe("alert settings", () => {
  it.effect("defaults: every rule on, evaluated every minute, no webhooks", () =>
    Effect.gen(function* () {
      const settings = yield* load({})
      assert.deepStrictEqual(settings.thresholds, defaultAlertThresholds)
      assert.strictEqual(Duration.toSeconds(settings.every), 60)
      assert.deepStrictEqual(settings.webhooks, [])
    })
  )

  it.effect("thresholds, off, the evaluation period and webhooks from the environment", () =>
    Effect.gen(function* () {
      const settings = yield* load({
        SYNCFLOW_ALERT_CONSECUTIVE_FAILURES: "5",
        SYNCFLOW_ALERT_NOT_SYNCED_FACTOR: "2.5",
        SYNCFLOW_ALERT_FAILED_RECORDS: "off",
        SYNCFLOW_ALERT_EVERY_SECONDS: "15",
        SYNCFLOW_ALERT_WEBHOOKS: JSON.stringify([
          { name: "ops", url: "https://ops.example.com/hook" },
          {
            name: "slack",
            url: "https://hooks.slack.com/services/T/B/X",
            format: "slack",
            secret: "its-own-secret-123"
          }
        ]),
        SYNCFLOW_ALERT_WEBHOOK_SECRET: "a-shared-secret-0123"
      })
      assert.deepStrictEqual(settings.thresholds, {
        ...defaultAlertThresholds,
        consecutiveFailures: 5,
        notSyncedFactor: 2.5,
        failedRecords: null
      })
      assert.strictEqual(Duration.toSeconds(settings.every), 15)
      assert.deepStrictEqual(
        settings.webhooks.map((webhook) => [
          webhook.name,
          Redacted.value(webhook.url),
          webhook.format,
          Redacted.value(webhook.secret)
        ]),
        [
          ["ops", "https://ops.example.com/hook", "json", "a-shared-secret-0123"],
          ["slack", "https://hooks.slack.com/services/T/B/X", "slack", "its-own-secret-123"]
        ]
      )
      // Secrets stay redacted when the settings are printed.
      assert.notInclude(String(settings.webhooks[1]?.url), "hooks.slack.com")
    })
  )

  it.effect("bad values name their variable and field, never a URL or a secret", () =>
    Effect.gen(function* () {
      assert.include(
        yield* failure({ SYNCFLOW_ALERT_CONSECUTIVE_FAILURES: "0" }),
        "SYNCFLOW_ALERT_CONSECUTIVE_FAILURES"
      )
      assert.include(yield* failure({ SYNCFLOW_ALERT_LONG_RUN_MINUTES: "soon" }), "SYNCFLOW_ALERT_LONG_RUN_MINUTES")
      assert.include(yield* failure({ SYNCFLOW_ALERT_EVERY_SECONDS: "0" }), "SYNCFLOW_ALERT_EVERY_SECONDS")
      const notJson = yield* failure({ SYNCFLOW_ALERT_WEBHOOKS: "https://secret.example.com/T0K3N" })
      assert.include(notJson, "SYNCFLOW_ALERT_WEBHOOKS: expected a JSON array")
      assert.notInclude(notJson, "T0K3N")
      const badUrl = yield* failure({
        SYNCFLOW_ALERT_WEBHOOKS: JSON.stringify([{ name: "ops", url: "ftp://T0K3N@example.com" }]),
        SYNCFLOW_ALERT_WEBHOOK_SECRET: "a-shared-secret-0123"
      })
      assert.strictEqual(badUrl, "SYNCFLOW_ALERT_WEBHOOKS: entry 0: url must be an http or https URL")
      const shortSecret = yield* failure({
        SYNCFLOW_ALERT_WEBHOOKS: JSON.stringify([{ name: "ops", url: "https://x.example.com", secret: "T0K3N" }])
      })
      assert.strictEqual(
        shortSecret,
        "SYNCFLOW_ALERT_WEBHOOKS: entry 0: secret must be a string of at least 16 characters"
      )
      const noSecret = yield* failure({
        SYNCFLOW_ALERT_WEBHOOKS: JSON.stringify([{ name: "ops", url: "https://x.example.com" }])
      })
      assert.include(noSecret, "SYNCFLOW_ALERT_WEBHOOK_SECRET")
      const twice = yield* failure({
        SYNCFLOW_ALERT_WEBHOOKS: JSON.stringify([
          { name: "ops", url: "https://a.example.com" },
          { name: "ops", url: "https://b.example.com" }
        ]),
        SYNCFLOW_ALERT_WEBHOOK_SECRET: "a-shared-secret-0123"
      })
      assert.include(twice, 'two webhooks are named "ops"')
    })
  )
})
