/**
 * The admin HTTP API end to end: the whole server on a random port over a real PostgreSQL, the fake
 * ERP as the upstream. Create a connector, test it, discover, sync through the durable workflows,
 * read runs, pending children and failed records, retry one; auth; bad input; metrics. Health:
 * health.test.ts.
 */
import { assert, layer } from "@effect/vitest"
import { FakeErp } from "@syncflow/apismith/testing"
import { FailedRecordStore, SecretBox, StateStores } from "@syncflow/sync-engine"
import { Clock, Effect, Layer, Option, Redacted, Schema } from "effect"
import { signJwt } from "../src/api/AdminAuth.ts"
import { EntitySyncTriggered } from "../src/api/groups/EntitiesGroup.ts"
import { ConnectorView, EntityView, FailedRecordView, OrphanView, PendingChildView, RunView } from "../src/api/Views.ts"
import { finishedRun } from "./finishedRun.ts"
import { bodyAs, call, eventually, jwtSecret, secretKey, testServerLayer } from "./fixtures.ts"
import { liveRows } from "./liveRows.ts"

/** The state stores on the same database, as another SyncFlow process would see it. */
const stateStores = StateStores.layer.pipe(Layer.provide(SecretBox.layer({ key: secretKey })))

layer(testServerLayer, { timeout: 120_000, excludeTestServices: true })("admin API", (it) => {
  it.effect("requires a bearer token (the API key or an HS256 JWT) on admin routes; health is open", () =>
    Effect.gen(function* () {
      assert.strictEqual((yield* call("GET", "/api/v1/health", { token: null })).status, 200)
      assert.strictEqual((yield* call("GET", "/api/v1/connectors", { token: null })).status, 401)
      assert.strictEqual((yield* call("GET", "/api/v1/connectors", { token: "wrong" })).status, 401)
      assert.strictEqual((yield* call("GET", "/api/v1/runs", { token: null })).status, 401)
      assert.strictEqual((yield* call("GET", "/api/v1/connectors")).status, 200)
      const now = Math.floor((yield* Clock.currentTimeMillis) / 1000)
      const valid = signJwt({ sub: "ops", exp: now + 600 }, jwtSecret)
      assert.strictEqual((yield* call("GET", "/api/v1/connectors", { token: valid })).status, 200)
      const expired = signJwt({ sub: "ops", exp: now - 10 }, jwtSecret)
      assert.strictEqual((yield* call("GET", "/api/v1/connectors", { token: expired })).status, 401)
      const forged = signJwt({ sub: "ops", exp: now + 600 }, Redacted.make("another secret"))
      assert.strictEqual((yield* call("GET", "/api/v1/connectors", { token: forged })).status, 401)
      const openapi = yield* call("GET", "/openapi.json", { token: null })
      assert.strictEqual(openapi.status, 200)
      assert.include(JSON.stringify(openapi.body), "/api/v1/connectors/{connectorId}/discover")
      assert.strictEqual((yield* call("GET", "/docs", { token: null })).status, 200)
    })
  )

  it.effect("rejects bad input with a 4xx naming the field, and writes nothing", () =>
    Effect.gen(function* () {
      const good = {
        id: "bad-input",
        adapter: "apismith",
        name: "Bad input",
        config: { baseUrl: "http://127.0.0.1:9" },
        credentials: { type: "bearer", token: "t" }
      }
      const badUrl = yield* call("POST", "/api/v1/connectors", { body: { ...good, config: { baseUrl: "nope" } } })
      assert.strictEqual(badUrl.status, 400)
      assert.deepInclude(badUrl.body, { field: "config.baseUrl" })

      const unknownSetting = yield* call("POST", "/api/v1/connectors", {
        body: { ...good, config: { baseUrl: "http://x", pageSise: 10 } }
      })
      assert.strictEqual(unknownSetting.status, 400)
      assert.deepInclude(unknownSetting.body, { field: "config.pageSise" })

      const wrongCredentials = yield* call("POST", "/api/v1/connectors", {
        body: { ...good, credentials: { type: "personalAccessToken", appId: "a", secret: "s" } }
      })
      assert.strictEqual(wrongCredentials.status, 400)
      assert.deepInclude(wrongCredentials.body, { field: "credentials.type" })

      const noName = yield* call("POST", "/api/v1/connectors", { body: { ...good, name: undefined } })
      assert.strictEqual(noName.status, 400)
      assert.include(JSON.stringify(noName.body), '"path":["payload","name"]')

      const notJson = yield* call("POST", "/api/v1/connectors", { raw: "{not json" })
      assert.strictEqual(notJson.status, 400)

      const badLimit = yield* call("GET", "/api/v1/runs?limit=zero")
      assert.strictEqual(badLimit.status, 400)
      assert.include(JSON.stringify(badLimit.body), '"path":["query","limit"]')

      const connectors = bodyAs(yield* call("GET", "/api/v1/connectors"), Schema.Array(ConnectorView))
      assert.isFalse(connectors.some((c) => c.id === "bad-input"))
      assert.strictEqual((yield* call("GET", "/api/v1/connectors/bad-input")).status, 404)
    })
  )

  it.effect(
    "APISmith end to end: connector, discovery, syncs, runs, pending children, failed records",
    () =>
      Effect.gen(function* () {
        const fake = yield* FakeErp.make({ seed: 7, rows: { items: 300, customers: 40, orders: 60 } })
        const created = yield* call("POST", "/api/v1/connectors", {
          body: {
            id: "erp",
            adapter: "apismith",
            name: "ERP",
            config: { baseUrl: fake.baseUrl, pageSize: 100 },
            credentials: { type: "serviceJwt", secret: Redacted.value(fake.secret) }
          }
        })
        assert.strictEqual(created.status, 201)
        const connector = bodyAs(created, ConnectorView)
        assert.deepInclude(connector, { id: "erp", adapter: "apismith", hasCredentials: true })
        // Credentials are never returned, in any form.
        assert.notInclude(JSON.stringify(created.body), Redacted.value(fake.secret))
        assert.notInclude(JSON.stringify((yield* call("GET", "/api/v1/connectors/erp")).body), "secret")
        const duplicate = yield* call("POST", "/api/v1/connectors", {
          body: { ...(created.body as object), id: "erp2", credentials: { type: "bearer", token: "t" } }
        })
        assert.strictEqual(duplicate.status, 409)
        assert.deepInclude(duplicate.body, { field: "name" })

        assert.deepStrictEqual((yield* call("POST", "/api/v1/connectors/erp/test")).body, {
          ok: true,
          message: "connected"
        })
        const discovered = bodyAs(yield* call("POST", "/api/v1/connectors/erp/discover"), Schema.Array(EntityView))
        assert.includeMembers(
          discovered.map((e) => e.entity),
          ["items", "customers", "orders", "order_lines"]
        )

        // Settings: disable the schedule of everything so only our triggers run.
        for (const entity of discovered) {
          const updated = yield* call("PATCH", `/api/v1/connectors/erp/entities/${entity.entity}`, {
            body: { enabled: false, intervalSeconds: 3600 }
          })
          assert.strictEqual(updated.status, 200)
          assert.deepInclude(bodyAs(updated, EntityView).settings, { enabled: false, intervalSeconds: 3600 })
        }
        // The reconciliation schedule: daily by default, a cron replaces it, both null switch it off.
        assert.deepInclude(discovered.find((e) => e.entity === "items")?.settings, {
          reconcileIntervalSeconds: 86_400,
          reconcileCron: null
        })
        const nightly = yield* call("PATCH", "/api/v1/connectors/erp/entities/items", {
          body: { reconcileCron: "0 3 * * *" }
        })
        assert.deepInclude(bodyAs(nightly, EntityView).settings, {
          reconcileIntervalSeconds: 86_400,
          reconcileCron: "0 3 * * *"
        })
        const noReconcile = yield* call("PATCH", "/api/v1/connectors/erp/entities/items", {
          body: { reconcileIntervalSeconds: null, reconcileCron: null }
        })
        assert.deepInclude(bodyAs(noReconcile, EntityView).settings, {
          reconcileIntervalSeconds: null,
          reconcileCron: null
        })
        const badReconcile = yield* call("PATCH", "/api/v1/connectors/erp/entities/items", {
          body: { reconcileIntervalSeconds: 0 }
        })
        assert.strictEqual(badReconcile.status, 400)
        assert.include(JSON.stringify(badReconcile.body), '"path":["payload","reconcileIntervalSeconds"]')
        const badMode = yield* call("PATCH", "/api/v1/connectors/erp/entities/items", { body: { mode: "sometimes" } })
        assert.strictEqual(badMode.status, 400)
        assert.include(JSON.stringify(badMode.body), '"path":["payload","mode"]')

        // What an entity does with rows whose parent is missing: keep (the default) or park.
        const badOrphans = yield* call("PATCH", "/api/v1/connectors/erp/entities/order_lines", {
          body: { orphans: "drop" }
        })
        assert.strictEqual(badOrphans.status, 400)
        const parking = yield* call("PATCH", "/api/v1/connectors/erp/entities/order_lines", {
          body: { orphans: "park" }
        })
        assert.deepInclude(bodyAs(parking, EntityView).settings, { orphans: "park" })
        const keeping = yield* call("PATCH", "/api/v1/connectors/erp/entities/order_lines", {
          body: { orphans: "keep" }
        })
        assert.deepInclude(bodyAs(keeping, EntityView).settings, { orphans: "keep" })

        // Order lines before their orders: written at once, flagged as orphans, listed by the API.
        const lineCount = fake.groundTruth.count("order_lines")
        const early = yield* call("POST", "/api/v1/connectors/erp/entities/order_lines/sync")
        assert.strictEqual(early.status, 202)
        // Nothing of it was running: the answer says the sync started, and in which mode.
        assert.deepInclude(bodyAs(early, EntitySyncTriggered), { status: "started", mode: "incremental" })
        const linesRun = yield* finishedRun("erp", "order_lines")
        assert.strictEqual(linesRun.status, "succeeded")
        assert.deepInclude(linesRun.counts, { inserted: lineCount, orphaned: lineCount })
        const orphans = bodyAs(
          yield* call("GET", "/api/v1/connectors/erp/entities/order_lines/orphans?limit=10000"),
          Schema.Array(OrphanView)
        )
        assert.strictEqual(orphans.length, lineCount)
        assert.strictEqual((yield* call("GET", "/api/v1/connectors/erp/entities/nope/orphans")).status, 404)

        // A connector-wide sync, parents first: every table matches the ground truth.
        const started = yield* call("POST", "/api/v1/connectors/erp/sync", { body: {} })
        assert.strictEqual(started.status, 202)
        for (const entity of ["items", "customers", "orders", "order_lines"]) {
          const table = entity
          yield* eventually(
            Effect.map(liveRows("erp", table).pipe(Effect.orElseSucceed(() => -1)), (n) =>
              n === fake.groundTruth.count(entity) ? Option.some(n) : Option.none()
            )
          )
        }
        const itemsRun = yield* finishedRun("erp", "items")
        assert.deepInclude(itemsRun, { status: "succeeded", live: false })
        assert.deepInclude(itemsRun.counts, { fetched: 300, inserted: 300, failed: 0 })
        const one = yield* call("GET", `/api/v1/runs/${itemsRun.id}`)
        assert.deepStrictEqual(bodyAs(one, RunView), itemsRun)
        assert.strictEqual((yield* call("GET", "/api/v1/runs/00000000-0000-4000-8000-000000000000")).status, 404)
        assert.strictEqual((yield* call("GET", "/api/v1/runs/not-a-run")).status, 404)
        const entityRuns = bodyAs(
          yield* call("GET", "/api/v1/connectors/erp/entities/items/runs"),
          Schema.Array(RunView)
        )
        assert.isTrue(entityRuns.every((run) => run.entity === "items"))
        const failedRuns = bodyAs(yield* call("GET", "/api/v1/runs?status=failed"), Schema.Array(RunView))
        assert.strictEqual(failedRuns.length, 0)
        // The orders arrived: no order line is an orphan any more.
        yield* eventually(
          Effect.map(call("GET", "/api/v1/connectors/erp/entities/order_lines/orphans"), (response) =>
            bodyAs(response, Schema.Array(OrphanView)).length === 0 ? Option.some(true) : Option.none()
          )
        )
        assert.strictEqual(
          bodyAs(
            yield* call("GET", "/api/v1/connectors/erp/pending-children?entity=order_lines"),
            Schema.Array(PendingChildView)
          ).length,
          0
        )

        // A record whose write failed (say, the database went away mid-window) waits in the DLQ...
        const [row] = Array.from(fake.groundTruth.rows("customers"))
        yield* Effect.gen(function* () {
          const failedRecordStore = yield* FailedRecordStore
          yield* failedRecordStore.recordFailedRecords([
            {
              connectorId: "erp",
              entity: "customers",
              stage: "ingest",
              errorType: "DestinationError",
              message: "connection terminated",
              raw: row?.values
            }
          ])
        }).pipe(Effect.provide(stateStores))
        const failed = bodyAs(
          yield* call("GET", "/api/v1/connectors/erp/failed-records?entity=customers"),
          Schema.Array(FailedRecordView)
        )
        assert.strictEqual(failed.length, 1)
        const record = failed[0]!
        assert.deepInclude(record, { stage: "ingest", errorType: "DestinationError", resolvedAt: null })
        const shown = bodyAs(yield* call("GET", `/api/v1/failed-records/${record.id}`), FailedRecordView)
        assert.deepStrictEqual(shown.rawData, record.rawData)

        // ...and a manual retry runs it through the stages again and writes it.
        const retried = yield* call("POST", `/api/v1/failed-records/${record.id}/retry`)
        assert.strictEqual(retried.status, 200)
        assert.deepInclude(retried.body, { resolved: 1, stillWaiting: 0 })
        assert.isNotNull(bodyAs(retried, Schema.Struct({ record: FailedRecordView })).record.resolvedAt)
        assert.strictEqual(
          bodyAs(yield* call("GET", "/api/v1/connectors/erp/failed-records"), Schema.Array(FailedRecordView)).length,
          0
        )
        assert.strictEqual((yield* call("DELETE", `/api/v1/failed-records/${record.id}`)).status, 204)
        assert.strictEqual((yield* call("GET", `/api/v1/failed-records/${record.id}`)).status, 404)

        // Metrics: Prometheus text with the runs, rows per stage and upstream latency.
        const metrics = yield* call("GET", "/metrics", { token: null })
        assert.strictEqual(metrics.status, 200)
        assert.match(metrics.headers.get("content-type") ?? "", /^text\/plain; version=0\.0\.4/)
        const text = String(metrics.body)
        const sample =
          /^[a-zA-Z_:][a-zA-Z0-9_:]*(\{([a-zA-Z_][a-zA-Z0-9_]*="(\\.|[^"\\])*",?)*\})? [-+]?(\d+(\.\d+)?([eE][-+]?\d+)?|NaN|\+Inf|-Inf)$/
        for (const line of text.split("\n")) {
          if (line === "" || line.startsWith("# HELP ") || line.startsWith("# TYPE ")) continue
          assert.match(line, sample)
        }
        assert.match(text, /^syncflow_runs_total\{.*connector="erp".*status="succeeded".*\} \d+/m)
        assert.match(text, /^syncflow_rows_total\{.*entity="items".*outcome="inserted".*\} 300$/m)
        assert.match(text, /^syncflow_upstream_request_duration_seconds_bucket\{/m)
        assert.match(text, /^syncflow_upstream_requests_total\{.*outcome="ok".*\} \d+/m)

        // Deleting the connector removes it and its state.
        assert.strictEqual((yield* call("DELETE", "/api/v1/connectors/erp")).status, 204)
        assert.strictEqual((yield* call("GET", "/api/v1/connectors/erp")).status, 404)
      }).pipe(Effect.scoped),
    90_000
  )
})
