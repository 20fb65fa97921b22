/**
 * A connector plugin: everything a server needs to offer one kind of upstream system as connectors
 * — its name and description, the `Schema`s of its settings and of its credentials as a user gives
 * them (decoded by the server, published as JSON Schema), how those credentials become the
 * adapter-core `Credentials` that are sealed and stored, how a stored connector becomes a running
 * `Adapter`, the default stage options of its entities, its capabilities, and optionally how it
 * receives webhooks. Each adapter package exports one plugin value, made with {@link make}.
 */
import { Effect, Result, Schema, type Scope } from "effect"
import type { Credentials } from "../auth/Credentials.ts"
import type { TokenManager } from "../auth/TokenManager.ts"
import type { AdapterHttpServices } from "../client/AdapterHttp.ts"
import type { AdapterError } from "../errors/AdapterError.ts"
import type { ConnectorInstance } from "./ConnectorInstance.ts"
import { ConnectorSetupError } from "./ConnectorSetupError.ts"
import type { PluginCapabilities } from "./PluginCapabilities.ts"
import type { PluginDestination } from "./PluginDestination.ts"
import type { PluginStageOptions } from "./PluginStageOptions.ts"
import type { PluginWebhooks } from "./PluginWebhooks.ts"

/**
 * The services a plugin's `build` may use, which the server shares between all connectors: the
 * token manager (OAuth2 tokens sealed in its store) and the HTTP client, rate-limit budgets and
 * circuit breakers of `AdapterHttp`.
 */
export type PluginServices = TokenManager | AdapterHttpServices

/** A schema a plugin decodes its inputs with: no services needed to decode or encode. */
export type PluginSchema = Schema.Codec<unknown, unknown, never, never>

/** What `toCredentials` knows besides the credentials input. */
export interface CredentialsContext<S> {
  /** The connector's decoded settings. */
  readonly settings: S
  /** Where the upstream redirects the user after an OAuth2 authorization (the server's callback). */
  readonly oauthRedirectUri: string
}

/** What `build` gets: one stored connector. */
export interface BuildInput<S> {
  /** The connector's id: names its stored tokens and its rate-limit budget. */
  readonly connectorId: string
  /** Its decoded settings. */
  readonly settings: S
  /** Its stored credentials (as `toCredentials` made them); `undefined` when it has none. */
  readonly credentials: Credentials | undefined
}

/** A plugin as its author writes it (see {@link make}). */
export interface ConnectorPluginDefinition<Settings extends PluginSchema, CredentialsInput extends PluginSchema> {
  /** The adapter name connectors are created with (`adapter` in the API), and in webhook/OAuth URLs. */
  readonly name: string
  /** A short human name, e.g. `Planning Center People`. */
  readonly title: string
  /** One or two sentences for the dashboard and `connectors add`. */
  readonly description: string
  /** The connector's settings (stored as given, in the clear: no secrets here). */
  readonly settings: Settings
  /** The credentials as a user types them; mark secrets with `SecretInput`. */
  readonly credentials: CredentialsInput
  /** The credentials input turned into the adapter-core `Credentials` to seal and store. */
  readonly toCredentials: (
    input: CredentialsInput["Type"],
    context: CredentialsContext<Settings["Type"]>
  ) => Credentials
  /**
   * Builds the running adapter of a connector, in the scope of the connector's current version. It
   * may call the upstream (e.g. to read its schema): an `AdapterError` then fails the build.
   */
  readonly build: (
    input: BuildInput<Settings["Type"]>
  ) => Effect.Effect<ConnectorInstance, ConnectorSetupError | AdapterError, PluginServices | Scope.Scope>
  /** Stage options of its entities (e.g. meta fields that are not data); the engine's defaults when absent. */
  readonly defaultStageOptions?: PluginStageOptions | undefined
  /** What it can do; `webhooks` is whether `webhooks` below is given. */
  readonly capabilities: Omit<PluginCapabilities, "webhooks">
  /** How it receives webhooks, if it does. */
  readonly webhooks?: PluginWebhooks | undefined
  /** How sync definitions push into its connectors, if they can (its adapters also need `write`). */
  readonly destination?: PluginDestination | undefined
}

/** A JSON Schema (draft 2020-12) object. */
export type JsonSchemaObject = { readonly [key: string]: Schema.Json }

const decodeJsonObject = Schema.decodeUnknownSync(Schema.Record(Schema.String, Schema.Json))

/**
 * A connector plugin, ready for a server: its description, and its operations over inputs the
 * server has not decoded yet (the schemas' types are the plugin's own business).
 */
export interface ConnectorPlugin {
  readonly name: string
  readonly title: string
  readonly description: string
  readonly capabilities: PluginCapabilities
  readonly defaultStageOptions: PluginStageOptions | undefined
  /** The JSON Schema of the settings (what `checkSettings` accepts). */
  readonly settingsJsonSchema: JsonSchemaObject
  /** The JSON Schema of the credentials input; secrets are `writeOnly` with `format: "password"`. */
  readonly credentialsJsonSchema: JsonSchemaObject
  /** Decodes settings (unknown fields refused); the settings to store, as JSON. */
  readonly checkSettings: (input: unknown) => Result.Result<Schema.Json, Schema.SchemaError>
  /** Decodes a credentials input for these (checked) settings into the `Credentials` to seal. */
  readonly checkCredentials: (
    input: unknown,
    context: { readonly settings: Schema.Json; readonly oauthRedirectUri: string }
  ) => Result.Result<Credentials, Schema.SchemaError>
  /** Builds a stored connector's adapter from its stored settings and credentials. */
  readonly build: (input: {
    readonly connectorId: string
    readonly settings: unknown
    readonly credentials: Credentials | undefined
  }) => Effect.Effect<ConnectorInstance, ConnectorSetupError | AdapterError, PluginServices | Scope.Scope>
  readonly webhooks: PluginWebhooks | undefined
  /** How sync definitions push into its connectors; `undefined`: it cannot be a destination. */
  readonly destination: PluginDestination | undefined
}

const strict = { onExcessProperty: "error" } as const

/** The JSON Schema of a schema's JSON form, with its definitions under `$defs`. */
export const jsonSchemaOf = (schema: Schema.Top): JsonSchemaObject => {
  const document = Schema.toJsonSchemaDocument(schema, strict)
  // A JSON Schema document is JSON: this decoding only gives it that type.
  return decodeJsonObject(
    Object.keys(document.definitions).length === 0
      ? document.schema
      : { ...document.schema, $defs: document.definitions }
  )
}

/** Makes a plugin from its definition. */
export const make = <Settings extends PluginSchema, CredentialsInput extends PluginSchema>(
  definition: ConnectorPluginDefinition<Settings, CredentialsInput>
): ConnectorPlugin => {
  const settingsJson = Schema.toCodecJson(definition.settings)
  const decodeSettings = Schema.decodeUnknownResult(settingsJson, strict)
  const encodeSettings = Schema.encodeUnknownResult(settingsJson)
  const decodeCredentials = Schema.decodeUnknownResult(Schema.toCodecJson(definition.credentials), strict)
  return {
    name: definition.name,
    title: definition.title,
    description: definition.description,
    capabilities: { ...definition.capabilities, webhooks: definition.webhooks !== undefined },
    defaultStageOptions: definition.defaultStageOptions,
    settingsJsonSchema: jsonSchemaOf(definition.settings),
    credentialsJsonSchema: jsonSchemaOf(definition.credentials),
    checkSettings: (input) => Result.flatMap(decodeSettings(input), (settings) => encodeSettings(settings)),
    checkCredentials: (input, context) =>
      Result.flatMap(decodeSettings(context.settings), (settings) =>
        Result.map(decodeCredentials(input), (credentials) =>
          definition.toCredentials(credentials, { settings, oauthRedirectUri: context.oauthRedirectUri })
        )
      ),
    build: (input) =>
      Result.match(decodeSettings(input.settings), {
        onFailure: (error) => Effect.fail(new ConnectorSetupError({ message: `settings: ${error.message}` })),
        onSuccess: (settings) =>
          definition.build({ connectorId: input.connectorId, settings, credentials: input.credentials })
      }),
    webhooks: definition.webhooks,
    destination: definition.destination
  }
}
