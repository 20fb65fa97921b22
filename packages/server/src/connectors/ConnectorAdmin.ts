/**
 * Creating and changing connectors, as the API and the CLI both do it: settings and credentials
 * checked by the adapter's plugin (errors name the field), credentials converted and sealed, the webhook
 * secret sealed, and the connector written in one statement (nothing half-written).
 */
import { randomUUID } from "node:crypto"
import { type Connector, ConnectorStore, type SecretBox } from "@syncflow/sync-engine"
import { Effect, Option, type Redacted, Result, Schema } from "effect"
import { Conflict, InvalidField, NotFound, Unavailable } from "../api/ApiErrors.ts"
import { ConnectorPlugins } from "./ConnectorPlugins.ts"
import {
  checkCredentials,
  checkSettings,
  type InvalidConnectorField,
  oauthCallbackPath,
  pluginOf
} from "./ConnectorSettings.ts"
import { checkTargetSchema } from "./TargetSchema.ts"
import * as WebhookSecret from "./WebhookSecret.ts"

/** A new connector, as the API and CLI take it. */
export interface NewConnectorInput {
  readonly id?: string | undefined
  /** The name of a plugin the server offers (its `adapter`). */
  readonly adapter: string
  readonly name: string
  readonly config?: unknown
  /** The credentials as the plugin's credentials schema takes them (not decoded yet). */
  readonly credentials: unknown
  /** The schema of its tables; absent or `null`: its id as an identifier. */
  readonly targetSchema?: string | null | undefined
  /** Plugins with webhooks: the secret of every webhook event (without its own in `webhookSecrets`). */
  readonly webhookSecret?: Redacted.Redacted<string> | undefined
  /** Plugins with webhooks: secrets by event name (where each subscription has its own). */
  readonly webhookSecrets?: Readonly<Record<string, Redacted.Redacted<string>>> | undefined
}

/**
 * Changes to a connector: absent fields are kept. `webhookSecret` and `webhookSecrets` are replaced
 * together when either is given (`null` for none).
 */
export interface ConnectorChanges {
  readonly name?: string | undefined
  readonly config?: unknown
  /** The credentials as the plugin's credentials schema takes them (not decoded yet). */
  readonly credentials?: unknown
  /** The schema of its tables (`null`: its id). Moves no table: see `syncflow connectors move-tables`. */
  readonly targetSchema?: string | null | undefined
  readonly webhookSecret?: Redacted.Redacted<string> | null | undefined
  readonly webhookSecrets?: Readonly<Record<string, Redacted.Redacted<string>>> | null | undefined
}

const invalid = (error: InvalidConnectorField) => new InvalidField({ field: error.field, detail: error.message })

const SealedSecret = Schema.Struct({ [WebhookSecret.sealedKey]: Schema.String })
const decodeSealedSecret = Schema.decodeUnknownOption(SealedSecret)

/** The sealed webhook secrets stored in a connector's settings. */
const sealedSecretOf = (config: unknown): string | undefined =>
  Option.getOrUndefined(Option.map(decodeSealedSecret(config), (stored) => stored[WebhookSecret.sealedKey]))

const storeFailure = <A, E extends { readonly message: string }, R>(effect: Effect.Effect<A, E, R>) =>
  Effect.mapError(effect, (error) => new Unavailable({ detail: error.message }))

/** Checks settings and credentials with the adapter's plugin; the config to store (with the sealed webhook secret). */
const prepare = Effect.fnUntraced(function* (input: {
  readonly id: string
  readonly adapter: string
  readonly config: unknown
  readonly credentials: unknown
  /** The new webhook secrets; `undefined` keeps the stored ones. */
  readonly webhookSecrets: WebhookSecret.ConnectorWebhookSecrets | undefined
  readonly keptSealedSecret: string | undefined
  readonly publicUrl: string
}) {
  const plugins = yield* ConnectorPlugins
  const plugin = pluginOf(plugins, input.adapter)
  if (Result.isFailure(plugin)) return yield* invalid(plugin.failure)
  const checked = checkSettings(plugin.success, input.config)
  if (Result.isFailure(checked)) return yield* invalid(checked.failure)
  const credentials =
    input.credentials === undefined
      ? undefined
      : checkCredentials(plugin.success, input.credentials, {
          settings: checked.success,
          oauthRedirectUri: `${input.publicUrl.replace(/\/+$/, "")}${oauthCallbackPath(plugin.success.name)}`
        })
  if (credentials !== undefined && Result.isFailure(credentials)) return yield* invalid(credentials.failure)
  const givesSecrets =
    input.webhookSecrets !== undefined &&
    (input.webhookSecrets.default !== undefined || input.webhookSecrets.events !== undefined)
  if (givesSecrets && plugin.success.webhooks === undefined) {
    return yield* new InvalidField({
      field: "webhookSecret",
      detail: `webhookSecret: ${plugin.success.name} connectors receive no webhooks`
    })
  }
  const sealed =
    input.webhookSecrets === undefined
      ? input.keptSealedSecret
      : givesSecrets
        ? yield* WebhookSecret.seal(input.id, input.webhookSecrets)
        : undefined
  const settings = checked.success
  const config: Schema.Json = {
    ...(typeof settings === "object" && settings !== null && !Array.isArray(settings) ? settings : {}),
    ...(sealed === undefined ? {} : { [WebhookSecret.sealedKey]: sealed })
  }
  return { config, credentials: credentials === undefined ? undefined : credentials.success }
})

const nameTaken = Effect.fnUntraced(function* (name: string, except: string | undefined) {
  const all = yield* storeFailure((yield* ConnectorStore).listConnectors)
  return all.some((connector) => connector.name === name && connector.id !== except)
})

/** Creates a connector; a taken id or name is a `Conflict` naming the field. */
export const createConnector = Effect.fnUntraced(function* (
  input: NewConnectorInput,
  publicUrl: string
): Effect.fn.Return<Connector, InvalidField | Conflict | Unavailable, ConnectorStore | SecretBox> {
  const connectorStore = yield* ConnectorStore
  if (input.id !== undefined && Option.isSome(yield* storeFailure(connectorStore.getConnector(input.id)))) {
    return yield* new Conflict({ field: "id", detail: `id: a connector ${input.id} already exists` })
  }
  if (yield* nameTaken(input.name, undefined)) {
    return yield* new Conflict({ field: "name", detail: `name: a connector is already named ${input.name}` })
  }
  const id = input.id ?? randomUUID()
  const targetSchema = input.targetSchema ?? null
  yield* checkTargetSchema(id, targetSchema)
  const prepared = yield* prepare({
    id,
    adapter: input.adapter,
    config: input.config ?? {},
    credentials: input.credentials,
    webhookSecrets:
      input.webhookSecret === undefined && input.webhookSecrets === undefined
        ? undefined
        : { default: input.webhookSecret, events: input.webhookSecrets },
    keptSealedSecret: undefined,
    publicUrl
  })
  const connector = yield* storeFailure(
    connectorStore.createConnector({
      id,
      adapter: input.adapter,
      name: input.name,
      config: prepared.config,
      credentials: prepared.credentials,
      targetSchema
    })
  )
  yield* Effect.logInfo("connector created").pipe(Effect.annotateLogs({ connector: id }))
  return connector
})

/** Changes a connector; its settings are checked again as a whole. */
export const updateConnector = Effect.fnUntraced(function* (
  existing: Connector,
  changes: ConnectorChanges,
  publicUrl: string
): Effect.fn.Return<Connector, InvalidField | Conflict | NotFound | Unavailable, ConnectorStore | SecretBox> {
  const connectorStore = yield* ConnectorStore
  if (changes.name !== undefined && (yield* nameTaken(changes.name, existing.id))) {
    return yield* new Conflict({ field: "name", detail: `name: a connector is already named ${changes.name}` })
  }
  if (changes.targetSchema !== undefined && changes.targetSchema !== existing.targetSchema) {
    yield* checkTargetSchema(existing.id, changes.targetSchema)
  }
  const prepared = yield* prepare({
    id: existing.id,
    adapter: existing.adapter,
    config: changes.config ?? WebhookSecret.publicConfig(existing.config).config,
    credentials: changes.credentials,
    webhookSecrets:
      changes.webhookSecret === undefined && changes.webhookSecrets === undefined
        ? undefined
        : { default: changes.webhookSecret ?? undefined, events: changes.webhookSecrets ?? undefined },
    keptSealedSecret: sealedSecretOf(existing.config),
    publicUrl
  })
  return yield* connectorStore
    .updateConnector(existing.id, {
      ...(changes.name === undefined ? {} : { name: changes.name }),
      ...(changes.targetSchema === undefined ? {} : { targetSchema: changes.targetSchema }),
      config: prepared.config,
      ...(prepared.credentials === undefined ? {} : { credentials: prepared.credentials })
    })
    .pipe(
      Effect.catchTag("ConnectorNotFound", () =>
        Effect.fail(new NotFound({ detail: `No connector ${JSON.stringify(existing.id)}` }))
      ),
      storeFailure
    )
})
