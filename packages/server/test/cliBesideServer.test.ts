/**
 * The CLI beside a running server on the embedded database (the README's quick start): `syncflow
 * serve` with no DATABASE_URL runs PostgreSQL in the data directory; CLI commands on that data
 * directory connect to it instead of failing on its lock, and sync a fake ERP into it. Once the
 * server has stopped, the CLI starts the embedded PostgreSQL itself again.
 */
import { chmodSync, existsSync, mkdtempSync } from "node:fs"
import { rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { PgClient } from "@effect/sql-pg"
import { assert, describe, it } from "@effect/vitest"
import { FakeErp } from "@syncflow/apismith/testing"
import { findRunningEmbeddedPostgres } from "@syncflow/embedded-postgres"
import { Duration, Effect, Layer, Option, Schema } from "effect"
import { ConnectorView } from "../src/api/Views.ts"
import { addErpConnector } from "./cliConnector.ts"
import { jsonOutput, ok, spawningTimeout, spawnSyncflow, syncflow } from "./cliProcess.ts"
import { liveRows } from "./liveRows.ts"
import { exited, listening } from "./serverProcess.ts"

describe("syncflow CLI beside a running server", () => {
  it.live(
    "connects to the server's embedded PostgreSQL: connectors add/list and sync succeed, rows land in its database",
    () =>
      Effect.gen(function* () {
        const dataDir = yield* Effect.acquireRelease(
          Effect.sync(() => {
            const dir = mkdtempSync(join(tmpdir(), "syncflow-beside-"))
            // As root PostgreSQL runs as the OS user `postgres`, which must be able to enter it.
            chmodSync(dir, 0o755)
            return dir
          }),
          (dir) => Effect.promise(() => rm(dir, { recursive: true, force: true }))
        )
        const env: NodeJS.ProcessEnv = { ...process.env, PORT: "0", SYNCFLOW_DATA_DIR: dataDir }
        for (const name of ["DATABASE_URL", "SYNCFLOW_SECRET_KEY", "SYNCFLOW_API_KEY", "SYNCFLOW_JWT_SECRET"]) {
          delete env[name]
        }
        const server = yield* spawnSyncflow(["serve"], env)
        yield* Effect.promise(() => listening(server, [])).pipe(Effect.timeout(Duration.seconds(90)))

        const fake = yield* FakeErp.make({ seed: 5, rows: { items: 120, customers: 10, orders: 15 } })
        assert.include(ok(yield* addErpConnector(env, fake, "erp", "ERP")), "Created connector erp")
        const listed = jsonOutput(Schema.Array(ConnectorView))(
          ok(yield* syncflow(["connectors", "list", "--json"], env))
        )
        assert.deepStrictEqual(
          listed.map((connector) => connector.id),
          ["erp"]
        )
        // The server's scheduler may sync the same entities: wait for its lease rather than exit 75.
        ok(yield* syncflow(["sync", "erp", "--wait", "--json"], env))

        // The rows are in the server's database, equal to the fake's truth.
        const running = yield* findRunningEmbeddedPostgres({ dataDir: join(dataDir, "postgres") })
        assert.isTrue(Option.isSome(running), "the server publishes its embedded PostgreSQL")
        if (Option.isSome(running)) {
          for (const entity of ["items", "customers", "orders"]) {
            const rows = yield* liveRows("erp", entity).pipe(
              Effect.provide(Layer.fresh(PgClient.layer({ url: running.value.url, maxConnections: 1 })))
            )
            assert.strictEqual(rows, fake.groundTruth.count(entity), entity)
          }
        }

        // Stopped cleanly, the server removes its server file; the CLI then starts PostgreSQL itself.
        server.kill("SIGTERM")
        yield* Effect.promise(() => exited(server)).pipe(Effect.timeout(Duration.seconds(60)))
        assert.isFalse(existsSync(join(dataDir, "postgres.server.json")))
        assert.include(ok(yield* syncflow(["connectors", "list"], env)), "ERP")
      }).pipe(Effect.scoped),
    spawningTimeout * 3
  )
})
