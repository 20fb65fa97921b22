/**
 * What a webhook receives for an alert's state change: SyncFlow's generic JSON document, or a
 * Slack incoming-webhook message (`text` plus blocks). The body is the same on every attempt.
 */
import { type Alert, type AlertDelivery, alertRuleUnits } from "@syncflow/sync-engine"
import { DateTime } from "effect"
import type { AlertWebhookFormat } from "./AlertWebhook.ts"

/** The id of a state change: the same for every attempt and every webhook. */
export const deliveryId = (delivery: Pick<AlertDelivery, "alert" | "change">): string =>
  `${delivery.alert.id}-${delivery.change}`

/** The event a change is: `alert.firing` or `alert.resolved`. */
export const eventOf = (delivery: Pick<AlertDelivery, "change">): string => `alert.${delivery.change}`

const iso = (value: DateTime.Utc) => DateTime.formatIso(value)

/** The alert as the change saw it: a late `firing` delivery does not announce a resolution. */
const alertDocument = (alert: Alert, change: AlertDelivery["change"]) => ({
  id: alert.id,
  rule: alert.rule,
  state: change,
  connectorId: alert.connectorId,
  entity: alert.entity,
  summary: alert.summary,
  value: alert.value,
  threshold: alert.threshold,
  unit: alertRuleUnits[alert.rule],
  firedAt: iso(alert.firedAt),
  resolvedAt: change === "resolved" && alert.resolvedAt !== null ? iso(alert.resolvedAt) : null
})

/** The generic JSON document: `{ event, deliveryId, alert: {...} }`. */
export const genericPayload = (delivery: AlertDelivery) => ({
  event: eventOf(delivery),
  deliveryId: deliveryId(delivery),
  alert: alertDocument(delivery.alert, delivery.change)
})

/** A Slack incoming-webhook message: `text` (notifications, fallbacks) and one section with the details. */
export const slackPayload = (delivery: AlertDelivery) => {
  const alert = delivery.alert
  const firing = delivery.change === "firing"
  const scope = alert.entity === null ? alert.connectorId : `${alert.connectorId}/${alert.entity}`
  const headline = `${firing ? ":rotating_light: FIRING" : ":white_check_mark: RESOLVED"} ${alert.rule} on ${scope}`
  const unit = alertRuleUnits[alert.rule]
  return {
    text: `${headline}: ${alert.summary}`,
    blocks: [
      { type: "section", text: { type: "mrkdwn", text: `*${headline}*\n${alert.summary}` } },
      {
        type: "context",
        elements: [
          {
            type: "mrkdwn",
            text: `value ${alert.value} ${unit}, threshold ${alert.threshold} ${unit} · fired ${iso(alert.firedAt)}${
              !firing && alert.resolvedAt !== null ? ` · resolved ${iso(alert.resolvedAt)}` : ""
            } · alert ${alert.id}`
          }
        ]
      }
    ]
  }
}

/** The body a webhook of `format` receives for a delivery. */
export const alertPayload = (format: AlertWebhookFormat, delivery: AlertDelivery): string =>
  JSON.stringify(format === "slack" ? slackPayload(delivery) : genericPayload(delivery))
