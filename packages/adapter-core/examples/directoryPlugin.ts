import {
  type Adapter,
  AdapterClient,
  AdapterHttp,
  Bearer,
  ConnectorPlugin,
  ConnectorSetupError,
  type EntityManifest,
  HttpUrlInput,
  InvalidRequest,
  RateLimitPolicy,
  SecretInput,
  TokenManager
} from "@syncflow/adapter-core"
import { Effect, Schema, Stream } from "effect"
import { DirectoryApi, ListPeople } from "./quickstart.ts"

// 1. What a user gives: settings (stored in the clear) and credentials (sealed by the server).
const DirectorySettings = Schema.Struct({
  baseUrl: HttpUrlInput,
  pageSize: Schema.optionalKey(Schema.Int.check(Schema.isBetween({ minimum: 1, maximum: 100 })))
})
const DirectoryCredentials = Schema.Struct({ type: Schema.Literal("token"), token: SecretInput })

// 2. The entities the adapter offers (declared here; a metadata-driven source discovers them).
const person: EntityManifest = {
  entity: "person",
  endpoint: ListPeople.qualifiedName,
  businessKey: ["id"],
  cursorField: "updated_at",
  deltaStrategy: "rowversion",
  parents: [],
  columns: [
    { name: "id", type: "string", nullable: false, businessKey: true },
    { name: "name", type: "string", nullable: false, businessKey: false },
    { name: "updated_at", type: "date", nullable: false, businessKey: false }
  ]
}

// 3. The plugin: one value the adapter package exports; a server lists it with its other plugins.
export const directoryPlugin = ConnectorPlugin.make({
  name: "directory",
  title: "Directory",
  description: "The people of a directory service, listed incrementally by updated_at.",
  settings: DirectorySettings,
  credentials: DirectoryCredentials,
  toCredentials: (input) => new Bearer({ token: input.token }),
  build: ({ connectorId, settings, credentials }) =>
    Effect.gen(function* () {
      if (credentials?._tag !== "Bearer") {
        return yield* new ConnectorSetupError({ message: "a directory connector needs a token" })
      }
      const tokens = yield* TokenManager
      const authenticator = yield* tokens.authenticator(connectorId, credentials)
      const rateLimit = RateLimitPolicy.make({
        adapter: "directory",
        connection: connectorId,
        limit: 100,
        window: "20 seconds"
      })
      const httpClient = yield* AdapterHttp.make({ authenticator, rateLimit })
      const client = yield* AdapterClient.make(DirectoryApi, { baseUrl: settings.baseUrl, httpClient })
      const adapter: Adapter = {
        name: "directory",
        manifests: Effect.succeed([person]),
        streamPages: (entity, options = {}) =>
          entity !== "person"
            ? Stream.fail(new InvalidRequest({ endpoint: "directory", message: `no entity ${entity}` }))
            : client.streamPages(ListPeople, {
                ...(options.from === undefined ? {} : { from: options.from }),
                pageSize: options.pageSize ?? settings.pageSize ?? 100,
                order: "updated_at",
                ...(options.since === undefined ? {} : { filter: { updated_at: { gte: options.since } } })
              }),
        testConnection: Effect.asVoid(client.fetchPage(ListPeople, { pageSize: 1 }, { _tag: "Start" }))
      }
      return { adapter }
    }),
  capabilities: { discover: false, incremental: true, oauth2: false, write: false }
})
