/**
 * The push benchmark (`pnpm bench`, not a test): the fake ERP's items pushed into the fake
 * ScheduleHub (both on loopback HTTP, in this process) through the engine's sink path — stages 2-5,
 * the SQL row ledger (a real PostgreSQL: DATABASE_URL, or an embedded one), `ApiDestination` over the
 * ScheduleHub adapter's batch endpoint. Prints rows/s, the batch size and the requests made, for the
 * initial push and for a re-push with 1% of the rows changed.
 *
 *   node packages/sync-engine/bench/pushSync.ts [--rows 20000] [--window 5000]
 */
import { NodeHttpClient, NodeRuntime } from "@effect/platform-node"
import { PgClient } from "@effect/sql-pg"
import { AdapterHttp, TokenManager, TokenStore } from "@syncflow/adapter-core"
import { ApiSmithAdapter, ApiSmithClient } from "@syncflow/apismith"
import { FakeErp } from "@syncflow/apismith/testing"
import { acquireEmbeddedPostgres } from "@syncflow/embedded-postgres"
import { ScheduleHubAdapter, ScheduleHubClient } from "@syncflow/schedulehub"
import { FakeScheduleHub } from "@syncflow/schedulehub/testing"
import { Console, Context, Effect, Layer, Redacted, References } from "effect"
import * as Base64 from "effect/encoding/Base64"
import * as ApiDestination from "../src/destination/ApiDestination.ts"
import * as PostgresDestination from "../src/destination/PostgresDestination.ts"
import * as TableTarget from "../src/destination/TableTarget.ts"
import * as SqlRowLedger from "../src/ledger/SqlRowLedger.ts"
import { SyncEngine } from "../src/pipeline/SyncEngine.ts"
import { ConnectorStore } from "../src/state/ConnectorStore.ts"
import { SecretBox } from "../src/state/SecretBox.ts"
import * as StateStores from "../src/state/StateStores.ts"
import { argument, benchDatabase } from "./benchSupport.ts"

const ROWS = argument("rows", 20_000)
const WINDOW = argument("window", 5_000)

const main = Effect.gen(function* () {
  const adminUrl =
    process.env.DATABASE_URL ??
    Redacted.value((yield* acquireEmbeddedPostgres({ dataDir: ".syncflow/bench-pg/data" })).url)
  const database = yield* benchDatabase(adminUrl)
  const erp = yield* FakeErp.make({ seed: 5, rows: { items: ROWS }, pageCache: true })
  const hub = yield* FakeScheduleHub.make({ requestsPerSecond: 100_000 })
  const HttpStack = Layer.mergeAll(TokenManager.layer, AdapterHttp.layerMemory()).pipe(
    Layer.provideMerge(TokenStore.layerMemory),
    Layer.provideMerge(NodeHttpClient.layerUndici)
  )
  const Adapters = Layer.merge(
    ApiSmithAdapter.layer().pipe(
      Layer.provide(ApiSmithClient.layer({ baseUrl: erp.baseUrl, credentials: erp.credentials() }))
    ),
    ScheduleHubAdapter.layer.pipe(
      Layer.provide(
        ScheduleHubClient.layer({ baseUrl: hub.baseUrl, credentials: hub.credentials(), requestsPerSecond: 100_000 })
      )
    )
  ).pipe(Layer.provide(HttpStack))
  const Engine = SyncEngine.layer.pipe(
    Layer.provideMerge(PostgresDestination.layer),
    Layer.provideMerge(StateStores.layer),
    Layer.provide(SecretBox.layer({ key: Redacted.make(Base64.encode(crypto.getRandomValues(new Uint8Array(32)))) })),
    Layer.provideMerge(PgClient.layer({ url: Redacted.make(database.url), maxConnections: 4 }))
  )
  const services = yield* Layer.build(Layer.merge(Engine, Adapters))
  const engine = Context.get(services, SyncEngine)
  const adapter = Context.get(services, ApiSmithAdapter)
  const writer = Context.get(services, ScheduleHubAdapter).write
  yield* Context.get(services, ConnectorStore).createConnector({ id: "bench", adapter: "apismith", name: "bench" })
  const items = (yield* adapter.manifests).find((m) => m.entity === "items")
  const fields = hub.entities.find((e) => e.name === "items")?.fields
  if (items === undefined || fields === undefined) return yield* Effect.die("no items")
  const sink = {
    syncId: "bench->schedulehub/items",
    destination: ApiDestination.make({
      writer,
      identityFields: { keyHash: "erp_key_hash", dataHash: "erp_data_hash", rowVersion: "erp_rowversion" },
      fields: { items: fields }
    }),
    ledger: yield* SqlRowLedger.make.pipe(Effect.provide(services)),
    target: TableTarget.make("schedulehub", "items")
  }
  const stages = { normalize: { mapping: { metaFields: ["_row_version", "_oracle_keys"] } } }
  yield* Console.log(`SyncFlow push benchmark: ${ROWS} items, fake ERP -> fake ScheduleHub, windows of ${WINDOW}`)
  const push = (label: string) =>
    Effect.gen(function* () {
      const before = yield* hub.stats
      const started = performance.now()
      const summary = yield* engine.syncEntity({
        connectorId: "bench",
        adapter,
        manifest: items,
        stages,
        sink,
        mode: "reconcile",
        windowRows: WINDOW,
        pageSize: 1000
      })
      const seconds = (performance.now() - started) / 1000
      const after = yield* hub.stats
      const written = summary.counts.inserted + summary.counts.updated
      const batches = after.batches - before.batches
      yield* Console.log(
        `${label}: ${summary.counts.fetched} rows in ${seconds.toFixed(2)} s (${Math.round(summary.counts.fetched / seconds)} rows/s), ${written} written in ${batches} batches (${batches === 0 ? 0 : Math.round((after.batchOperations - before.batchOperations) / batches)} operations each, largest ${after.largestBatch}), ${after.requests - before.requests} requests to ScheduleHub`
      )
    })
  yield* push("initial push")
  yield* erp.mutate("items", { update: Math.max(1, Math.floor(ROWS / 100)) })
  yield* push("re-push, 1% changed")
}).pipe(Effect.scoped, Effect.provideService(References.MinimumLogLevel, "Warn"))

NodeRuntime.runMain(main)
