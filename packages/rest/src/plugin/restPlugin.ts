/**
 * The `rest` connector plugin: a source described by a document (its settings) instead of code.
 * The document is checked and compiled once per connector version into adapter-core endpoints, and
 * runs through the same TokenManager, rate limiter, retries and circuit breaker as hand-written
 * adapters.
 */
import { ConnectorPlugin, TokenManager } from "@syncflow/adapter-core"
import { Effect } from "effect"
import { compileSource } from "../compile/compileSource.ts"
import { SourceDocument } from "../document/SourceDocument.ts"
import * as RestAdapter from "../RestAdapter.ts"
import { RestCredentialsInput } from "./RestCredentialsInput.ts"
import { checkCredentials, toCredentials } from "./toCredentials.ts"

/** The declarative REST plugin (adapter name `rest`). */
export const restPlugin: ConnectorPlugin.ConnectorPlugin = ConnectorPlugin.make({
  name: "rest",
  title: "REST API (declarative)",
  description:
    "Any JSON REST API described by a source document (YAML or JSON): streams, pagination, incremental listing, substreams and auth, without code.",
  settings: SourceDocument,
  credentials: RestCredentialsInput,
  toCredentials: (input, context) => toCredentials(input, context.settings, context.oauthRedirectUri),
  build: ({ connectorId, settings, credentials }) =>
    Effect.gen(function* () {
      const mismatch = checkCredentials(settings, credentials)
      if (mismatch !== undefined) return yield* mismatch
      const source = yield* RestAdapter.make(compileSource(settings), { connectionId: connectorId, credentials })
      const tokens = yield* TokenManager
      return {
        adapter: source.adapter,
        ...(credentials?._tag === "OAuth2"
          ? {
              oauth2: {
                authorizeUrl: (state: string) => tokens.authorizeUrl(credentials, { state }),
                exchangeCode: (code: string) => Effect.asVoid(tokens.exchangeCode(connectorId, credentials, code))
              }
            }
          : {})
      }
    }),
  capabilities: { discover: false, incremental: true, oauth2: true, write: false }
})
