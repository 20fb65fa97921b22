/**
 * The `rest` connector plugin: a source described by a document (its settings) instead of code.
 * The settings are the document as JSON, or its text (YAML or JSON) as `{"document": "..."}`, the
 * file `syncflow sources check` reads; either way the decoded document is stored. It is compiled
 * once per connector version into adapter-core endpoints, and runs through the same TokenManager,
 * rate limiter, retries and circuit breaker as hand-written adapters.
 */
import { ConnectorPlugin, TokenManager } from "@syncflow/adapter-core"
import { Effect, Result, Schema } from "effect"
import { compileSource } from "../compile/compileSource.ts"
import { SourceDocument } from "../document/SourceDocument.ts"
import * as RestAdapter from "../RestAdapter.ts"
import { DocumentText, DocumentTextInput, isDocumentText } from "./DocumentText.ts"
import { RestCredentialsInput } from "./RestCredentialsInput.ts"
import { checkCredentials, toCredentials } from "./toCredentials.ts"

const decodeText = Schema.decodeUnknownResult(DocumentText, { errors: "all", onExcessProperty: "error" })
const encodeDocument = Schema.encodeUnknownResult(Schema.toCodecJson(SourceDocument))

const plugin = ConnectorPlugin.make({
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

/** The declarative REST plugin (adapter name `rest`). */
export const restPlugin: ConnectorPlugin.ConnectorPlugin = {
  ...plugin,
  // Published for editors and the dashboard: the document, or its text under `document`.
  settingsJsonSchema: ConnectorPlugin.jsonSchemaOf(Schema.Union([SourceDocument, DocumentTextInput])),
  checkSettings: (input) =>
    isDocumentText(input)
      ? Result.flatMap(decodeText(input), ({ document }) => encodeDocument(document))
      : plugin.checkSettings(input)
}
