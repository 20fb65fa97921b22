/**
 * The Planning Center connector plugin: what a SyncFlow server needs to offer Planning Center People
 * as connectors — settings and credentials, the adapter over `PcoClient`, OAuth2, and webhooks
 * (signature checked with the connector's secrets, events turned into record changes).
 */
import { ConnectorPlugin, ConnectorSetupError, OAuth2, WebhookRefused } from "@syncflow/adapter-core"
import { Context, Effect, Layer } from "effect"
import { PcoAdapter } from "../PcoAdapter.ts"
import * as PcoAuth from "../PcoAuth.ts"
import { PcoClient } from "../PcoClient.ts"
import { PcoWebhooks } from "../webhooks/PcoWebhooks.ts"
import { PcoCredentialsInput, PcoSettings } from "./PcoPluginSettings.ts"
import { webhookChangeOf } from "./webhookChanges.ts"

/** The Planning Center plugin (adapter name `pco`). */
export const pcoPlugin: ConnectorPlugin.ConnectorPlugin = ConnectorPlugin.make({
  name: "pco",
  title: "Planning Center People",
  description:
    "People, households, emails, phone numbers, addresses, lists and custom fields of a Planning Center organization, incrementally where the API allows, with webhooks and OAuth2.",
  settings: PcoSettings,
  credentials: PcoCredentialsInput,
  toCredentials: (input, context) => {
    if (input.type === "personalAccessToken") return PcoAuth.personalAccessToken(input.appId, input.secret)
    const credentials = PcoAuth.oauth2({
      clientId: input.clientId,
      clientSecret: input.clientSecret,
      redirectUri: context.oauthRedirectUri,
      ...(input.scopes === undefined ? {} : { scopes: input.scopes }),
      ...(context.settings.baseUrl === undefined ? {} : { baseUrl: context.settings.baseUrl })
    })
    return new OAuth2({ ...credentials })
  },
  build: ({ connectorId, settings, credentials }) =>
    Effect.gen(function* () {
      if (credentials === undefined || (credentials._tag !== "Basic" && credentials._tag !== "OAuth2")) {
        return yield* new ConnectorSetupError({
          message: "a Planning Center connector needs personalAccessToken or oauth2 credentials"
        })
      }
      const context = yield* Layer.build(
        PcoAdapter.layer.pipe(
          Layer.provideMerge(
            PcoClient.layer({
              connectionId: connectorId,
              credentials,
              ...(settings.baseUrl === undefined ? {} : { baseUrl: settings.baseUrl })
            })
          )
        )
      )
      const client = Context.get(context, PcoClient)
      return {
        adapter: Context.get(context, PcoAdapter),
        oauth2: {
          authorizeUrl: (state: string) => client.authorizeUrl({ state }),
          exchangeCode: (code: string) => Effect.asVoid(client.exchangeCode(code))
        }
      }
    }),
  // `""` is a value in Planning Center (Oracle's `''`-is-NULL rule does not apply).
  defaultStageOptions: { normalize: { coerce: { emptyStringIsNull: false } } },
  capabilities: { discover: false, incremental: true, oauth2: true, write: true },
  webhooks: {
    receive: (delivery, secrets) =>
      Effect.gen(function* () {
        const webhooks = yield* PcoWebhooks
        const events = yield* webhooks.verify(delivery, secrets).pipe(
          Effect.mapError(
            (error) =>
              new WebhookRefused({
                reason: error._tag === "WebhookPayloadInvalid" ? "payload" : "signature",
                message: error.message
              })
          )
        )
        const changes = events.flatMap((event) => {
          const change = webhookChangeOf(event)
          return change === undefined ? [] : [change]
        })
        return { events: events.length, changes }
      }).pipe(Effect.provide(PcoWebhooks.layer))
  }
})
