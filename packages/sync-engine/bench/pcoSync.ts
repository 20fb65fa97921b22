/**
 * The PCO benchmark (`pnpm bench`, not a test): a Planning Center-shaped source, the fake PCO in a
 * process of its own over real HTTP (JSON:API documents, 100 records a page as Planning Center
 * serves them), synced by the engine into a real PostgreSQL (DATABASE_URL, or an embedded one):
 * campuses, then people, then their emails (children of the people), then a full re-sync of the
 * people with nothing changed. Each prints the figures of `sync.ts`, against the same run's floor
 * for its table (`COPY` into an unindexed table, then building its indexes).
 *
 *   node packages/sync-engine/bench/pcoSync.ts [--people 100000] [--window 10000]
 */
import { spawn } from "node:child_process"
import { createInterface } from "node:readline"
import { fileURLToPath } from "node:url"
import { NodeRuntime, NodeServices } from "@effect/platform-node"
import type { EntityManifest } from "@syncflow/adapter-core"
import { acquireEmbeddedPostgres } from "@syncflow/embedded-postgres"
import { PcoAdapter, PcoAuth, PcoClient } from "@syncflow/pco"
import { Console, Context, Effect, Layer, Redacted, References } from "effect"
import * as PostgresDestination from "../src/destination/PostgresDestination.ts"
import { SyncEngine } from "../src/pipeline/SyncEngine.ts"
import type { SyncMode } from "../src/pipeline/SyncMode.ts"
import { ConnectorStore } from "../src/state/ConnectorStore.ts"
import { argument, benchDatabase, engineLayer, report, seconds, withCpu } from "./benchSupport.ts"
import { copyThenIndex } from "./copyBaselines.ts"

const PEOPLE = argument("people", 100_000)
const WINDOW = argument("window", 10_000)

/** The fake PCO in a child process: its URL. */
const fakePcoProcess = Effect.acquireRelease(
  Effect.callback<{ readonly baseUrl: string; readonly stop: () => void }>((resume) => {
    const script = fileURLToPath(new URL("./fakePcoServer.ts", import.meta.url))
    const child = spawn(process.execPath, [script, String(PEOPLE)], { stdio: ["pipe", "pipe", "inherit"] })
    createInterface({ input: child.stdout }).once("line", (line) => {
      const { baseUrl } = JSON.parse(line) as { baseUrl: string }
      resume(Effect.succeed({ baseUrl, stop: () => child.kill() }))
    })
  }),
  (fake) => Effect.sync(fake.stop)
)

const main = Effect.gen(function* () {
  yield* Console.log(`SyncFlow PCO benchmark: ${PEOPLE} people and their emails, windows of ${WINDOW}`)
  const adminUrl =
    process.env.DATABASE_URL ??
    Redacted.value((yield* acquireEmbeddedPostgres({ dataDir: ".syncflow/bench-pg/data" })).url)
  const database = yield* benchDatabase(adminUrl)
  const fake = yield* fakePcoProcess
  const AdapterLive = PcoAdapter.layer.pipe(
    Layer.provide(
      PcoClient.layerStandalone({
        connectionId: "bench",
        credentials: PcoAuth.personalAccessToken("app-1", Redacted.make("pat-secret-1")),
        baseUrl: fake.baseUrl,
        rateLimit: { limit: 1_000_000_000, window: "1 second" }
      })
    )
  )
  const services = yield* Layer.build(Layer.merge(engineLayer(database.url, PostgresDestination.layer), AdapterLive))
  const engine = Context.get(services, SyncEngine)
  const adapter = Context.get(services, PcoAdapter)
  yield* Context.get(services, ConnectorStore).createConnector({ id: "bench", adapter: "pco", name: "bench" })
  const manifests = yield* adapter.manifests
  const manifest = (entity: string) => manifests.find((m) => m.entity === entity) as EntityManifest
  const sync = (entity: string, mode: SyncMode) =>
    withCpu(
      engine.syncEntity({
        connectorId: "bench",
        adapter,
        manifest: manifest(entity),
        manifests,
        mode,
        windowRows: WINDOW
      }),
      database.url
    )

  yield* sync("campus", "incremental")
  const people = yield* sync("person", "incremental")
  const emails = yield* sync("email", "incremental")
  const personFloor = yield* Effect.promise(() => copyThenIndex(database.url, "bench", "person"))
  const emailFloor = yield* Effect.promise(() => copyThenIndex(database.url, "bench", "email"))
  yield* Console.log(
    [
      "floors, the same rows (COPY, no index, then build the indexes):",
      `person ${seconds(personFloor.ms)} s (indexes ${seconds(personFloor.indexMs)} s; PostgreSQL CPU ${seconds(personFloor.postgresMs)} s), email ${seconds(emailFloor.ms)} s (indexes ${seconds(emailFloor.indexMs)} s; PostgreSQL CPU ${seconds(emailFloor.postgresMs)} s)`
    ].join("\n    ")
  )
  yield* report("initial sync, people", people, personFloor.ms)
  yield* report("initial sync, emails", emails, emailFloor.ms)
  yield* report("re-sync people, nothing changed (full)", yield* sync("person", "full-refresh"), personFloor.ms)
}).pipe(Effect.scoped, Effect.provide(NodeServices.layer), Effect.provideService(References.MinimumLogLevel, "Warn"))

NodeRuntime.runMain(main)
