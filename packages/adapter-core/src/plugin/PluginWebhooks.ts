/**
 * The optional webhook part of a connector plugin: check a delivery's signature with the
 * connector's secrets, and say which records it is about. The server receives deliveries at
 * `POST /webhooks/{plugin}/{connector}`, keeps the secrets sealed, starts a targeted sync of the
 * changed records' entities and soft-deletes the destroyed records.
 */
import type { Effect, Redacted } from "effect"
import { Schema } from "effect"

/** A delivery as the server received it: the raw body bytes and the headers (lower-case names). */
export interface WebhookDelivery {
  readonly body: Uint8Array
  readonly headers: Readonly<Record<string, string | ReadonlyArray<string> | undefined>>
}

/** The connector's webhook secret for an event name (its own, else the default), if any. */
export type WebhookSecretLookup = (eventName: string) => Redacted.Redacted<string> | undefined

/** One record a delivery is about. */
export interface WebhookChange {
  /** The entity, as the plugin's manifests name it. */
  readonly entity: string
  /** The record's id (the value of the entity's single business-key field). */
  readonly recordId: string
  /** The record is gone upstream: it is soft-deleted at once (no listing would show it again). */
  readonly destroyed: boolean
}

/** A verified delivery: how many events it carried and the records they are about. */
export interface WebhookReceipt {
  readonly events: number
  readonly changes: ReadonlyArray<WebhookChange>
}

/** A delivery refused: a bad or missing `signature` (401), or a `payload` that does not decode (400). */
export class WebhookRefused extends Schema.TaggedError<WebhookRefused>()("WebhookRefused", {
  reason: Schema.Literals(["signature", "payload"]),
  message: Schema.String
}) {}

/** How a plugin receives webhooks. */
export interface PluginWebhooks {
  /** Verifies a delivery with the connector's secrets, then decodes the record changes it carries. */
  readonly receive: (
    delivery: WebhookDelivery,
    secrets: WebhookSecretLookup
  ) => Effect.Effect<WebhookReceipt, WebhookRefused>
}
