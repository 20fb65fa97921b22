/**
 * What a user gives to create an n8n connector: its settings (the instance, which webhook workflow
 * receives each entity's changes, the changes per delivery, the request budget and timeout) and its
 * credentials (the instance's API key).
 */
import { HttpUrlInput, SecretInput } from "@syncflow/adapter-core"
import { Schema } from "effect"

/** The settings of an n8n connector. */
export const N8nSettings = Schema.Struct({
  /** The n8n instance, e.g. `http://n8n:5678`. */
  baseUrl: HttpUrlInput.annotate({ description: "The n8n instance, e.g. http://n8n:5678" }),
  /** Entity name -> the webhook path of the (active) workflow that receives its changes. */
  webhooks: Schema.Record(Schema.NonEmptyString, Schema.NonEmptyString).annotate({
    description: "Entity name -> webhook path (of an active workflow's Webhook node) receiving its changes"
  }),
  /** Changes per delivery (one webhook call); 100 by default. */
  maxBatch: Schema.optionalKey(
    Schema.Int.check(Schema.isBetween({ minimum: 1, maximum: 1000 })).annotate({
      description: "Changes per webhook call (default 100)"
    })
  ),
  /** Requests per second to this instance; 20 by default. */
  requestsPerSecond: Schema.optionalKey(
    Schema.Int.check(Schema.isGreaterThan(0)).annotate({ description: "Requests per second (default 20)" })
  ),
  /** Seconds before a request without an answer is retried; 30 by default. */
  timeoutSeconds: Schema.optionalKey(
    Schema.Number.check(Schema.isGreaterThan(0)).annotate({
      description: "Per-request timeout in seconds (default 30)"
    })
  )
})

/** The settings of an n8n connector. */
export type N8nSettings = typeof N8nSettings.Type

/** The credentials of an n8n connector: the API key (n8n: Settings > n8n API). */
export const N8nCredentialsInput = Schema.Struct({ type: Schema.Literal("apiKey"), apiKey: SecretInput })

/** The credentials of an n8n connector. */
export type N8nCredentialsInput = typeof N8nCredentialsInput.Type
