/**
 * Creating and changing connectors, as the API and the CLI both do it: settings and credentials
 * checked for the adapter (errors name the field), credentials converted and sealed, the webhook
 * secret sealed, and the connector written in one statement (nothing half-written).
 */
import { randomUUID } from "node:crypto"
import { type Connector, type SecretBox, StateStore } from "@syncflow/sync-engine"
import { Effect, Option, type Redacted, Schema } from "effect"
import { Conflict, InvalidField, NotFound, Unavailable } from "../api/ApiErrors.ts"
import {
  type AdapterName,
  type CredentialsInput,
  checkCredentialsType,
  checkSettings,
  type InvalidConnectorField,
  toCredentials
} from "./ConnectorSettings.ts"
import { checkTargetSchema } from "./TargetSchema.ts"
import * as WebhookSecret from "./WebhookSecret.ts"

/** A new connector, as the API and CLI take it. */
export interface NewConnectorInput {
  readonly id?: string | undefined
  readonly adapter: AdapterName
  readonly name: string
  readonly config?: unknown
  readonly credentials: CredentialsInput
  /** The schema of its tables; absent or `null`: its id as an identifier. */
  readonly targetSchema?: string | null | undefined
  /** PCO: the secret of every webhook event (without its own in `webhookSecrets`). */
  readonly webhookSecret?: Redacted.Redacted<string> | undefined
  /** PCO: secrets by event name (each Planning Center subscription has its own). */
  readonly webhookSecrets?: Readonly<Record<string, Redacted.Redacted<string>>> | undefined
}

/**
 * Changes to a connector: absent fields are kept. `webhookSecret` and `webhookSecrets` are replaced
 * together when either is given (`null` for none).
 */
export interface ConnectorChanges {
  readonly name?: string | undefined
  readonly config?: unknown
  readonly credentials?: CredentialsInput | undefined
  /** The schema of its tables (`null`: its id). Moves no table: see `syncflow connectors move-tables`. */
  readonly targetSchema?: string | null | undefined
  readonly webhookSecret?: Redacted.Redacted<string> | null | undefined
  readonly webhookSecrets?: Readonly<Record<string, Redacted.Redacted<string>>> | null | undefined
}

const invalid = (error: InvalidConnectorField) => new InvalidField({ field: error.field, message: error.message })

const baseUrlOf = (settings: unknown): string | undefined =>
  typeof settings === "object" && settings !== null && "baseUrl" in settings && typeof settings.baseUrl === "string"
    ? settings.baseUrl
    : undefined

const SealedSecret = Schema.Struct({ [WebhookSecret.sealedKey]: Schema.String })
const decodeSealedSecret = Schema.decodeUnknownOption(SealedSecret)

/** The sealed webhook secrets stored in a connector's settings. */
const sealedSecretOf = (config: unknown): string | undefined =>
  Option.getOrUndefined(Option.map(decodeSealedSecret(config), (stored) => stored[WebhookSecret.sealedKey]))

const storeFailure = <A, E extends { readonly message: string }, R>(effect: Effect.Effect<A, E, R>) =>
  Effect.mapError(effect, (error) => new Unavailable({ message: error.message }))

/** Checks settings and credentials for the adapter; the config to store (with the sealed webhook secret). */
const prepare = Effect.fnUntraced(function* (input: {
  readonly id: string
  readonly adapter: AdapterName
  readonly config: unknown
  readonly credentials: CredentialsInput | undefined
  /** The new webhook secrets; `undefined` keeps the stored ones. */
  readonly webhookSecrets: WebhookSecret.ConnectorWebhookSecrets | undefined
  readonly keptSealedSecret: string | undefined
  readonly publicUrl: string
}) {
  const checked = checkSettings(input.adapter, input.config)
  if (checked._tag === "invalid") return yield* invalid(checked.error)
  if (input.credentials !== undefined) {
    const wrongType = checkCredentialsType(input.adapter, input.credentials)
    if (wrongType !== undefined) return yield* invalid(wrongType)
  }
  const givesSecrets =
    input.webhookSecrets !== undefined &&
    (input.webhookSecrets.default !== undefined || input.webhookSecrets.events !== undefined)
  if (givesSecrets && input.adapter !== "pco") {
    return yield* new InvalidField({
      field: "webhookSecret",
      message: "webhookSecret: only Planning Center (pco) connectors receive webhooks"
    })
  }
  const sealed =
    input.webhookSecrets === undefined
      ? input.keptSealedSecret
      : givesSecrets
        ? yield* WebhookSecret.seal(input.id, input.webhookSecrets)
        : undefined
  const config: Schema.Json = {
    ...checked.settings,
    ...(sealed === undefined ? {} : { [WebhookSecret.sealedKey]: sealed })
  }
  const credentials =
    input.credentials === undefined
      ? undefined
      : toCredentials(input.credentials, { baseUrl: baseUrlOf(checked.settings), publicUrl: input.publicUrl })
  return { config, credentials }
})

const nameTaken = Effect.fnUntraced(function* (name: string, except: string | undefined) {
  const all = yield* storeFailure((yield* StateStore).listConnectors)
  return all.some((connector) => connector.name === name && connector.id !== except)
})

/** Creates a connector; a taken id or name is a `Conflict` naming the field. */
export const createConnector = Effect.fnUntraced(function* (
  input: NewConnectorInput,
  publicUrl: string
): Effect.fn.Return<Connector, InvalidField | Conflict | Unavailable, StateStore | SecretBox> {
  const state = yield* StateStore
  if (input.id !== undefined && Option.isSome(yield* storeFailure(state.getConnector(input.id)))) {
    return yield* new Conflict({ field: "id", message: `id: a connector ${input.id} already exists` })
  }
  if (yield* nameTaken(input.name, undefined)) {
    return yield* new Conflict({ field: "name", message: `name: a connector is already named ${input.name}` })
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
    state.createConnector({
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
): Effect.fn.Return<Connector, InvalidField | Conflict | NotFound | Unavailable, StateStore | SecretBox> {
  const state = yield* StateStore
  const adapter: AdapterName = existing.adapter === "pco" ? "pco" : "apismith"
  if (changes.name !== undefined && (yield* nameTaken(changes.name, existing.id))) {
    return yield* new Conflict({ field: "name", message: `name: a connector is already named ${changes.name}` })
  }
  if (changes.targetSchema !== undefined && changes.targetSchema !== existing.targetSchema) {
    yield* checkTargetSchema(existing.id, changes.targetSchema)
  }
  const prepared = yield* prepare({
    id: existing.id,
    adapter,
    config: changes.config ?? WebhookSecret.publicConfig(existing.config).config,
    credentials: changes.credentials,
    webhookSecrets:
      changes.webhookSecret === undefined && changes.webhookSecrets === undefined
        ? undefined
        : { default: changes.webhookSecret ?? undefined, events: changes.webhookSecrets ?? undefined },
    keptSealedSecret: sealedSecretOf(existing.config),
    publicUrl
  })
  return yield* state
    .updateConnector(existing.id, {
      ...(changes.name === undefined ? {} : { name: changes.name }),
      ...(changes.targetSchema === undefined ? {} : { targetSchema: changes.targetSchema }),
      config: prepared.config,
      ...(prepared.credentials === undefined ? {} : { credentials: prepared.credentials })
    })
    .pipe(
      Effect.catchTag("ConnectorNotFound", () =>
        Effect.fail(new NotFound({ message: `No connector ${JSON.stringify(existing.id)}` }))
      ),
      storeFailure
    )
})
