/**
 * The n8n connector plugin: what a SyncFlow server needs to offer n8n instances as connectors —
 * settings and credentials, and the adapter over `N8nClient` whose write side delivers a sync
 * definition's changes to webhook workflows (a destination, never a source).
 */
import { ConnectorPlugin, ConnectorSetupError } from "@syncflow/adapter-core"
import { Duration, Effect } from "effect"
import { fromClient, IDENTITY_FIELDS } from "../N8nAdapter.ts"
import { N8nClient } from "../N8nClient.ts"
import * as N8nCredentials from "../N8nCredentials.ts"
import { N8nCredentialsInput, N8nSettings } from "./N8nPluginSettings.ts"

/** The n8n plugin (adapter name `n8n`). */
export const n8nPlugin: ConnectorPlugin.ConnectorPlugin = ConnectorPlugin.make({
  name: "n8n",
  title: "n8n",
  description:
    "n8n webhook workflows as a destination: a sync definition's inserted, updated and deleted records delivered in batches with their run, entity and idempotency key.",
  settings: N8nSettings,
  credentials: N8nCredentialsInput,
  toCredentials: (input) => N8nCredentials.apiKey(input.apiKey),
  build: ({ connectorId, settings, credentials }) =>
    Effect.gen(function* () {
      if (credentials === undefined || credentials._tag !== "ApiKey") {
        return yield* new ConnectorSetupError({ message: "an n8n connector needs apiKey credentials" })
      }
      const client = yield* N8nClient.make({
        baseUrl: settings.baseUrl,
        apiKey: credentials.key,
        connectionId: connectorId,
        ...(settings.requestsPerSecond === undefined ? {} : { requestsPerSecond: settings.requestsPerSecond }),
        ...(settings.timeoutSeconds === undefined ? {} : { timeout: Duration.seconds(settings.timeoutSeconds) })
      })
      return { adapter: fromClient(client, { webhooks: settings.webhooks, maxBatch: settings.maxBatch }) }
    }),
  capabilities: { discover: true, incremental: false, oauth2: false, write: true },
  // A delivered record carries its row's identity in these fields; n8n assigns nothing.
  destination: { identityFields: IDENTITY_FIELDS }
})
