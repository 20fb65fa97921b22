/**
 * What an n8n webhook answered: its status and its body (JSON when it is JSON, else the text;
 * `null` when empty). With the webhook node's default response mode n8n answers at once,
 * `{"message":"Workflow was started"}`; a "Respond to Webhook" node answers what it is told to.
 */
import { Schema } from "effect"

/** A webhook's answer. */
export const WebhookAnswer = Schema.Struct({
  status: Schema.Int,
  body: Schema.Unknown
})

/** A webhook's answer. */
export type WebhookAnswer = typeof WebhookAnswer.Type

/** A body's text as the answer holds it: parsed JSON, or the text itself. */
export const answerBody = (text: string): unknown => {
  if (text === "") return null
  try {
    return JSON.parse(text)
  } catch {
    return text
  }
}
