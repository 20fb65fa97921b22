/**
 * The ScheduleHub connector plugin: what a SyncFlow server needs to offer ScheduleHub instances as
 * connectors — settings and credentials, and the adapter over `ScheduleHubClient` (manifests from
 * its schema, and the write side a destination drives).
 */
import { ConnectorPlugin, ConnectorSetupError, jwtCredentials } from "@syncflow/adapter-core"
import { Duration, Effect } from "effect"
import { ScheduleHubAdapter } from "../ScheduleHubAdapter.ts"
import { ScheduleHubClient } from "../ScheduleHubClient.ts"
import * as ScheduleHubCredentials from "../ScheduleHubCredentials.ts"
import { ScheduleHubCredentialsInput, ScheduleHubSettings } from "./ScheduleHubPluginSettings.ts"

/** The ScheduleHub plugin (adapter name `schedulehub`). */
export const scheduleHubPlugin: ConnectorPlugin.ConnectorPlugin = ConnectorPlugin.make({
  name: "schedulehub",
  title: "ScheduleHub",
  description:
    "A ScheduleHub instance as a destination: its entities discovered from its schema, records created, updated and deleted in batches of up to 1,000 with idempotency keys.",
  settings: ScheduleHubSettings,
  credentials: ScheduleHubCredentialsInput,
  toCredentials: (input) => jwtCredentials(input, ScheduleHubCredentials.defaultClaims),
  build: ({ connectorId, settings, credentials }) =>
    Effect.gen(function* () {
      if (credentials === undefined || (credentials._tag !== "ServiceJwt" && credentials._tag !== "Bearer")) {
        return yield* new ConnectorSetupError({
          message: "a ScheduleHub connector needs serviceJwt or bearer credentials"
        })
      }
      const client = yield* ScheduleHubClient.make({
        baseUrl: settings.baseUrl,
        credentials,
        connectionId: connectorId,
        ...(settings.requestsPerSecond === undefined ? {} : { requestsPerSecond: settings.requestsPerSecond }),
        ...(settings.timeoutSeconds === undefined ? {} : { timeout: Duration.seconds(settings.timeoutSeconds) })
      })
      // No request at build time: the writable entities are the schema's, read with the manifests.
      return { adapter: ScheduleHubAdapter.fromClient(client) }
    }),
  capabilities: { discover: true, incremental: false, oauth2: false, write: true },
  // A record carries its row's identity in these fields; `uid` is ScheduleHub's own.
  destination: {
    identityFields: { keyHash: "erp_key_hash", dataHash: "erp_data_hash", rowVersion: "erp_rowversion" },
    assignedFields: ["uid"]
  }
})
