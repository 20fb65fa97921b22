/**
 * Webhook subscriptions: `/webhooks/v2/webhook_subscriptions` (Webhooks API 2022-10-20 and later).
 * One subscription per event name, each with its own signing secret.
 */
import { Schema } from "effect"
import * as JsonApiEndpoint from "../jsonApi/JsonApiEndpoint.ts"
import {
  WebhookSubscription,
  WebhookSubscriptionCreate,
  WebhookSubscriptionUpdate
} from "../resources/WebhookSubscription.ts"

const id = { id: Schema.String }

/** Lists the webhook subscriptions of the application. */
export const ListWebhookSubscriptions = JsonApiEndpoint.list({
  entity: "webhook_subscription",
  module: "webhookSubscriptions",
  name: "list",
  path: "/webhooks/v2/webhook_subscriptions",
  resource: WebhookSubscription,
  filterable: ["name", "active"]
})

/** Subscribes a URL to an event name; the answer carries the subscription's signing secret. */
export const CreateWebhookSubscription = JsonApiEndpoint.create({
  entity: "webhook_subscription",
  module: "webhookSubscriptions",
  name: "create",
  path: "/webhooks/v2/webhook_subscriptions",
  resource: WebhookSubscription,
  type: "WebhookSubscription",
  attributes: WebhookSubscriptionCreate
})

/** Activates or deactivates a subscription (the only change Planning Center allows). */
export const UpdateWebhookSubscription = JsonApiEndpoint.update({
  entity: "webhook_subscription",
  module: "webhookSubscriptions",
  name: "update",
  path: "/webhooks/v2/webhook_subscriptions/:id",
  params: id,
  resource: WebhookSubscription,
  type: "WebhookSubscription",
  attributes: WebhookSubscriptionUpdate
})

/** Deletes a subscription. */
export const DeleteWebhookSubscription = JsonApiEndpoint.remove({
  entity: "webhook_subscription",
  module: "webhookSubscriptions",
  name: "delete",
  path: "/webhooks/v2/webhook_subscriptions/:id",
  params: id
})
