/**
 * Triggers answer with their runs, and a sync that fails before its first window still leaves a
 * failed run: a connector whose upstream has become unreachable (its base URL a closed port, its
 * manifests rediscovered by every sync) is synced through the API, connector-wide and per entity.
 * Every trigger answers with the runs it started; each run ends `failed` with the cause, readable
 * through `GET /runs/{id}`, `GET /executions/{id}`, `/metrics` and the `syncflow runs` CLI.
 */
import { assert, layer } from "@effect/vitest"
import { FakeErp } from "@syncflow/apismith/testing"
import { Effect, Option, Redacted, Schema } from "effect"
import { ConnectorSyncTriggered } from "../src/api/groups/ConnectorsGroup.ts"
import { EntitySyncTriggered } from "../src/api/groups/EntitiesGroup.ts"
import { ExecutionView, RunView } from "../src/api/Views.ts"
import { cliEnv, jsonOutput, ok, spawningTimeout, syncflow } from "./cliProcess.ts"
import { bodyAs, call, eventually, testServerLayer } from "./fixtures.ts"

const closedPort = "http://127.0.0.1:9"

layer(testServerLayer, { timeout: spawningTimeout, excludeTestServices: true })("triggers on a dead upstream", (it) => {
  it.effect(
    "answer with the runs they started, and each run ends failed with the cause (API, metrics, CLI)",
    () =>
      Effect.gen(function* () {
        const fake = yield* FakeErp.make({ seed: 5, rows: { items: 20, customers: 5, orders: 5 } })
        const created = yield* call("POST", "/api/v1/connectors", {
          body: {
            id: "dead",
            adapter: "apismith",
            name: "Dead ERP",
            config: { baseUrl: fake.baseUrl, discoveryTtlSeconds: 0 },
            credentials: { type: "serviceJwt", secret: Redacted.value(fake.secret) }
          }
        })
        assert.strictEqual(created.status, 201)
        assert.strictEqual((yield* call("POST", "/api/v1/connectors/dead/discover")).status, 200)
        // The upstream goes away: every sync rediscovers first (TTL 0), and that fails.
        const moved = yield* call("PATCH", "/api/v1/connectors/dead", {
          body: { config: { baseUrl: closedPort, discoveryTtlSeconds: 0 } }
        })
        assert.strictEqual(moved.status, 200)

        // Connector-wide: one run per entity, parents first, each known at once.
        const reply = yield* call("POST", "/api/v1/connectors/dead/sync", { body: { mode: "incremental" } })
        assert.strictEqual(reply.status, 202)
        const trigger = bodyAs(reply, ConnectorSyncTriggered)
        assert.strictEqual(trigger.status, "started")
        const entities = trigger.runs.map((run) => run.entity)
        assert.includeMembers(entities, ["items", "customers", "orders", "order_lines"])
        assert.isBelow(entities.indexOf("customers"), entities.indexOf("orders"))
        assert.isBelow(entities.indexOf("orders"), entities.indexOf("order_lines"))
        for (const run of trigger.runs) assert.strictEqual(run.status, "started", run.entity)

        const execution = yield* eventually(
          Effect.map(call("GET", `/api/v1/executions/${trigger.executionId}`), (found) =>
            found.status === 200 && bodyAs(found, ExecutionView).status === "failed"
              ? Option.some(bodyAs(found, ExecutionView))
              : Option.none()
          )
        )
        assert.include(execution.error ?? "", "127.0.0.1:9")
        // Every entity's run failed with the cause, under the id the trigger answered with.
        const failedRuns = yield* eventually(
          Effect.gen(function* () {
            const runs = []
            for (const run of trigger.runs) {
              const found = yield* call("GET", `/api/v1/runs/${run.runId}`)
              if (found.status !== 200) return Option.none()
              const view = bodyAs(found, RunView)
              if (view.status !== "failed") return Option.none()
              runs.push(view)
            }
            return Option.some(runs)
          })
        )
        for (const run of failedRuns) {
          assert.include(run.error ?? "", "127.0.0.1:9", run.entity)
          assert.strictEqual(run.connectorId, "dead")
        }
        assert.deepStrictEqual(
          failedRuns.map((run) => run.id),
          trigger.runs.map((run) => run.runId)
        )
        // The execution lists the same runs.
        const listed = bodyAs(yield* call("GET", `/api/v1/executions/${trigger.executionId}`), ExecutionView)
        assert.sameMembers(
          listed.runs.map((run) => run.runId),
          trigger.runs.map((run) => run.runId)
        )

        // One entity: the same, and its execution id finds its run too.
        const items = bodyAs(yield* call("POST", "/api/v1/connectors/dead/entities/items/sync"), EntitySyncTriggered)
        assert.strictEqual(items.status, "started")
        const itemsRun = yield* eventually(
          Effect.map(call("GET", `/api/v1/runs/${items.runId}`), (found) =>
            found.status === 200 && bodyAs(found, RunView).status === "failed"
              ? Option.some(bodyAs(found, RunView))
              : Option.none()
          )
        )
        assert.include(itemsRun.error ?? "", "127.0.0.1:9")
        assert.deepStrictEqual(bodyAs(yield* call("GET", `/api/v1/runs/${items.executionId}`), RunView), itemsRun)
        const unknown = yield* call("GET", "/api/v1/runs/no-such-run")
        assert.strictEqual(unknown.status, 404)

        // Counted in the metrics.
        const metrics = String((yield* call("GET", "/metrics", { token: null })).body)
        assert.match(
          metrics,
          /syncflow_runs_total\{[^}]*connector="dead"[^}]*entity="items"[^}]*status="failed"[^}]*\} 2/
        )

        // And readable through the CLI.
        const env = yield* cliEnv
        const cliRuns = jsonOutput(Schema.Array(RunView))(
          ok(yield* syncflow(["runs", "--connector", "dead", "--status", "failed", "--json"], env))
        )
        assert.sameMembers(
          cliRuns.map((run) => run.id),
          [...trigger.runs.map((run) => run.runId), items.runId]
        )
        const text = ok(yield* syncflow(["runs", "show", items.runId], env))
        assert.include(text, `${items.runId}  failed`)
        assert.include(text, "error: ")
        assert.include(text, "127.0.0.1:9")
      }),
    spawningTimeout
  )
})
