/**
 * The sync benchmark (`pnpm bench`, not a test): the fake ERP in its own process over real HTTP,
 * a real PostgreSQL (DATABASE_URL, or an embedded one), and five scenarios on `items`: the initial
 * sync, a re-sync with nothing changed (incremental, as the scheduler runs it, and full, comparing
 * every row's hash), a row-version delta with 1,000 changed rows, and a hash delta (complete listing)
 * with 1% changed. Each prints rows/s, where the time went, Node's CPU time per row and the peak
 * RSS, and its time as a multiple of the same run's floor. After the initial sync it measures, on the
 * same rows, the baselines (`copyBaselines.ts`: the raw `COPY` into an indexed table, and the floor,
 * `COPY` into an unindexed table then building the indexes) and the peer (`peerSync.ts`: a
 * hand-written fetch + batched `unnest` upsert script, in its own process, against the same fake).
 *
 * With `--destination copy`, the destination is `PostgresDestination.layerBulk` (COPY into a
 * staging table for all-new chunks) instead of the unnest upserts.
 *
 * `--workers N` fetches N pages of the listing at once (`fetchConcurrency`; 1 by default).
 *
 *   pnpm bench [--rows 1000000] [--window 10000] [--destination unnest|copy] [--workers 1]
 *              [--scenarios incremental,full,rowversion,hash]   (the initial sync always runs)
 *              [--no-baselines]   (no COPY baselines and no peer: a run for the peak RSS alone)
 */

import { spawn } from "node:child_process"
import { cpus, totalmem } from "node:os"
import { createInterface } from "node:readline"
import { fileURLToPath } from "node:url"
import { NodeHttpClient, NodeRuntime, NodeServices } from "@effect/platform-node"
import { AdapterHttp, type EntityManifest, TokenManager, TokenStore } from "@syncflow/adapter-core"
import { ApiSmithAdapter, ApiSmithClient, ApiSmithCredentials } from "@syncflow/apismith"
import { acquireEmbeddedPostgres } from "@syncflow/embedded-postgres"
import { Console, Context, Effect, Layer, Redacted, References } from "effect"
import { PgBulkPool } from "../src/destination/PgBulkPool.ts"
import * as PostgresDestination from "../src/destination/PostgresDestination.ts"
import { SyncEngine } from "../src/pipeline/SyncEngine.ts"
import type { SyncMode } from "../src/pipeline/SyncMode.ts"
import { ConnectorStore } from "../src/state/ConnectorStore.ts"
import { argument, benchDatabase, engineLayer, memoryNow, peakRssMb, report, seconds, withCpu } from "./benchSupport.ts"
import { copyThenIndex, indexedCopy } from "./copyBaselines.ts"

const ROWS = argument("rows", 1_000_000)
const WINDOW = argument("window", 10_000)
/** Pages of `items` requested at once (`SyncEntityRequest.fetchConcurrency`): the ERP's pages are numbered. */
const WORKERS = argument("workers", 1)
const DESTINATION = process.argv.includes("copy") ? "copy" : "unnest"
/** Whether to measure the baselines and the peer after the initial sync (`--no-baselines` skips them). */
const BASELINES = !process.argv.includes("--no-baselines")
const scenarioIndex = process.argv.indexOf("--scenarios")
/** Which scenarios to run after the initial sync (all by default). */
const SCENARIOS = new Set(
  scenarioIndex === -1
    ? ["incremental", "full", "rowversion", "hash"]
    : (process.argv[scenarioIndex + 1] ?? "").split(",")
)
const stages = { normalize: { mapping: { metaFields: ["_row_version", "_oracle_keys"] } } }

/** The fake ERP in a child process: its URL and secret, and a way to mutate it. */
const fakeErpProcess = Effect.acquireRelease(
  Effect.callback<{
    readonly baseUrl: string
    readonly secret: string
    readonly mutate: (mutation: object) => Effect.Effect<void>
    readonly stop: () => void
  }>((resume) => {
    const script = fileURLToPath(new URL("./fakeErpServer.ts", import.meta.url))
    const child = spawn(process.execPath, [script, String(ROWS)], { stdio: ["pipe", "pipe", "inherit"] })
    const lines = createInterface({ input: child.stdout })
    const waiting: Array<() => void> = []
    lines.on("line", (line) => {
      if (line === "ok") return waiting.shift()?.()
      const { baseUrl, secret } = JSON.parse(line) as { baseUrl: string; secret: string }
      resume(
        Effect.succeed({
          baseUrl,
          secret,
          mutate: (mutation: object) =>
            Effect.callback<void>((done) => {
              waiting.push(() => done(Effect.void))
              child.stdin.write(`${JSON.stringify(mutation)}\n`)
            }),
          stop: () => child.kill()
        })
      )
    })
  }),
  (fake) => Effect.sync(fake.stop)
)

/**
 * The peer (`peerSync.ts`) in a process of its own against the same fake: a hand-written fetch +
 * batched `unnest` upsert of the same rows, timed by itself.
 */
const peerProcess = (baseUrl: string, secret: string, databaseUrl: string) =>
  Effect.callback<{ readonly ms: number; readonly rows: number }>((resume) => {
    const script = fileURLToPath(new URL("./peerSync.ts", import.meta.url))
    const child = spawn(process.execPath, [script, baseUrl, secret, databaseUrl], {
      stdio: ["ignore", "pipe", "inherit"]
    })
    let output = ""
    child.stdout.on("data", (bytes: Buffer) => {
      output += bytes.toString("utf8")
    })
    child.on("exit", (code) =>
      resume(
        code === 0
          ? Effect.succeed(JSON.parse(output) as { ms: number; rows: number })
          : Effect.die(new Error(`the peer exited with ${code}`))
      )
    )
  })

const main = Effect.gen(function* () {
  yield* Console.log(
    `SyncFlow sync benchmark: ${ROWS} item rows in windows of ${WINDOW}, ${DESTINATION} destination, ${WORKERS} page${WORKERS === 1 ? "" : "s"} fetched at once; Node ${process.versions.node}; ${cpus().length} cores (${cpus()[0]?.model ?? "?"}), ${Math.round(totalmem() / 2 ** 30)} GiB`
  )
  const adminUrl =
    process.env.DATABASE_URL ??
    Redacted.value((yield* acquireEmbeddedPostgres({ dataDir: ".syncflow/bench-pg/data" })).url)
  const database = yield* benchDatabase(adminUrl)
  const fake = yield* fakeErpProcess

  const HttpStack = Layer.mergeAll(TokenManager.layer, AdapterHttp.layerMemory()).pipe(
    Layer.provideMerge(TokenStore.layerMemory),
    Layer.provideMerge(NodeHttpClient.layerUndici)
  )
  const AdapterLive = ApiSmithAdapter.layer().pipe(
    Layer.provide(
      ApiSmithClient.layer({
        baseUrl: fake.baseUrl,
        credentials: ApiSmithCredentials.serviceJwt({ secret: Redacted.make(fake.secret) })
      })
    ),
    Layer.provide(HttpStack)
  )
  const EngineLive = engineLayer(
    database.url,
    DESTINATION === "copy"
      ? PostgresDestination.layerBulk().pipe(Layer.provide(PgBulkPool.layer({ url: Redacted.make(database.url) })))
      : PostgresDestination.layer
  )
  const services = yield* Layer.build(Layer.merge(EngineLive, AdapterLive))
  const engine = Context.get(services, SyncEngine)
  const adapter = Context.get(services, ApiSmithAdapter)
  const connectorStore = Context.get(services, ConnectorStore)
  yield* connectorStore.createConnector({ id: "bench", adapter: "apismith", name: "bench" })
  const manifests = yield* adapter.manifests
  const items = manifests.find((m) => m.entity === "items") as EntityManifest
  const sync = (mode: SyncMode) =>
    withCpu(
      engine.syncEntity({
        connectorId: "bench",
        adapter,
        manifest: items,
        mode,
        stages,
        windowRows: WINDOW,
        fetchConcurrency: WORKERS
      }),
      database.url
    )

  const initial = yield* sync("incremental")
  const rows = initial.summary.counts.inserted
  // Without the baselines (`--no-baselines`, e.g. a memory run of 5,000,000 rows), no ratios to the floor.
  let floorMs: number | undefined
  if (BASELINES) {
    const indexed = yield* Effect.promise(() => indexedCopy(database.url, "bench", "items"))
    const floor = yield* Effect.promise(() => copyThenIndex(database.url, "bench", "items"))
    const peer = yield* peerProcess(fake.baseUrl, fake.secret, database.url)
    floorMs = floor.ms
    yield* Console.log(
      [
        `baselines, the same ${rows} rows:`,
        `raw COPY into an indexed table                ${seconds(indexed.ms).padStart(6)} s${indexed.postgresMs === undefined ? "" : ` (PostgreSQL CPU ${seconds(indexed.postgresMs)} s)`}`,
        `floor: COPY, no index, then build the indexes ${seconds(floorMs).padStart(6)} s (indexes ${seconds(floor.indexMs)} s${floor.postgresMs === undefined ? "" : `; PostgreSQL CPU ${seconds(floor.postgresMs)} s`})`,
        `peer: fetch + batched unnest upsert script    ${seconds(peer.ms).padStart(6)} s (${peer.rows} rows, ${Math.round(peer.rows / (peer.ms / 1000))} rows/s)`
      ].join("\n    ")
    )
    yield* report("initial sync", initial, floorMs)
    yield* Console.log(
      `    the peer took ${(peer.ms / initial.summary.timings.wallMs).toFixed(2)}x the initial sync's time`
    )
  } else {
    yield* report("initial sync", initial, floorMs)
  }
  if (SCENARIOS.has("incremental")) {
    yield* report("re-sync, nothing changed (incremental)", yield* sync("incremental"), floorMs)
  }
  if (SCENARIOS.has("full")) yield* report("re-sync, nothing changed (full)", yield* sync("full-refresh"), floorMs)
  if (SCENARIOS.has("rowversion")) {
    yield* fake.mutate({ update: 1000 })
    yield* report("row-version delta, 1,000 changed", yield* sync("incremental"), floorMs)
  }
  if (SCENARIOS.has("hash")) {
    yield* fake.mutate({ update: Math.round(ROWS / 100) })
    yield* report("hash delta (full), 1% changed", yield* sync("full-refresh"), floorMs)
  }
  yield* Console.log(`memory at the end: ${memoryNow()}; peak RSS since the last scenario began ${peakRssMb()} MB`)
}).pipe(
  Effect.scoped,
  Effect.provide(NodeServices.layer),
  // The figures are the output: the engine's per-sync log lines would only interleave with them.
  Effect.provideService(References.MinimumLogLevel, "Warn")
)

NodeRuntime.runMain(main)
