/**
 * Alerts through the server: `GET /api/v1/alerts` (admin token, filters, a bad filter is a 400
 * naming it), an entity's own thresholds set with `PATCH .../entities/{entity}` (`alerts`; a bad
 * one is a 400 naming the field), and the gauge `syncflow_alerts_firing` on `/metrics`: 1 while
 * firing, 0 once resolved, gone with its connector. The evaluator and the deliverer run here on
 * the server's database (the test server's scheduler, which would host them, is off), delivering
 * to the README's example receiver (`examples/alertReceiver.ts`) on loopback, which gets the firing
 * and the resolution once each, and refuses an unsigned request.
 */
import type { AddressInfo } from "node:net"
import { NodeHttpClient } from "@effect/platform-node"
import { assert, layer } from "@effect/vitest"
import { AlertEvaluator, AlertOutbox, AlertStore } from "@syncflow/sync-engine"
import { Effect, Redacted, Schema } from "effect"
import { SqlClient } from "effect/sql"
import { alertReceiver } from "../examples/alertReceiver.ts"
import { deliver } from "../src/alerts/AlertDeliverer.ts"
import { AlertView, EntityView } from "../src/api/Views.ts"
import { bodyAs, call, testServerLayer } from "./fixtures.ts"

const evaluate = AlertEvaluator.evaluate({ webhooks: ["example"] }).pipe(Effect.provide(AlertStore.layer))

const secret = "the-example-secret-123"

/** The README's receiver on a free loopback port, for the life of the scope, and what it handed on. */
const exampleReceiver = Effect.acquireRelease(
  Effect.promise(() => {
    const received: Array<{ readonly event: string; readonly deliveryId: string }> = []
    const server = alertReceiver(secret, (payload) => received.push(payload as (typeof received)[number]))
    return new Promise<{ readonly url: string; readonly received: typeof received; readonly close: () => void }>(
      (resolve) =>
        server.listen(0, "127.0.0.1", () =>
          resolve({
            url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/alerts`,
            received,
            close: () => {
              server.closeAllConnections()
              server.close()
            }
          })
        )
    )
  }),
  (receiver) => Effect.sync(receiver.close)
)

const gauge = (text: unknown) =>
  String(text)
    .split("\n")
    .filter((line) => line.startsWith("syncflow_alerts_firing"))

layer(testServerLayer, { timeout: 120_000, excludeTestServices: true })("alerts API", (it) => {
  it.effect("lists alerts, sets an entity's thresholds, exposes syncflow_alerts_firing", () =>
    Effect.gen(function* () {
      const sql = yield* SqlClient.SqlClient
      yield* sql`INSERT INTO syncflow.connectors (id, adapter, name, created_at, updated_at)
                 VALUES ('erp', 'apismith', 'ERP', now(), now())`
      yield* sql`INSERT INTO syncflow.entities (connector_id, entity, manifest, discovered_at)
                 VALUES ('erp', 'items', ${JSON.stringify({
                   entity: "items",
                   endpoint: "items.list",
                   businessKey: ["id"],
                   deltaStrategy: "hash",
                   parents: []
                 })}::jsonb, now())`
      // A sync that succeeded just now, and a run that has been running for two hours.
      yield* sql`INSERT INTO syncflow.sync_runs (id, connector_id, entity, mode, status, started_at, finished_at)
                 VALUES ('00000000-0000-4000-8000-000000000001', 'erp', 'items', 'incremental', 'succeeded',
                   now() - interval '1 minute', now())`
      yield* sql`INSERT INTO syncflow.sync_runs (id, connector_id, entity, mode, status, started_at)
                 VALUES ('00000000-0000-4000-8000-000000000002', 'erp', 'items', 'incremental', 'running',
                   now() - interval '2 hours')`
      assert.deepInclude(yield* evaluate, { firing: 1 })
      const receiver = yield* exampleReceiver
      const deliverAll = deliver({
        webhooks: [{ name: "example", url: Redacted.make(receiver.url), format: "json", secret: Redacted.make(secret) }]
      }).pipe(Effect.provide([AlertOutbox.layer, NodeHttpClient.layerUndici]))
      assert.deepInclude(yield* deliverAll, { delivered: 1 })
      assert.deepStrictEqual(
        receiver.received.map((payload) => payload.event),
        ["alert.firing"]
      )
      const unsigned = yield* Effect.promise(() =>
        fetch(receiver.url, { method: "POST", body: JSON.stringify({ event: "alert.firing" }) })
      )
      assert.strictEqual(unsigned.status, 401)

      assert.strictEqual((yield* call("GET", "/api/v1/alerts", { token: null })).status, 401)
      const listed = yield* call("GET", "/api/v1/alerts")
      assert.strictEqual(listed.status, 200)
      const [alert] = bodyAs(listed, Schema.Array(AlertView))
      assert.deepInclude(alert, {
        rule: "long_run",
        state: "firing",
        connectorId: "erp",
        entity: "items",
        threshold: 3600,
        unit: "seconds",
        resolvedAt: null
      })
      assert.isAtLeast(alert?.value ?? 0, 7200)
      assert.deepStrictEqual(bodyAs(yield* call("GET", "/api/v1/alerts?state=resolved"), Schema.Array(AlertView)), [])
      assert.lengthOf(
        bodyAs(yield* call("GET", "/api/v1/alerts?rule=long_run&connector=erp"), Schema.Array(AlertView)),
        1
      )
      const bad = yield* call("GET", "/api/v1/alerts?state=burning")
      assert.strictEqual(bad.status, 400)
      assert.deepInclude(bad.body, { field: "state" })
      assert.deepStrictEqual(gauge((yield* call("GET", "/metrics", { token: null })).body), [
        'syncflow_alerts_firing{rule="long_run",connector="erp",entity="items"} 1'
      ])

      // The entity allows runs of 3 hours: the alert resolves.
      const path = "/api/v1/connectors/erp/entities/items"
      const badThreshold = yield* call("PATCH", path, { body: { alerts: { longRunMinutes: 0 } } })
      assert.strictEqual(badThreshold.status, 400)
      assert.deepInclude(badThreshold.body, { field: "alerts.longRunMinutes" })
      const patched = yield* call("PATCH", path, { body: { alerts: { longRunMinutes: 180, failedRecords: null } } })
      assert.strictEqual(patched.status, 200, JSON.stringify(patched.body))
      assert.deepStrictEqual(bodyAs(patched, EntityView).settings.alerts, { longRunMinutes: 180, failedRecords: null })
      assert.deepInclude(yield* evaluate, { firing: 0 })
      assert.deepInclude(yield* deliverAll, { delivered: 1 })
      assert.deepInclude(yield* deliverAll, { delivered: 0 })
      assert.deepStrictEqual(
        receiver.received.map((payload) => payload.event),
        ["alert.firing", "alert.resolved"]
      )
      const [resolved] = bodyAs(yield* call("GET", "/api/v1/alerts?state=resolved"), Schema.Array(AlertView))
      assert.strictEqual(resolved?.id, alert?.id)
      assert.isString(resolved?.resolvedAt)
      assert.deepStrictEqual(gauge((yield* call("GET", "/metrics", { token: null })).body), [
        'syncflow_alerts_firing{rule="long_run",connector="erp",entity="items"} 0'
      ])
      // {} returns to the global thresholds.
      const reset = yield* call("PATCH", path, { body: { alerts: {} } })
      assert.deepStrictEqual(bodyAs(reset, EntityView).settings.alerts, {})

      // A deleted connector's series disappears; its alerts stay in the history.
      yield* sql`DELETE FROM syncflow.connectors WHERE id = 'erp'`
      assert.deepInclude(yield* evaluate, { firing: 0 })
      assert.deepStrictEqual(gauge((yield* call("GET", "/metrics", { token: null })).body), [])
      assert.lengthOf(bodyAs(yield* call("GET", "/api/v1/alerts"), Schema.Array(AlertView)), 1)
    }).pipe(Effect.scoped)
  )
})
