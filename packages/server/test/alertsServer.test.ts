/**
 * The alerts as `syncflow serve` runs them: a server with its scheduler on hosts the cluster's
 * evaluator and deliverer (configured through `ServerAppOptions.alerts`, as the environment would).
 * A connector whose runs have failed to reach its upstream for 20 minutes fires
 * `upstream_unreachable`, which a webhook receiver on loopback gets once, signed; `GET
 * /api/v1/alerts` and `/metrics` show it. Real time, real PostgreSQL, real HTTP.
 */
import { createHmac } from "node:crypto"
import { createServer } from "node:http"
import type { AddressInfo } from "node:net"
import { assert, layer } from "@effect/vitest"
import { defaultAlertThresholds, StateMigrations } from "@syncflow/sync-engine"
import { PgTest } from "@syncflow/testing-pg"
import { Context, Duration, Effect, Layer, Option, Redacted, References, Schema } from "effect"
import { HttpServer } from "effect/http"
import { SqlClient } from "effect/sql"
import { AlertView } from "../src/api/Views.ts"
import { serverAppLayer } from "../src/app/ServerApp.ts"
import { apiKey, bodyAs, eventually, TestServer, testSettings } from "./fixtures.ts"

const secret = "server-test-secret-0123"

interface Delivery {
  readonly headers: Record<string, string | Array<string> | undefined>
  readonly body: string
}

/** A webhook receiver on loopback for the file, started before the server. */
const receiver = Effect.acquireRelease(
  Effect.promise(() => {
    const received: Array<Delivery> = []
    const server = createServer((request, response) => {
      let body = ""
      request.setEncoding("utf8")
      request.on("data", (chunk: string) => {
        body += chunk
      })
      request.on("end", () => {
        received.push({ headers: request.headers, body })
        response.writeHead(204).end()
      })
    })
    return new Promise<{ readonly url: string; readonly received: Array<Delivery>; readonly close: () => void }>(
      (resolve) =>
        server.listen(0, "127.0.0.1", () =>
          resolve({
            url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
            received,
            close: () => {
              server.closeAllConnections()
              server.close()
            }
          })
        )
    )
  }),
  (server) => Effect.sync(server.close)
)

/** The receiver the server delivers to. */
class Receiver extends Context.Service<Receiver, { readonly url: string; readonly received: Array<Delivery> }>()(
  "test/Receiver"
) {}

/** The server with its scheduler on (so it hosts the alert singletons), alerts every second to the receiver. */
const serverLayer = Layer.unwrap(
  Effect.gen(function* () {
    const url = yield* PgTest.databaseUrl
    const sql = yield* SqlClient.SqlClient
    yield* StateMigrations.migrate
    // Before the server starts: a connector whose only entity is disabled (the scheduler leaves it
    // alone), and two runs that failed to reach its upstream 20 and 10 minutes ago.
    yield* sql`INSERT INTO syncflow.connectors (id, adapter, name, created_at, updated_at)
               VALUES ('erp', 'apismith', 'ERP', now(), now())`
    yield* sql`INSERT INTO syncflow.entities (connector_id, entity, manifest, discovered_at, enabled)
               VALUES ('erp', 'items', ${JSON.stringify({
                 entity: "items",
                 endpoint: "items.list",
                 businessKey: ["id"],
                 deltaStrategy: "hash",
                 parents: []
               })}::jsonb, now(), false)`
    for (const [n, minutes] of [
      [1, 20],
      [2, 10]
    ] as const) {
      yield* sql`INSERT INTO syncflow.sync_runs (id, connector_id, entity, mode, status, started_at, finished_at, error)
                 VALUES (${`00000000-0000-4000-8000-00000000000${n}`}::uuid, 'erp', 'items', 'incremental', 'failed',
                   now() - make_interval(mins => ${minutes}), now() - make_interval(mins => ${minutes}),
                   'UpstreamUnavailable: connect ECONNREFUSED 127.0.0.1:8007')`
    }
    const hook = yield* receiver
    const app = serverAppLayer(
      { ...testSettings(url), scheduler: true },
      {
        alerts: {
          thresholds: defaultAlertThresholds,
          every: Duration.seconds(1),
          webhooks: [{ name: "ops", url: Redacted.make(hook.url), format: "json", secret: Redacted.make(secret) }]
        }
      }
    )
    const server = Layer.effect(
      TestServer,
      Effect.gen(function* () {
        const address = (yield* HttpServer.HttpServer).address
        if (address._tag === "UnixPathAddress") return yield* Effect.die("the server is not on TCP")
        return TestServer.of({ baseUrl: `http://127.0.0.1:${address.port}` })
      })
    ).pipe(Layer.provide(app), Layer.provide(Layer.succeed(References.MinimumLogLevel, "Error")))
    return Layer.merge(server, Layer.succeed(Receiver, Receiver.of(hook)))
  })
).pipe(Layer.provideMerge(PgTest.layer))

const get = (path: string) =>
  Effect.gen(function* () {
    const { baseUrl } = yield* TestServer
    return yield* Effect.promise(async () => {
      const response = await fetch(`${baseUrl}${path}`, { headers: { authorization: `Bearer ${apiKey}` } })
      return { status: response.status, text: await response.text() }
    })
  })

layer(serverLayer, { timeout: 120_000, excludeTestServices: true })("alerts in syncflow serve", (it) => {
  it.effect("the server's evaluator fires upstream_unreachable and its deliverer posts it once, signed", () =>
    Effect.gen(function* () {
      const hook = yield* Receiver
      const delivery = yield* eventually(
        Effect.sync(() => Option.fromUndefinedOr(hook.received[0])),
        Duration.seconds(60)
      )
      const timestamp = String(delivery.headers["x-syncflow-timestamp"])
      assert.strictEqual(
        delivery.headers["x-syncflow-signature"],
        `v1=${createHmac("sha256", secret).update(`${timestamp}.${delivery.body}`).digest("hex")}`
      )
      const payload = JSON.parse(delivery.body)
      assert.deepInclude(payload, { event: "alert.firing" })
      assert.deepInclude(payload.alert, { rule: "upstream_unreachable", connectorId: "erp", entity: null })

      const listed = yield* get("/api/v1/alerts?state=firing")
      const alerts = bodyAs(
        { status: listed.status, body: JSON.parse(listed.text), headers: new Headers() },
        Schema.Array(AlertView)
      )
      assert.deepStrictEqual(
        alerts.map((alert) => [alert.rule, alert.connectorId, alert.entity]),
        [["upstream_unreachable", "erp", null]]
      )
      const metrics = yield* get("/metrics")
      assert.include(metrics.text, 'syncflow_alerts_firing{rule="upstream_unreachable",connector="erp",entity=""} 1')
      // Later evaluations refresh the firing alert (its value grows) but deliver nothing more.
      const sql = yield* SqlClient.SqlClient
      yield* eventually(
        sql<{ readonly later: boolean }>`
          SELECT updated_at > fired_at + interval '3 seconds' AS later FROM syncflow.alerts`.pipe(
          Effect.map(([row]) => (row?.later === true ? Option.some(row) : Option.none()))
        )
      )
      assert.strictEqual(hook.received.length, 1)
    })
  )
})
