/**
 * Who is told when a run ends: a webhook URL (an n8n workflow's Webhook trigger), the runs it
 * follows — a connector's or a sync definition's — and the run statuses it wants.
 */
import { Schema } from "effect"

/** The statuses a run ends with. */
export const EndStatus = Schema.Literals(["succeeded", "failed", "cancelled"])

/** The statuses a run ends with. */
export type EndStatus = typeof EndStatus.Type

/** What a subscription says (the body of a create). */
export const NotificationTargetSpec = Schema.Struct({
  /** Follow this connector's runs (its entities' and its definitions'). */
  connectorId: Schema.optionalKey(Schema.NonEmptyString),
  /** Follow this sync definition's runs. */
  definitionId: Schema.optionalKey(Schema.NonEmptyString),
  /** The webhook to POST the run's summary to, e.g. `http://n8n:5678/webhook/sync-finished`. */
  webhookUrl: Schema.String.check(
    Schema.makeFilter(
      (url: string) => (URL.canParse(url) && /^https?:$/.test(new URL(url).protocol)) || "expected an http(s) URL"
    )
  ),
  /** The end statuses to notify; all three when absent. */
  statuses: Schema.optionalKey(Schema.NonEmptyArray(EndStatus))
})

/** What a subscription says. */
export type NotificationTargetSpec = typeof NotificationTargetSpec.Type

/** A stored subscription. */
export const NotificationTarget = Schema.Struct({
  id: Schema.String,
  connectorId: Schema.NullOr(Schema.String),
  definitionId: Schema.NullOr(Schema.String),
  webhookUrl: Schema.String,
  statuses: Schema.Array(EndStatus)
})

/** A stored subscription. */
export type NotificationTarget = typeof NotificationTarget.Type

/** One notification of the outbox, as stored: its run, target, payload and delivery state. */
export const RunNotification = Schema.Struct({
  runId: Schema.String,
  targetId: Schema.String,
  webhookUrl: Schema.String,
  payload: Schema.Unknown,
  attempts: Schema.Number,
  deliveredAt: Schema.NullOr(Schema.String),
  answerStatus: Schema.NullOr(Schema.Number),
  answer: Schema.NullOr(Schema.String),
  lastError: Schema.NullOr(Schema.String)
})

/** One notification of the outbox. */
export type RunNotification = typeof RunNotification.Type
