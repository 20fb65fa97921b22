/**
 * A connector's webhook secrets (for plugins that receive webhooks): one for every event
 * (`webhookSecret`) and/or one per event name (`webhookSecrets`, for upstreams that give each
 * subscription its own). They are sealed
 * together with the `SecretBox` (bound to their connector) and kept in the connector's settings
 * under {@link sealedKey}, which the API never returns.
 */
import type { WebhookSecretLookup } from "@syncflow/adapter-core"
import { SecretBox } from "@syncflow/sync-engine"
import { Effect, Option, Redacted, Schema } from "effect"
import * as Base64 from "effect/encoding/Base64"

/** The settings key holding the sealed secrets (base64). */
export const sealedKey = "webhookSecretSealed"

/** The secrets of a connector's webhooks. */
export interface ConnectorWebhookSecrets {
  /** The secret of any event without its own. */
  readonly default?: Redacted.Redacted<string> | undefined
  /** Secrets by event name, e.g. `people.v2.events.person.updated`. */
  readonly events?: Readonly<Record<string, Redacted.Redacted<string>>> | undefined
}

const context = (connectorId: string) => `webhook:${connectorId}`

const Stored = Schema.Struct({
  default: Schema.optionalKey(Schema.String),
  events: Schema.optionalKey(Schema.Record(Schema.String, Schema.String))
})
const decodeStored = Schema.decodeUnknownOption(Schema.fromJsonString(Stored))

/** Seals a connector's webhook secrets: the value to store under {@link sealedKey}. */
export const seal = Effect.fnUntraced(function* (connectorId: string, secrets: ConnectorWebhookSecrets) {
  const box = yield* SecretBox
  const plain = JSON.stringify({
    ...(secrets.default === undefined ? {} : { default: Redacted.value(secrets.default) }),
    ...(secrets.events === undefined
      ? {}
      : { events: Object.fromEntries(Object.entries(secrets.events).map(([name, s]) => [name, Redacted.value(s)])) })
  })
  const sealed = yield* box.seal(new TextEncoder().encode(plain), context(connectorId))
  return Base64.encode(sealed)
})

const decodeRecord = Schema.decodeUnknownOption(Schema.Record(Schema.String, Schema.Unknown))

const SealedConfig = Schema.Struct({ [sealedKey]: Schema.String })
const decodeSealed = Schema.decodeUnknownOption(SealedConfig)

/** The secrets as a plugin's webhooks take them: the event's own secret, else the default. */
const lookup =
  (stored: typeof Stored.Type): WebhookSecretLookup =>
  (eventName) => {
    const secret = stored.events?.[eventName] ?? stored.default
    return secret === undefined ? undefined : Redacted.make(secret)
  }

/** The connector's webhook secrets, if any are stored (and open with the configured key). */
export const open = Effect.fnUntraced(function* (connectorId: string, config: unknown) {
  const box = yield* SecretBox
  const stored = decodeSealed(config)
  if (Option.isNone(stored)) return Option.none<WebhookSecretLookup>()
  const bytes = Base64.decode(stored.value[sealedKey])
  if (bytes._tag === "Failure") return Option.none<WebhookSecretLookup>()
  return yield* box.open(bytes.success, context(connectorId)).pipe(
    Effect.map((plain) => Option.map(decodeStored(new TextDecoder().decode(plain)), lookup)),
    Effect.catch(() => Effect.succeed(Option.none<WebhookSecretLookup>()))
  )
})

/** The settings without the sealed secrets, as the API shows them. */
export const publicConfig = (config: unknown): { readonly config: unknown; readonly hasWebhookSecret: boolean } => {
  const record = decodeRecord(config)
  if (Option.isNone(record)) return { config, hasWebhookSecret: false }
  const { [sealedKey]: sealed, ...rest } = record.value
  return { config: rest, hasWebhookSecret: sealed !== undefined }
}
