/**
 * Run-finished notifications to an n8n workflow, over real HTTP against a real PostgreSQL: a webhook
 * subscribed (`POST /api/v1/workflows/notifications`) to a sync definition's run ends receives each run's summary once (the outbox row added
 * with the run's finish, delivered by the server's `RunNotifier` in the background, its answer
 * recorded), under the idempotency key of the run and the subscription; a subscription to the
 * connector's failed runs only is not told of a run that succeeded.
 */
import { assert, layer } from "@effect/vitest"
import { FakeErp } from "@syncflow/apismith/testing"
import { FakeN8n, webhookWorkflow } from "@syncflow/n8n/testing"
import { Effect, Option, Redacted, Schema } from "effect"
import { SqlClient } from "effect/sql"
import { DefinitionRunTriggered } from "../src/api/groups/DefinitionsGroup.ts"
import { ExecutionView, RunView } from "../src/api/Views.ts"
import { bodyAs, call, eventually, testServerLayer } from "./fixtures.ts"

const Summary = Schema.Struct({
  event: Schema.String,
  runId: Schema.String,
  connectorId: Schema.String,
  definitionId: Schema.String,
  status: Schema.String,
  counts: Schema.Struct({ inserted: Schema.Number, fetched: Schema.Number }),
  error: Schema.NullOr(Schema.String)
})

/** Starts a run of the definition and waits for its execution to end; the run. */
const runToEnd = Effect.fnUntraced(function* (definitionId: string) {
  for (;;) {
    const started = yield* call("POST", `/api/v1/definitions/${definitionId}/run`)
    assert.strictEqual(started.status, 202, JSON.stringify(started.body))
    const answer = bodyAs(started, DefinitionRunTriggered)
    if (answer.executionId === undefined || answer.runId === undefined) return yield* Effect.die("no execution")
    const executionId = answer.executionId
    yield* eventually(
      Effect.map(call("GET", `/api/v1/executions/${executionId}`), (reply) =>
        bodyAs(reply, ExecutionView).status === "running" ? Option.none() : Option.some(true)
      )
    )
    if (answer.status === "started") return bodyAs(yield* call("GET", `/api/v1/runs/${answer.runId}`), RunView)
  }
})

layer(testServerLayer, { timeout: 120_000, excludeTestServices: true })("run-finished notifications", (it) => {
  it.effect(
    "a definition's run ends: its summary reaches the n8n workflow once per run, the answer recorded",
    () =>
      Effect.gen(function* () {
        const erp = yield* FakeErp.make({ seed: 5, rows: { items: 30 } })
        const n8n = yield* FakeN8n.make()
        yield* n8n.putWorkflow(webhookWorkflow("Sync finished", "sync-finished"), { active: true })
        const created = yield* call("POST", "/api/v1/connectors", {
          body: {
            id: "erp",
            adapter: "apismith",
            name: "ERP",
            config: { baseUrl: erp.baseUrl, pageSize: 50 },
            credentials: { type: "serviceJwt", secret: Redacted.value(erp.secret) }
          }
        })
        assert.strictEqual(created.status, 201, JSON.stringify(created.body))
        assert.strictEqual((yield* call("POST", "/api/v1/connectors/erp/discover")).status, 200)
        const made = yield* call("POST", "/api/v1/definitions", {
          body: {
            id: "items-copy",
            name: "Items copy",
            source: { connectorId: "erp", entity: "items" },
            destination: { kind: "postgres", table: "items_copy" }
          }
        })
        assert.strictEqual(made.status, 201, JSON.stringify(made.body))
        const sql = yield* SqlClient.SqlClient
        const webhookUrl = `${n8n.baseUrl}/webhook/sync-finished`
        const subscribed = yield* call("POST", "/api/v1/workflows/notifications", {
          body: { id: "copy-ends", definitionId: "items-copy", webhookUrl }
        })
        assert.strictEqual(subscribed.status, 201, JSON.stringify(subscribed.body))
        const failures = yield* call("POST", "/api/v1/workflows/notifications", {
          body: { id: "erp-failures", connectorId: "erp", webhookUrl, statuses: ["failed"] }
        })
        assert.strictEqual(failures.status, 201, JSON.stringify(failures.body))
        const unknown = yield* call("POST", "/api/v1/workflows/notifications", {
          body: { id: "nowhere", definitionId: "no-such-definition", webhookUrl }
        })
        assert.strictEqual(unknown.status, 400, JSON.stringify(unknown.body))
        assert.deepInclude(unknown.body, { field: "definitionId" })
        const taken = yield* call("POST", "/api/v1/workflows/notifications", {
          body: { id: "copy-ends", connectorId: "erp", webhookUrl }
        })
        assert.strictEqual(taken.status, 409, JSON.stringify(taken.body))
        assert.deepInclude(taken.body, { field: "id" })
        const nowhere = yield* call("POST", "/api/v1/workflows/notifications", {
          body: { id: "no-webhook", connectorId: "erp" }
        })
        assert.strictEqual(nowhere.status, 400, JSON.stringify(nowhere.body))
        assert.deepInclude(nowhere.body, { field: "webhookUrl" })
        // This server has no n8n instance configured to find a workflow's webhook in.
        const noN8n = yield* call("POST", "/api/v1/workflows/notifications", {
          body: { id: "by-workflow", connectorId: "erp", workflowId: "1" }
        })
        assert.strictEqual(noN8n.status, 503, JSON.stringify(noN8n.body))
        const listed = yield* call("GET", "/api/v1/workflows/notifications")
        assert.deepStrictEqual(
          (listed.body as ReadonlyArray<{ readonly id: string }>).map((t) => t.id),
          ["copy-ends", "erp-failures"]
        )

        const delivered = (n: number) =>
          eventually(
            Effect.map(n8n.deliveries("sync-finished"), (all) => (all.length >= n ? Option.some(all) : Option.none()))
          )
        const first = yield* runToEnd("items-copy")
        assert.strictEqual(first.status, "succeeded")
        const [delivery] = yield* delivered(1)
        const summary = Schema.decodeUnknownSync(Summary)(delivery?.body)
        assert.deepStrictEqual(summary, {
          event: "run.succeeded",
          runId: first.id,
          connectorId: "erp",
          definitionId: "items-copy",
          status: "succeeded",
          counts: { inserted: 30, fetched: 30 },
          error: null
        })
        assert.strictEqual(delivery?.idempotencyKey, `syncflow-run-${first.id}-copy-ends`)
        const outbox = yield* eventually(
          Effect.map(
            sql<{ readonly target: string; readonly status: number | null }>`
              SELECT target_id AS target, answer_status AS status FROM syncflow.run_notifications
              WHERE run_id = ${first.id}::uuid`,
            (rows) => (rows.every((r) => r.status !== null) ? Option.some(rows) : Option.none())
          )
        )
        assert.deepStrictEqual(outbox, [{ target: "copy-ends", status: 200 }])

        const second = yield* runToEnd("items-copy")
        const all = yield* delivered(2)
        assert.deepStrictEqual(
          all.map((d) => Schema.decodeUnknownSync(Summary)(d.body).runId),
          [first.id, second.id]
        )
        // One notification per run and subscription, whatever the passes.
        const rows = yield* sql<{ readonly n: number }>`SELECT count(*)::int AS n FROM syncflow.run_notifications`
        assert.strictEqual(rows[0]?.n, 2)
        assert.strictEqual((yield* call("DELETE", "/api/v1/workflows/notifications/erp-failures")).status, 204)
        assert.strictEqual((yield* call("DELETE", "/api/v1/workflows/notifications/erp-failures")).status, 404)
      }),
    120_000
  )
})
