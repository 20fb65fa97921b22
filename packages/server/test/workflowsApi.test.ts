/**
 * `/api/v1/workflows` end to end: a server configured with a (fake) n8n instance lists its
 * workflows, creates one from n8n's workflow JSON (a refused one is a 400 naming the field n8n
 * named), activates it, executes it with a payload through its webhook, and lists its executions;
 * an unknown workflow is a 404.
 */
import { assert, layer } from "@effect/vitest"
import { FakeN8n, webhookWorkflow } from "@syncflow/n8n/testing"
import { Context, Effect, Layer, Schema } from "effect"
import { ExecutionOfWorkflowView, WorkflowExecuted, WorkflowView } from "../src/api/groups/WorkflowsGroup.ts"
import { bodyAs, call, testServerLayerWith } from "./fixtures.ts"

class Fake extends Context.Service<Fake, FakeN8n.FakeN8n>()("test/FakeN8n") {}

const testLayer = Layer.unwrap(
  Effect.gen(function* () {
    const fake = yield* FakeN8n.make()
    return testServerLayerWith({}, { n8n: { baseUrl: fake.baseUrl, apiKey: fake.apiKey } }).pipe(
      Layer.merge(Layer.succeed(Fake, fake))
    )
  })
)

layer(testLayer, { timeout: 120_000, excludeTestServices: true })("/api/v1/workflows", (it) => {
  it.effect(
    "lists, creates, activates, executes a workflow with a payload and lists its executions",
    () =>
      Effect.gen(function* () {
        const fake = yield* Fake
        yield* fake.putWorkflow(webhookWorkflow("Existing", "existing"), { active: true })
        assert.strictEqual((yield* call("GET", "/api/v1/workflows", { token: null })).status, 401)
        const listed = bodyAs(yield* call("GET", "/api/v1/workflows"), Schema.Array(WorkflowView))
        assert.deepStrictEqual(
          listed.map((w) => [w.name, w.active, w.webhooks]),
          [["Existing", true, ["existing"]]]
        )

        const { settings: _settings, ...noSettings } = webhookWorkflow("Orders", "orders")
        const created = yield* call("POST", "/api/v1/workflows", { body: noSettings })
        assert.strictEqual(created.status, 201, JSON.stringify(created.body))
        const workflow = bodyAs(created, WorkflowView)
        assert.deepInclude(workflow, { name: "Orders", active: false, webhooks: ["orders"] })
        const refused = yield* call("POST", "/api/v1/workflows", { body: { name: "No nodes" } })
        assert.strictEqual(refused.status, 400, JSON.stringify(refused.body))
        assert.deepInclude(refused.body, { field: "nodes" })

        const inactive = yield* call("POST", `/api/v1/workflows/${workflow.id}/execute`, { body: { n: 1 } })
        assert.strictEqual(inactive.status, 400, JSON.stringify(inactive.body))
        const activated = yield* call("POST", `/api/v1/workflows/${workflow.id}/activate`)
        assert.isTrue(bodyAs(activated, WorkflowView).active)
        const executed = yield* call("POST", `/api/v1/workflows/${workflow.id}/execute`, {
          body: { order: "SO-1" }
        })
        assert.strictEqual(executed.status, 200, JSON.stringify(executed.body))
        assert.deepStrictEqual(bodyAs(executed, WorkflowExecuted), {
          workflowId: workflow.id,
          path: "orders",
          status: 200,
          answer: { message: "Workflow was started" }
        })
        assert.deepStrictEqual(
          (yield* fake.deliveries("orders")).map((d) => d.body),
          [{ order: "SO-1" }]
        )
        const executions = bodyAs(
          yield* call("GET", `/api/v1/workflows/${workflow.id}/executions`),
          Schema.Array(ExecutionOfWorkflowView)
        )
        assert.deepStrictEqual(
          executions.map((e) => [e.workflowId, e.mode, e.status]),
          [[workflow.id, "webhook", "success"]]
        )
        assert.strictEqual((yield* call("GET", "/api/v1/workflows/nope/executions")).status, 200)
        const missing = yield* call("POST", "/api/v1/workflows/nope/activate")
        assert.strictEqual(missing.status, 404, JSON.stringify(missing.body))
      }),
    120_000
  )
})
