import { NodeHttpClient } from "@effect/platform-node"
import { AdapterHttp, TokenManager, TokenStore } from "@syncflow/adapter-core"
import { ApiSmithAdapter, ApiSmithClient, ApiSmithCredentials } from "@syncflow/apismith"
import {
  ConnectorAdapters,
  ConnectorStore,
  PostgresDestination,
  SecretBox,
  StateStores,
  SyncCluster,
  SyncEngine,
  SyncWorkflows
} from "@syncflow/sync-engine"
import { Effect, Layer, Redacted } from "effect"

// Sync every entity of an APISmith connector into PostgreSQL, parents first: the durable
// SyncConnector workflow, the one the server's API, its scheduler and `syncflow sync` run.
export const syncErp = Effect.gen(function* () {
  const connectorStore = yield* ConnectorStore
  const existing = yield* connectorStore.getConnector("erp")
  if (existing._tag === "None") yield* connectorStore.createConnector({ id: "erp", adapter: "apismith", name: "ERP" })
  const workflows = yield* SyncWorkflows
  return yield* workflows.runConnector({ connectorId: "erp", mode: "incremental" })
})

// The engine on a PostgreSQL database (the SqlClient comes from @effect/sql-pg's PgClient.layer).
export const EngineLive = (secretKey: Redacted.Redacted<string>) =>
  SyncEngine.layer.pipe(
    Layer.provideMerge(PostgresDestination.layer),
    Layer.provideMerge(StateStores.layer),
    Layer.provide(SecretBox.layer({ key: secretKey }))
  )

// The workflows on one in-process runner (its tables `cluster_*` in the same database), every
// connector served by the APISmith adapter.
export const WorkflowsLive = SyncWorkflows.layer.pipe(
  Layer.provideMerge(SyncCluster.layerSingle()),
  Layer.provide(
    Layer.effect(
      ConnectorAdapters,
      Effect.gen(function* () {
        const adapter = yield* ApiSmithAdapter
        return ConnectorAdapters.of({
          runtime: () =>
            Effect.succeed({
              adapter,
              // APISmith rows carry their row version and Oracle keys beside the data.
              stages: () => ({ normalize: { mapping: { metaFields: ["_row_version", "_oracle_keys"] } } })
            })
        })
      })
    )
  )
)

// The APISmith adapter with a service JWT minted from the shared secret.
export const ErpLive = (baseUrl: string, secret: string) =>
  ApiSmithAdapter.layer().pipe(
    Layer.provide(
      ApiSmithClient.layer({ baseUrl, credentials: ApiSmithCredentials.serviceJwt({ secret: Redacted.make(secret) }) })
    ),
    Layer.provide(
      Layer.mergeAll(TokenManager.layer, AdapterHttp.layerMemory()).pipe(
        Layer.provideMerge(TokenStore.layerMemory),
        Layer.provideMerge(NodeHttpClient.layerUndici)
      )
    )
  )
