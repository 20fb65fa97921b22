/**
 * A webhook subscription: one event name delivered to one URL, signed with its own secret
 * (Webhooks API version 2022-10-20 and later).
 */
import { Schema } from "effect"
import { Resource } from "../jsonApi/Resource.ts"
import { Timestamp } from "../schema/Timestamp.ts"

/** The attributes of a {@link WebhookSubscription}. */
export const WebhookSubscriptionAttributes = Schema.Struct({
  /** The event name, e.g. `people.v2.events.person.updated`. */
  name: Schema.String,
  url: Schema.String,
  active: Schema.Boolean,
  /** The HMAC-SHA256 key deliveries are signed with; kept `Redacted` once decoded. */
  authenticity_secret: Schema.RedactedFromValue(Schema.String),
  created_at: Timestamp,
  updated_at: Timestamp
})

/** A webhook subscription. */
export const WebhookSubscription = Resource("WebhookSubscription", WebhookSubscriptionAttributes, {})

/** A decoded {@link WebhookSubscription}. */
export type WebhookSubscription = typeof WebhookSubscription.Type

/** A new subscription: the event name and the URL to deliver it to. */
export const WebhookSubscriptionCreate = Schema.Struct({
  name: Schema.String,
  url: Schema.String,
  active: Schema.optionalKey(Schema.Boolean)
})

/** The only attribute a subscription lets a client change. */
export const WebhookSubscriptionUpdate = Schema.Struct({ active: Schema.Boolean })
