/**
 * A webhook alerts are delivered to, as configured in `SYNCFLOW_ALERT_WEBHOOKS` (a JSON array):
 * its name (what the outbox records), its URL, its payload format (`json`: SyncFlow's generic
 * document; `slack`: a Slack incoming-webhook message) and the secret its deliveries are signed with
 * (its own `secret`, else `SYNCFLOW_ALERT_WEBHOOK_SECRET`). URLs and secrets are `Redacted`: a
 * Slack webhook URL is itself a credential.
 */
import { type Redacted, Schema } from "effect"

/** The payload formats. */
export const AlertWebhookFormat = Schema.Literals(["json", "slack"])
/** A payload format. */
export type AlertWebhookFormat = typeof AlertWebhookFormat.Type

/** One entry of `SYNCFLOW_ALERT_WEBHOOKS`, as written. */
export const AlertWebhookEntry = Schema.Struct({
  name: Schema.String.check(
    Schema.isPattern(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, {
      message: "expected 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit"
    })
  ),
  url: Schema.String.check(
    Schema.makeFilter(
      (url: string) => (URL.canParse(url) && /^https?:$/.test(new URL(url).protocol)) || "expected an http or https URL"
    )
  ),
  format: Schema.optionalKey(AlertWebhookFormat),
  secret: Schema.optionalKey(Schema.String.check(Schema.isMinLength(16)))
})
/** One entry of `SYNCFLOW_ALERT_WEBHOOKS`, as written. */
export type AlertWebhookEntry = typeof AlertWebhookEntry.Type

/** A configured webhook. */
export interface AlertWebhook {
  readonly name: string
  readonly url: Redacted.Redacted<string>
  readonly format: AlertWebhookFormat
  /** The HMAC-SHA256 key its deliveries are signed with. */
  readonly secret: Redacted.Redacted<string>
}
