/**
 * The credentials of n8n's public API: an API key (created in n8n under Settings > n8n API), sent
 * in the `X-N8N-API-KEY` header of every request. It stays `Redacted`: never printed or logged.
 */
import { ApiKey } from "@syncflow/adapter-core"
import { Redacted } from "effect"

/** The header n8n reads the API key from. */
export const API_KEY_HEADER = "X-N8N-API-KEY"

/** The adapter-core credentials of an n8n API key. */
export const apiKey = (key: string | Redacted.Redacted<string>): ApiKey =>
  new ApiKey({ in: "header", name: API_KEY_HEADER, key: Redacted.isRedacted(key) ? key : Redacted.make(key) })
