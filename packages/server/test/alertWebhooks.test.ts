/**
 * Alert webhooks, end to end below the HTTP API: the evaluator (TestClock time, real PostgreSQL)
 * fires and resolves an alert; the deliverer POSTs each change to real HTTP receivers on loopback:
 * a generic JSON one that first answers 503 (retried after the backoff, the same delivery id), a
 * Slack-compatible one, and one that answers 410 (given up at once). Every accepted request's
 * HMAC-SHA256 signature is recomputed here with node:crypto; each receiver accepts exactly one
 * delivery per state change. A change recorded while no deliverer runs is delivered later, and a
 * delivery claimed by a deliverer that died is sent once after its claim lapses.
 */
import { createHmac } from "node:crypto"
import { createServer, type IncomingHttpHeaders } from "node:http"
import { NodeHttpClient } from "@effect/platform-node"
import { assert, layer } from "@effect/vitest"
import {
  AlertEvaluator,
  AlertOutbox,
  AlertStore,
  type AlertThresholds,
  ConnectorStore,
  ManifestStore,
  RunStore,
  SecretBox,
  StateStores
} from "@syncflow/sync-engine"
import { PgTest } from "@syncflow/testing-pg"
import { Clock, Effect, Layer, Redacted } from "effect"
import * as Base64 from "effect/encoding/Base64"
import { SqlClient } from "effect/sql"
import { TestClock } from "effect/testing"
import { deliver } from "../src/alerts/AlertDeliverer.ts"
import { verifyAlertDelivery } from "../src/alerts/AlertSignature.ts"
import type { AlertWebhook } from "../src/alerts/AlertWebhook.ts"

const storesLayer = Layer.mergeAll(AlertStore.layer, AlertOutbox.layer, NodeHttpClient.layerUndici).pipe(
  Layer.provideMerge(StateStores.layer),
  Layer.provideMerge(SecretBox.layer({ key: Redacted.make(Base64.encode(new Uint8Array(32).fill(3))) })),
  Layer.provideMerge(PgTest.layer)
)

const t0 = Date.UTC(2026, 5, 1, 12, 0, 0)

const thresholds: AlertThresholds = {
  consecutiveFailures: null,
  longRunMinutes: 30,
  notSyncedFactor: null,
  upstreamUnreachableMinutes: null,
  failedRecords: null,
  pendingChildMinutes: null
}

/** A request a receiver got. */
interface Received {
  readonly path: string
  readonly status: number
  readonly headers: IncomingHttpHeaders
  readonly body: string
}

/** A real HTTP server on 127.0.0.1 recording every request; `/<name>` answers `answers[name]`'s next status. */
const receiver = (answers: Record<string, Array<number>>) =>
  Effect.acquireRelease(
    Effect.promise(
      () =>
        new Promise<{ readonly url: string; readonly received: Array<Received>; readonly close: () => void }>(
          (resolve) => {
            const received: Array<Received> = []
            const server = createServer((request, response) => {
              const chunks: Array<Buffer> = []
              request.on("data", (chunk: Buffer) => chunks.push(chunk))
              request.on("end", () => {
                const path = request.url ?? "/"
                const status = answers[path.slice(1)]?.shift() ?? 200
                received.push({ path, status, headers: request.headers, body: Buffer.concat(chunks).toString("utf8") })
                response.writeHead(status, { "content-type": "text/plain" }).end(status < 300 ? "ok" : "no")
              })
            })
            server.listen(0, "127.0.0.1", () => {
              const address = server.address()
              const port = typeof address === "object" && address !== null ? address.port : 0
              resolve({
                url: `http://127.0.0.1:${port}`,
                received,
                close: () => {
                  server.closeAllConnections()
                  server.close()
                }
              })
            })
          }
        )
    ),
    (server) => Effect.sync(server.close)
  )

/** The signature recomputed here, independently of the server's code. */
const expectedSignature = (secret: string, timestamp: string, body: string) =>
  `v1=${createHmac("sha256", secret).update(`${timestamp}.${body}`).digest("hex")}`

layer(storesLayer, { timeout: 60_000 })("alert webhooks", (it) => {
  it.effect("one signed delivery per state change and webhook; 5xx retried with backoff, 410 given up", () =>
    Effect.gen(function* () {
      const server = yield* receiver({ ops: [503], gone: [410, 410] })
      const secrets = { ops: "ops-secret-0123456789", chat: "chat-secret-0123456789", gone: "gone-secret-0123456789" }
      const webhooks: ReadonlyArray<AlertWebhook> = [
        { name: "ops", url: Redacted.make(`${server.url}/ops`), format: "json", secret: Redacted.make(secrets.ops) },
        {
          name: "chat",
          url: Redacted.make(`${server.url}/chat`),
          format: "slack",
          secret: Redacted.make(secrets.chat)
        },
        { name: "gone", url: Redacted.make(`${server.url}/gone`), format: "json", secret: Redacted.make(secrets.gone) }
      ]
      const clock = yield* TestClock.make()
      yield* clock.setTime(t0)
      const at = <A, E, R>(effect: Effect.Effect<A, E, R>) => Effect.provideService(effect, Clock.Clock, clock)
      yield* at((yield* ConnectorStore).createConnector({ id: "erp", adapter: "apismith", name: "ERP" }))
      yield* at(
        (yield* ManifestStore).saveManifests("erp", [
          { entity: "items", endpoint: "items.list", businessKey: ["id"], deltaStrategy: "hash", parents: [] }
        ])
      )
      const runs = yield* RunStore
      const run = yield* at(runs.startRun({ connectorId: "erp", entity: "items", mode: "incremental" }))
      const evaluate = at(AlertEvaluator.evaluate({ thresholds, webhooks: webhooks.map((webhook) => webhook.name) }))
      const pass = at(deliver({ webhooks, firstRetry: "10 seconds" }))

      // 30 minutes in, the run is too long: the alert fires; nothing is delivered until a deliverer runs.
      yield* clock.setTime(t0 + 30 * 60_000)
      assert.strictEqual((yield* evaluate)?.fired.length, 1)
      assert.strictEqual(server.received.length, 0)
      assert.deepStrictEqual(yield* pass, { delivered: 1, retrying: 1, givenUp: 1 })
      // The 503's retry is due 10 seconds later, not before.
      assert.deepStrictEqual(yield* pass, { delivered: 0, retrying: 0, givenUp: 0 })
      yield* clock.adjust("9 seconds")
      assert.deepStrictEqual(yield* pass, { delivered: 0, retrying: 0, givenUp: 0 })
      yield* clock.adjust("1 second")
      assert.deepStrictEqual(yield* pass, { delivered: 1, retrying: 0, givenUp: 0 })

      // The run ends: the alert resolves, once.
      yield* at(runs.finishRun(run.id, { status: "succeeded" }))
      yield* clock.adjust("1 minute")
      assert.strictEqual((yield* evaluate)?.resolved.length, 1)
      assert.deepStrictEqual(yield* pass, { delivered: 2, retrying: 0, givenUp: 1 })
      yield* clock.adjust("1 hour")
      assert.strictEqual((yield* evaluate)?.fired.length, 0)
      assert.deepStrictEqual(yield* pass, { delivered: 0, retrying: 0, givenUp: 0 })

      // What the receivers got: every request signed, each change accepted once per webhook.
      const [alert] = yield* (yield* AlertStore).list()
      const firingId = `${alert?.id}-firing`
      const resolvedId = `${alert?.id}-resolved`
      const summary = server.received.map((request) => [
        request.path,
        request.status,
        request.headers["x-syncflow-delivery"],
        request.headers["x-syncflow-event"]
      ])
      assert.deepStrictEqual(summary, [
        ["/ops", 503, firingId, "alert.firing"],
        ["/chat", 200, firingId, "alert.firing"],
        ["/gone", 410, firingId, "alert.firing"],
        ["/ops", 200, firingId, "alert.firing"],
        ["/ops", 200, resolvedId, "alert.resolved"],
        ["/chat", 200, resolvedId, "alert.resolved"],
        ["/gone", 410, resolvedId, "alert.resolved"]
      ])
      for (const request of server.received) {
        const name = request.path.slice(1) as keyof typeof secrets
        const timestamp = String(request.headers["x-syncflow-timestamp"])
        assert.strictEqual(
          request.headers["x-syncflow-signature"],
          expectedSignature(secrets[name], timestamp, request.body),
          `signature of ${request.path}`
        )
        assert.strictEqual(request.headers["content-type"], "application/json")
        // Signed at the deliverer's clock time (Unix seconds); the exported helper agrees.
        const sentAt = Number(timestamp)
        assert.isTrue(
          verifyAlertDelivery(
            secrets[name],
            { ...request, timestamp, signature: request.headers["x-syncflow-signature"] as string },
            sentAt
          )
        )
        assert.isFalse(
          verifyAlertDelivery(
            "another-secret-0123456789",
            { ...request, timestamp, signature: request.headers["x-syncflow-signature"] as string },
            sentAt
          )
        )
      }
      const [firstOps, , , retriedOps, resolvedOps] = server.received
      // The retry is the same delivery, sent 10 seconds later with a fresh timestamp.
      assert.strictEqual(retriedOps?.body, firstOps?.body)
      assert.strictEqual(
        Number(retriedOps?.headers["x-syncflow-timestamp"]) - Number(firstOps?.headers["x-syncflow-timestamp"]),
        10
      )
      const generic = JSON.parse(resolvedOps?.body ?? "{}")
      assert.deepInclude(generic, { event: "alert.resolved", deliveryId: resolvedId })
      assert.deepInclude(generic.alert, {
        rule: "long_run",
        state: "resolved",
        connectorId: "erp",
        entity: "items",
        threshold: 1800,
        unit: "seconds",
        firedAt: "2026-06-01T12:30:00.000Z",
        resolvedAt: "2026-06-01T12:31:10.000Z"
      })
      const firing = JSON.parse(firstOps?.body ?? "{}")
      assert.deepInclude(firing.alert, { state: "firing", resolvedAt: null })
      const slack = JSON.parse(server.received[1]?.body ?? "{}")
      assert.include(slack.text, ":rotating_light: FIRING long_run on erp/items")
      assert.strictEqual(slack.blocks[0].type, "section")

      const sql = yield* SqlClient.SqlClient
      const rows = yield* sql<{
        readonly webhook: string
        readonly change: string
        readonly attempts: number
        readonly delivered: boolean
        readonly failed: boolean
      }>`SELECT webhook, change, attempts, delivered_at IS NOT NULL AS delivered, failed_at IS NOT NULL AS failed
         FROM syncflow.alert_deliveries ORDER BY id`
      assert.deepStrictEqual(
        rows.map((row) => [row.webhook, row.change, row.attempts, row.delivered, row.failed]),
        [
          ["ops", "firing", 2, true, false],
          ["chat", "firing", 1, true, false],
          ["gone", "firing", 1, false, true],
          ["ops", "resolved", 1, true, false],
          ["chat", "resolved", 1, true, false],
          ["gone", "resolved", 1, false, true]
        ]
      )
    }).pipe(Effect.scoped)
  )

  it.effect("a delivery claimed by a deliverer that died is sent once, after its claim lapses", () =>
    Effect.gen(function* () {
      const server = yield* receiver({})
      const webhooks: ReadonlyArray<AlertWebhook> = [
        {
          name: "ops",
          url: Redacted.make(`${server.url}/ops`),
          format: "json",
          secret: Redacted.make("ops-secret-0123456789")
        }
      ]
      const sql = yield* SqlClient.SqlClient
      yield* sql`TRUNCATE syncflow.alerts, syncflow.connectors CASCADE`
      const clock = yield* TestClock.make()
      yield* clock.setTime(t0)
      const at = <A, E, R>(effect: Effect.Effect<A, E, R>) => Effect.provideService(effect, Clock.Clock, clock)
      yield* at((yield* ConnectorStore).createConnector({ id: "erp", adapter: "apismith", name: "ERP" }))
      yield* at(
        (yield* ManifestStore).saveManifests("erp", [
          { entity: "items", endpoint: "items.list", businessKey: ["id"], deltaStrategy: "hash", parents: [] }
        ])
      )
      yield* at((yield* RunStore).startRun({ connectorId: "erp", entity: "items", mode: "incremental" }))
      yield* clock.setTime(t0 + 31 * 60_000)
      assert.strictEqual((yield* at(AlertEvaluator.evaluate({ thresholds, webhooks: ["ops"] })))?.fired.length, 1)
      // A deliverer claims the row, then dies before sending it.
      const outbox = yield* AlertOutbox
      assert.strictEqual((yield* at(outbox.claimDue({ claimFor: "60 seconds" }))).length, 1)
      const pass = at(deliver({ webhooks }))
      assert.deepStrictEqual(yield* pass, { delivered: 0, retrying: 0, givenUp: 0 })
      yield* clock.adjust("60 seconds")
      assert.deepStrictEqual(yield* pass, { delivered: 1, retrying: 0, givenUp: 0 })
      assert.deepStrictEqual(yield* pass, { delivered: 0, retrying: 0, givenUp: 0 })
      assert.strictEqual(server.received.length, 1)
      assert.strictEqual(yield* outbox.pending, 0)
    }).pipe(Effect.scoped)
  )
})
