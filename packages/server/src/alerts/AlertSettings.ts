/**
 * The alerts' configuration, from the environment: the global thresholds of the rules (each
 * `off` to turn a rule off), how often they are evaluated, and the webhooks each state change is
 * delivered to. Entities override the thresholds with their `alerts` setting. Every runner of a
 * cluster should have the same configuration: whichever hosts the evaluator uses its own.
 *
 * | variable | default |
 * |---|---|
 * | `SYNCFLOW_ALERT_CONSECUTIVE_FAILURES` | 3 |
 * | `SYNCFLOW_ALERT_LONG_RUN_MINUTES` | 60 |
 * | `SYNCFLOW_ALERT_NOT_SYNCED_FACTOR` | 3 |
 * | `SYNCFLOW_ALERT_UPSTREAM_UNREACHABLE_MINUTES` | 15 |
 * | `SYNCFLOW_ALERT_FAILED_RECORDS` | 100 |
 * | `SYNCFLOW_ALERT_PENDING_CHILD_MINUTES` | 60 |
 * | `SYNCFLOW_ALERT_EVERY_SECONDS` | 60 |
 * | `SYNCFLOW_ALERT_WEBHOOKS` | none: `[{"name":"ops","url":"https://...","format":"json"}]` |
 * | `SYNCFLOW_ALERT_WEBHOOK_SECRET` | none; required when a webhook has no `secret` |
 */
import { AlertThresholds, defaultAlertThresholds } from "@syncflow/sync-engine"
import { Config, Duration, Effect, Option, Redacted, Schema } from "effect"
import { ConfigurationError } from "../config/ServerSecrets.ts"
import { type AlertWebhook, AlertWebhookEntry } from "./AlertWebhook.ts"

/** The alerts' settings. */
export interface AlertSettings {
  /** The global thresholds; `null`: the rule is off. */
  readonly thresholds: AlertThresholds
  /** How often the rules are evaluated. */
  readonly every: Duration.Duration
  /** Where state changes are delivered. */
  readonly webhooks: ReadonlyArray<AlertWebhook>
}

/** The alerts' settings when nothing is configured: default thresholds, every minute, no webhooks. */
export const defaultAlertSettings: AlertSettings = {
  thresholds: defaultAlertThresholds,
  every: Duration.minutes(1),
  webhooks: []
}

/** The environment variable of each threshold. */
export const thresholdVariables: { readonly [K in keyof AlertThresholds]: string } = {
  consecutiveFailures: "SYNCFLOW_ALERT_CONSECUTIVE_FAILURES",
  longRunMinutes: "SYNCFLOW_ALERT_LONG_RUN_MINUTES",
  notSyncedFactor: "SYNCFLOW_ALERT_NOT_SYNCED_FACTOR",
  upstreamUnreachableMinutes: "SYNCFLOW_ALERT_UPSTREAM_UNREACHABLE_MINUTES",
  failedRecords: "SYNCFLOW_ALERT_FAILED_RECORDS",
  pendingChildMinutes: "SYNCFLOW_ALERT_PENDING_CHILD_MINUTES"
}

const keys = Object.keys(thresholdVariables) as ReadonlyArray<keyof AlertThresholds>

const raw = Config.all({
  thresholds: Config.all(
    Object.fromEntries(keys.map((key) => [key, Config.option(Config.String(thresholdVariables[key]))])) as {
      readonly [K in keyof AlertThresholds]: Config.Config<Option.Option<string>>
    }
  ),
  everySeconds: Config.option(Config.String("SYNCFLOW_ALERT_EVERY_SECONDS")),
  webhooks: Config.option(Config.Redacted("SYNCFLOW_ALERT_WEBHOOKS")),
  secret: Config.option(Config.Redacted("SYNCFLOW_ALERT_WEBHOOK_SECRET"))
})

const PositiveSeconds = Schema.NumberFromString.check(Schema.isInt(), Schema.isBetween({ minimum: 1, maximum: 86_400 }))
const JsonArray = Schema.fromJsonString(Schema.Array(Schema.Unknown))

/** What each field of a webhook entry must be (the messages never quote values: URLs and secrets are credentials). */
const fieldExpectations: { readonly [K in keyof AlertWebhookEntry]-?: string } = {
  name: "1 to 64 letters, digits, '.', '_' or '-'",
  url: "an http or https URL",
  format: '"json" or "slack"',
  secret: "a string of at least 16 characters"
}

/** The entries of `SYNCFLOW_ALERT_WEBHOOKS`; a bad one names its index and field, never a value. */
const webhookEntries = Effect.fnUntraced(function* (value: Redacted.Redacted<string>) {
  const variable = "SYNCFLOW_ALERT_WEBHOOKS"
  const items = yield* Schema.decodeUnknownEffect(JsonArray)(Redacted.value(value)).pipe(
    Effect.mapError(() => invalid(variable, 'expected a JSON array of {"name", "url", "format"?, "secret"?}'))
  )
  const entries: Array<AlertWebhookEntry> = []
  for (const [index, item] of items.entries()) {
    const decoded = Schema.decodeUnknownOption(AlertWebhookEntry)(item)
    if (Option.isSome(decoded)) {
      entries.push(decoded.value)
      continue
    }
    const fields = Object.keys(fieldExpectations) as ReadonlyArray<keyof AlertWebhookEntry>
    const record: Record<string, unknown> = typeof item === "object" && item !== null ? { ...item } : {}
    const bad = fields.find((field) => {
      const given = record[field]
      const required = field === "name" || field === "url"
      if (given === undefined) return required
      return Option.isNone(Schema.decodeUnknownOption(AlertWebhookEntry.fields[field])(given))
    })
    return yield* invalid(
      variable,
      bad === undefined
        ? `entry ${index} has unknown fields (expected name, url, format, secret)`
        : `entry ${index}: ${bad} must be ${fieldExpectations[bad]}`
    )
  }
  return entries
})

const invalid = (variable: string, message: string) => new ConfigurationError({ message: `${variable}: ${message}` })

/** One threshold from its variable: absent: the default; `off`: `null`; else a number the rule accepts. */
const threshold = Effect.fnUntraced(function* (key: keyof AlertThresholds, value: Option.Option<string>) {
  if (Option.isNone(value) || value.value.trim() === "") return defaultAlertThresholds[key]
  const text = value.value.trim()
  if (text === "off") return null
  const parsed = Number(text)
  return yield* Schema.decodeUnknownEffect(AlertThresholds.fields[key])(Number.isNaN(parsed) ? text : parsed).pipe(
    Effect.mapError((error) => invalid(thresholdVariables[key], `${error.message} (or "off")`))
  )
})

/** The alerts' settings from the environment; a bad value is a `ConfigurationError` naming its variable. */
export const loadAlertSettings = Effect.gen(function* () {
  const env = yield* raw
  const thresholds: Record<string, number | null> = {}
  for (const key of keys) thresholds[key] = yield* threshold(key, env.thresholds[key])
  const everySeconds = Option.isNone(env.everySeconds)
    ? 60
    : yield* Schema.decodeUnknownEffect(PositiveSeconds)(env.everySeconds.value.trim()).pipe(
        Effect.mapError((error) => invalid("SYNCFLOW_ALERT_EVERY_SECONDS", error.message))
      )
  const entries = Option.isNone(env.webhooks) ? [] : yield* webhookEntries(env.webhooks.value)
  const webhooks: Array<AlertWebhook> = []
  for (const entry of entries) {
    if (webhooks.some((webhook) => webhook.name === entry.name)) {
      return yield* invalid("SYNCFLOW_ALERT_WEBHOOKS", `two webhooks are named ${JSON.stringify(entry.name)}`)
    }
    const secret = entry.secret === undefined ? env.secret : Option.some(Redacted.make(entry.secret))
    if (Option.isNone(secret) || Redacted.value(secret.value).length < 16) {
      return yield* invalid(
        "SYNCFLOW_ALERT_WEBHOOK_SECRET",
        `webhook ${JSON.stringify(entry.name)} needs a signing secret of at least 16 characters (its "secret", or this variable)`
      )
    }
    webhooks.push({
      name: entry.name,
      url: Redacted.make(entry.url),
      format: entry.format ?? "json",
      secret: secret.value
    })
  }
  const settings: AlertSettings = {
    thresholds: Schema.decodeUnknownSync(AlertThresholds)(thresholds),
    every: Duration.seconds(everySeconds),
    webhooks
  }
  return settings
})
