import { PcoWebhooks, type WebhookSecrets } from "@syncflow/pco"
import { Console, Effect } from "effect"

// Handle one delivery: verify its signature, decode its events, answer the status Planning Center expects.
export const receive = (
  request: { readonly body: string | Uint8Array; readonly headers: Readonly<Record<string, string | undefined>> },
  secrets: WebhookSecrets // each subscription's authenticity_secret, by event name
) =>
  Effect.gen(function* () {
    const webhooks = yield* PcoWebhooks
    for (const event of yield* webhooks.verify(request, secrets)) {
      if (event._tag === "ResourceChanged" && event.resource === "person") {
        yield* Console.log(`person ${event.action}: ${event.data.attributes.name}`)
      } else if (event._tag === "ResourceDestroyed") {
        yield* Console.log(`${event.resource} destroyed: ${event.data.id}`)
      }
    }
    return 200
  }).pipe(
    Effect.catchTags({
      WebhookSignatureInvalid: () => Effect.succeed(401),
      WebhookSecretUnknown: () => Effect.succeed(401),
      WebhookPayloadInvalid: () => Effect.succeed(400)
    }),
    Effect.provide(PcoWebhooks.layer)
  )
