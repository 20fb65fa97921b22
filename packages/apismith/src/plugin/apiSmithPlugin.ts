/**
 * The APISmith connector plugin: what a SyncFlow server needs to offer APISmith instances (Oracle
 * ERP data APIs) as connectors — settings and credentials, and the adapter over `ApiSmithClient`.
 */
import { ConnectorPlugin, ConnectorSetupError, jwtCredentials, RateLimitPolicy } from "@syncflow/adapter-core"
import { Context, Duration, Effect, Layer } from "effect"
import { ApiSmithAdapter } from "../ApiSmithAdapter.ts"
import { ApiSmithClient } from "../ApiSmithClient.ts"
import * as ApiSmithCredentials from "../ApiSmithCredentials.ts"
import { ORACLE_KEYS_FIELD, ROW_VERSION_FIELD } from "../rows/ApiSmithRecord.ts"
import { ApiSmithCredentialsInput, ApiSmithSettings } from "./ApiSmithPluginSettings.ts"

/** The APISmith plugin (adapter name `apismith`). */
export const apiSmithPlugin: ConnectorPlugin.ConnectorPlugin = ConnectorPlugin.make({
  name: "apismith",
  title: "APISmith (Oracle ERP)",
  description:
    "Every data API an APISmith instance publishes, discovered with its Oracle metadata, listed in full or incrementally by row version.",
  settings: ApiSmithSettings,
  credentials: ApiSmithCredentialsInput,
  toCredentials: (input) => jwtCredentials(input, ApiSmithCredentials.defaultClaims),
  build: ({ connectorId, settings, credentials }) =>
    Effect.gen(function* () {
      if (credentials === undefined || (credentials._tag !== "ServiceJwt" && credentials._tag !== "Bearer")) {
        return yield* new ConnectorSetupError({
          message: "an APISmith connector needs serviceJwt or bearer credentials"
        })
      }
      const context = yield* Layer.build(
        ApiSmithAdapter.layer().pipe(
          Layer.provide(
            ApiSmithClient.layer({
              baseUrl: settings.baseUrl,
              credentials,
              connectionId: connectorId,
              ...(settings.rateLimit === undefined
                ? {}
                : {
                    rateLimit: RateLimitPolicy.make({
                      adapter: "apismith",
                      connection: connectorId,
                      limit: settings.rateLimit.limit,
                      window: Duration.seconds(settings.rateLimit.windowSeconds)
                    })
                  })
            })
          )
        )
      )
      return { adapter: Context.get(context, ApiSmithAdapter) }
    }),
  // The row-version and Oracle-key fields are not data.
  defaultStageOptions: { normalize: { mapping: { metaFields: [ROW_VERSION_FIELD, ORACLE_KEYS_FIELD] } } },
  capabilities: { discover: true, incremental: true, oauth2: false, write: false }
})
