/**
 * `syncflow serve --runner`: two server processes on one database form a cluster. Both register as
 * runners, a sync triggered through either one's API runs on the cluster to the end, and the
 * upstream's rate-limit budget lives in the shared database.
 */
import { spawn } from "node:child_process"
import { createServer } from "node:net"
import { assert, layer } from "@effect/vitest"
import { FakeErp } from "@syncflow/apismith/testing"
import { PgTest } from "@syncflow/testing-pg"
import { Duration, Effect, Option, Redacted, Schedule } from "effect"
import { SqlClient } from "effect/sql"
import { bin } from "./cliProcess.ts"
import { apiKey, secretKey } from "./fixtures.ts"
import { exited, listening } from "./serverProcess.ts"

/** A port that was free a moment ago. */
const freePort = Effect.promise(
  () =>
    new Promise<number>((resolve, reject) => {
      const server = createServer()
      server.once("error", reject)
      server.listen(0, "127.0.0.1", () => {
        const address = server.address()
        const port = typeof address === "object" && address !== null ? address.port : 0
        server.close(() => resolve(port))
      })
    })
)

/** `syncflow serve --runner` on a random HTTP port and the given runner port, killed with the scope. */
const startRunner = (databaseUrl: string, runnerPort: number) =>
  Effect.gen(function* () {
    const output: Array<string> = []
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      DATABASE_URL: databaseUrl,
      SYNCFLOW_API_KEY: apiKey,
      SYNCFLOW_SECRET_KEY: Redacted.value(secretKey),
      SYNCFLOW_SCHEDULER: "false"
    }
    delete env.REDIS_URL
    const child = yield* Effect.acquireRelease(
      Effect.sync(() =>
        spawn(
          process.execPath,
          [bin, "serve", "--port", "0", "--runner", "--runner-host", "127.0.0.1", "--runner-port", String(runnerPort)],
          { env, stdio: ["ignore", "pipe", "pipe"] }
        )
      ),
      (child) =>
        Effect.promise(() => {
          child.kill("SIGKILL")
          return exited(child)
        })
    )
    const url = yield* Effect.promise(() => listening(child, output)).pipe(Effect.timeout(Duration.seconds(90)))
    return { url, output }
  })

const api = (url: string, method: string, path: string, body?: unknown) =>
  Effect.promise(async () => {
    const response = await fetch(`${url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${apiKey}`,
        ...(body === undefined ? {} : { "content-type": "application/json" })
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) })
    })
    return { status: response.status, body: (await response.json()) as unknown }
  })

/** Polls `check` until it returns a value, for at most a minute (real processes are involved). */
const eventually = <A, E, R>(label: string, check: Effect.Effect<Option.Option<A>, E, R>) =>
  check.pipe(
    Effect.flatMap((found) => (Option.isSome(found) ? Effect.succeed(found.value) : Effect.fail("not yet" as const))),
    Effect.retry({ while: (error) => error === "not yet", schedule: Schedule.spaced(Duration.millis(250)) }),
    Effect.timeoutOrElse({ duration: Duration.seconds(90), orElse: () => Effect.die(`timed out waiting for ${label}`) })
  )

layer(PgTest.layer, { timeout: 120_000, excludeTestServices: true })("syncflow serve --runner", (it) => {
  it.effect(
    "two servers form a cluster of runners on one database; a sync triggered on either finishes",
    () =>
      Effect.gen(function* () {
        const sql = yield* SqlClient.SqlClient
        const databaseUrl = Redacted.value(yield* PgTest.databaseUrl)
        const fake = yield* FakeErp.make({ seed: 5, rows: { items: 3000 } })
        const first = yield* startRunner(databaseUrl, yield* freePort)
        const second = yield* startRunner(databaseUrl, yield* freePort)

        // Both joined: each registered its address in the shared runner table.
        const runners = yield* eventually(
          "two registered runners",
          sql<{ readonly address: string }>`SELECT address FROM cluster_runners WHERE healthy`.pipe(
            Effect.map((rows) => (rows.length === 2 ? Option.some(rows) : Option.none()))
          )
        )
        assert.strictEqual(runners.length, 2)

        const created = yield* api(first.url, "POST", "/api/v1/connectors", {
          id: "erp",
          adapter: "apismith",
          name: "ERP",
          config: { baseUrl: fake.baseUrl, pageSize: 500, rateLimit: { limit: 50, windowSeconds: 1 } },
          credentials: { type: "serviceJwt", secret: Redacted.value(fake.secret) }
        })
        assert.strictEqual(created.status, 201)
        assert.strictEqual((yield* api(second.url, "POST", "/api/v1/connectors/erp/discover")).status, 200)
        assert.strictEqual((yield* api(second.url, "POST", "/api/v1/connectors/erp/entities/items/sync")).status, 202)

        const run = yield* eventually(
          "the items run to succeed",
          sql<{ readonly status: string; readonly inserted: number }>`
            SELECT status, inserted::int AS inserted FROM syncflow.sync_runs WHERE connector_id = 'erp' AND entity = 'items'`.pipe(
            Effect.map((rows) => Option.filter(Option.fromUndefinedOr(rows[0]), (r) => r.status === "succeeded"))
          )
        )
        assert.strictEqual(run.inserted, 3000)
        const [stored] = yield* sql<{ readonly n: number }>`SELECT count(*)::int AS n FROM erp.items`
        assert.strictEqual(stored?.n, 3000)
        // The upstream's budget is kept in the database the runners share (no REDIS_URL here).
        const budgets = yield* sql<{ readonly n: number }>`SELECT count(*)::int AS n FROM syncflow.rate_limits`
        assert.isAbove(budgets[0]?.n ?? 0, 0)
      }).pipe(Effect.scoped),
    120_000
  )
})
