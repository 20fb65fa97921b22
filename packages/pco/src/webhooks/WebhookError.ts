/**
 * Why a webhook delivery was refused. Each is a typed, serializable error: a receiver answers it
 * with a 4xx (Planning Center retries non-200 deliveries) and never crashes on a bad request.
 */
import { Schema } from "effect"

/** The `X-PCO-Webhooks-Authenticity` signature is missing, malformed or does not match the body. */
export class WebhookSignatureInvalid extends Schema.TaggedError<WebhookSignatureInvalid>()("WebhookSignatureInvalid", {
  /** The event name the delivery claimed, if any. */
  eventName: Schema.optional(Schema.String),
  message: Schema.String
}) {}

/** No secret is known for the delivery's event name (no subscription, or an unexpected event). */
export class WebhookSecretUnknown extends Schema.TaggedError<WebhookSecretUnknown>()("WebhookSecretUnknown", {
  eventName: Schema.String,
  message: Schema.String
}) {}

/** The (authentic) body is not a Planning Center event delivery: bad JSON or an unexpected shape. */
export class WebhookPayloadInvalid extends Schema.TaggedError<WebhookPayloadInvalid>()("WebhookPayloadInvalid", {
  /** The path of the failing field, e.g. `data[0].attributes.payload.data.attributes.created_at`. */
  path: Schema.String,
  message: Schema.String,
  /** The start of the offending text. */
  sample: Schema.String
}) {}

/** Any reason a delivery was refused. */
export type WebhookError = WebhookSignatureInvalid | WebhookSecretUnknown | WebhookPayloadInvalid

/** The schema of {@link WebhookError}. */
export const WebhookError = Schema.Union([WebhookSignatureInvalid, WebhookSecretUnknown, WebhookPayloadInvalid])
