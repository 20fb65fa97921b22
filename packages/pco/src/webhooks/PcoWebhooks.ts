/**
 * Receiving Planning Center webhooks: verify a delivery's signature against the subscription's
 * secret, then decode it into typed events. A bad signature, an unknown event or a malformed body
 * is a typed `WebhookError`, never a crash.
 */
import { decodeText } from "@syncflow/adapter-core"
import { Context, Effect, Layer, Option, Redacted, Schema } from "effect"
import { type CryptoError, Mac, SecureRandom } from "effect/crypto"
import {
  type WebhookError,
  WebhookPayloadInvalid,
  WebhookSecretUnknown,
  WebhookSignatureInvalid
} from "./WebhookError.ts"
import { decodeDelivery, WebhookBody, type WebhookEvent } from "./WebhookEvent.ts"
import * as WebhookSignature from "./WebhookSignature.ts"

/** A delivery as an HTTP server received it. Pass the raw body bytes when the framework gives them. */
export interface WebhookRequest {
  readonly body: string | Uint8Array
  /** The request headers (any case). */
  readonly headers: Readonly<Record<string, string | ReadonlyArray<string> | undefined>>
}

/**
 * The secrets to check signatures with: one secret, the secrets by event name (Planning Center gives
 * each subscription, hence each event name, its own), or a lookup.
 */
export type WebhookSecrets =
  | Redacted.Redacted<string>
  | ReadonlyMap<string, Redacted.Redacted<string>>
  | ((eventName: string) => Redacted.Redacted<string> | undefined)

/** The delivery headers the receiver reads. */
export const WebhookHeaders = Schema.Struct({
  "x-pco-webhooks-authenticity": Schema.optionalKey(Schema.String),
  "x-pco-webhooks-name": Schema.optionalKey(Schema.String),
  "x-pco-webhooks-event": Schema.optionalKey(Schema.String)
})

const decodeHeaders = Schema.decodeUnknownOption(WebhookHeaders)

const lowerCaseHeaders = (headers: WebhookRequest["headers"]): Record<string, string> => {
  const out: Record<string, string> = {}
  for (const [name, value] of Object.entries(headers)) {
    const first = typeof value === "string" ? value : value?.[0]
    if (first !== undefined) out[name.toLowerCase()] = first
  }
  return out
}

const secretFor = (secrets: WebhookSecrets, eventName: string): Redacted.Redacted<string> | undefined =>
  Redacted.isRedacted(secrets) ? secrets : typeof secrets === "function" ? secrets(eventName) : secrets.get(eventName)

const textOf = (body: string | Uint8Array): string => (typeof body === "string" ? body : new TextDecoder().decode(body))

const decodeBody = (text: string) =>
  decodeText("webhook", WebhookBody, text).pipe(
    Effect.mapError(
      (error) => new WebhookPayloadInvalid({ path: error.path, message: error.message, sample: error.sample })
    )
  )

const make = Effect.gen(function* () {
  const mac = yield* Mac.Mac

  const verify = Effect.fn("PcoWebhooks.verify")(function* (
    request: WebhookRequest,
    secrets: WebhookSecrets
  ): Effect.fn.Return<ReadonlyArray<WebhookEvent>, WebhookError> {
    const headers = Option.getOrElse(
      decodeHeaders(lowerCaseHeaders(request.headers)),
      (): typeof WebhookHeaders.Type => ({})
    )
    const signature = headers["x-pco-webhooks-authenticity"]
    const claimed = headers["x-pco-webhooks-name"] ?? headers["x-pco-webhooks-event"]
    if (signature === undefined) {
      return yield* new WebhookSignatureInvalid({
        ...(claimed === undefined ? {} : { eventName: claimed }),
        message: "the delivery has no X-PCO-Webhooks-Authenticity header"
      })
    }
    const text = textOf(request.body)
    // Without a name header, the (not yet verified) body says which subscription's secret applies.
    const eventName =
      claimed ?? (Redacted.isRedacted(secrets) ? "" : ((yield* decodeBody(text)).data[0]?.attributes.name ?? ""))
    const secret = secretFor(secrets, eventName)
    if (secret === undefined) {
      return yield* new WebhookSecretUnknown({
        eventName,
        message: `no webhook secret is known for the event ${JSON.stringify(eventName)}`
      })
    }
    const authentic = yield* WebhookSignature.verify(secret, request.body, signature).pipe(
      Effect.provideService(Mac.Mac, mac)
    )
    if (!authentic) {
      return yield* new WebhookSignatureInvalid({
        eventName,
        message: "the X-PCO-Webhooks-Authenticity signature does not match the body"
      })
    }
    const body = yield* decodeBody(text)
    return yield* Effect.forEach(body.data, decodeDelivery)
  })

  const sign = (secret: Redacted.Redacted<string>, body: string | Uint8Array) =>
    WebhookSignature.sign(secret, body).pipe(Effect.provideService(Mac.Mac, mac))

  return PcoWebhooks.of({ verify, sign })
})

/** Verifies and decodes Planning Center webhook deliveries. */
export class PcoWebhooks extends Context.Service<
  PcoWebhooks,
  {
    /**
     * Checks the delivery's signature with the secret of its event name, then decodes its events.
     * Fails with `WebhookSignatureInvalid`, `WebhookSecretUnknown` or `WebhookPayloadInvalid`.
     */
    readonly verify: (
      request: WebhookRequest,
      secrets: WebhookSecrets
    ) => Effect.Effect<ReadonlyArray<WebhookEvent>, WebhookError>
    /** The signature Planning Center would send for `body` (for tests and fakes). */
    readonly sign: (
      secret: Redacted.Redacted<string>,
      body: string | Uint8Array
    ) => Effect.Effect<string, CryptoError.CryptoError>
  }
>()("@syncflow/pco/webhooks/PcoWebhooks") {
  /** Verification on the platform's Web Crypto (`crypto.subtle`). */
  static readonly layer: Layer.Layer<PcoWebhooks> = Layer.effect(PcoWebhooks, make).pipe(
    Layer.provide(Mac.layerWebCrypto),
    Layer.provide(SecureRandom.layerWebCrypto)
  )
}
