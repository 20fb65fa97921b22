import { assert, describe, it } from "@effect/vitest"
import { RecordingClock } from "@syncflow/adapter-core/testing"
import { Clock, Effect, Fiber, Redacted, Stream } from "effect"
import { TestClock } from "effect/testing"
import { FakeN8n, webhookWorkflow } from "../src/testing/index.ts"
import { ClientStack, clientOf } from "./support/harness.ts"

const REQUEST_TIMEOUT = 30_000

/** The next sleep of the client that is not a request-timeout timer. */
const nextWait = Effect.fnUntraced(function* (rec: RecordingClock.RecordingClock) {
  while (true) {
    const millis = yield* rec.nextSleep
    if (millis !== REQUEST_TIMEOUT) return millis
  }
})

describe("N8nClient against the fake n8n", () => {
  it.effect("creates, reads, updates, activates, deactivates and deletes a workflow", () =>
    Effect.gen(function* () {
      const fake = yield* FakeN8n.make()
      const client = yield* clientOf(fake)
      const created = yield* client.createWorkflow(webhookWorkflow("Orders in", "orders"))
      assert.strictEqual(created.name, "Orders in")
      assert.isFalse(created.active)
      assert.deepStrictEqual(yield* client.getWorkflow(created.id), created)
      const renamed = yield* client.updateWorkflow(created.id, webhookWorkflow("Orders received", "orders"))
      assert.strictEqual(renamed.name, "Orders received")
      assert.isTrue((yield* client.activateWorkflow(created.id)).active)
      assert.isTrue((yield* fake.workflows)[0]?.active)
      assert.isFalse((yield* client.deactivateWorkflow(created.id)).active)
      assert.strictEqual((yield* client.deleteWorkflow(created.id)).id, created.id)
      assert.deepStrictEqual(yield* fake.workflows, [])
      const gone = yield* Effect.flip(client.getWorkflow(created.id))
      assert.strictEqual(gone._tag, "NotFound")
    }).pipe(Effect.scoped, Effect.provide(ClientStack))
  )

  it.effect("lists every workflow, following nextCursor to the end, and filters by active", () =>
    Effect.gen(function* () {
      const fake = yield* FakeN8n.make()
      const client = yield* clientOf(fake)
      for (let n = 0; n < 23; n++) yield* fake.putWorkflow(webhookWorkflow(`w${n}`, `p${n}`), { active: n % 2 === 0 })
      const pages = yield* Stream.runCollect(client.workflowPages({}, { pageSize: 5 }))
      assert.deepStrictEqual(
        pages.map((page) => page.items.length),
        [5, 5, 5, 5, 3]
      )
      const all = yield* Stream.runCollect(client.listWorkflows({}, { pageSize: 5 }))
      assert.deepStrictEqual(
        all.map((w) => w.id),
        (yield* fake.workflows).map((w) => w.id)
      )
      const active = yield* Stream.runCollect(client.listWorkflows({ active: true }, { pageSize: 4 }))
      assert.strictEqual(active.length, 12)
      assert.isTrue(active.every((w) => w.active))
      const limits = (yield* fake.requests).map((r) => r.url.searchParams.get("limit"))
      assert.isTrue(limits.every((limit) => limit === "5" || limit === "4"))
    }).pipe(Effect.scoped, Effect.provide(ClientStack))
  )

  it.effect("triggers a webhook: the workflow receives the payload once and an execution succeeds", () =>
    Effect.gen(function* () {
      const fake = yield* FakeN8n.make()
      const client = yield* clientOf(fake)
      const workflow = yield* fake.putWorkflow(webhookWorkflow("Hook", "sync/in"), { active: true })
      const answer = yield* client.triggerWebhook("sync/in", { hello: "n8n" }, { idempotencyKey: "k-1" })
      assert.deepStrictEqual(answer, { status: 200, body: { message: "Workflow was started" } })
      const [delivery] = yield* fake.deliveries("sync/in")
      assert.deepStrictEqual(delivery?.body, { hello: "n8n" })
      assert.strictEqual(delivery?.idempotencyKey, "k-1")
      // The webhook never sees the API key.
      const hook = (yield* fake.requests).find((r) => r.url.pathname.startsWith("/webhook/"))
      assert.isUndefined(hook?.headers["x-n8n-api-key"])
      const executions = yield* Stream.runCollect(client.listExecutions({ workflowId: workflow.id }))
      assert.deepStrictEqual(
        executions.map((e) => [e.workflowId, e.mode, e.status, e.finished]),
        [[workflow.id, "webhook", "success", true]]
      )
      const execution = yield* client.getExecution(delivery?.executionId ?? "", { includeData: true })
      assert.strictEqual(execution.status, "success")
      assert.include(JSON.stringify(execution.data), '"hello":"n8n"')
      assert.isUndefined((yield* client.getExecution(execution.id)).data)
    }).pipe(Effect.scoped, Effect.provide(ClientStack))
  )

  it.effect("executes a workflow through its webhook node; an inactive one or an unknown path is refused", () =>
    Effect.gen(function* () {
      const fake = yield* FakeN8n.make()
      const client = yield* clientOf(fake)
      const workflow = yield* client.createWorkflow(webhookWorkflow("Run me", "run-me", { responseMode: "lastNode" }))
      const inactive = yield* Effect.flip(client.executeWorkflow(workflow.id, { n: 1 }))
      assert.strictEqual(inactive._tag, "InvalidRequest")
      assert.include(inactive.message, "not active")
      yield* client.activateWorkflow(workflow.id)
      const answer = yield* client.executeWorkflow(workflow.id, { n: 1 })
      assert.strictEqual(answer.path, "run-me")
      assert.deepStrictEqual((answer.body as { body: unknown }).body, { n: 1 })
      const unknown = yield* Effect.flip(client.triggerWebhook("nowhere", {}))
      assert.strictEqual(unknown._tag, "NotFound")
      assert.include(unknown.message, "not registered")
    }).pipe(Effect.scoped, Effect.provide(ClientStack))
  )

  it.effect("lists executions by status, newest first, page by page", () =>
    Effect.gen(function* () {
      const fake = yield* FakeN8n.make()
      const client = yield* clientOf(fake)
      yield* fake.putWorkflow(webhookWorkflow("Hook", "h"), { active: true })
      for (let n = 0; n < 7; n++) {
        if (n % 3 === 0) yield* fake.faults.failExecutionsNext(1)
        yield* client.triggerWebhook("h", { n })
      }
      const failed = yield* Stream.runCollect(client.listExecutions({ status: "error" }, { pageSize: 2 }))
      assert.deepStrictEqual(
        failed.map((e) => e.id),
        ["7", "4", "1"]
      )
      const all = yield* Stream.runCollect(client.listExecutions({}, { pageSize: 3 }))
      assert.deepStrictEqual(
        all.map((e) => e.id),
        ["7", "6", "5", "4", "3", "2", "1"]
      )
    }).pipe(Effect.scoped, Effect.provide(ClientStack))
  )

  it.effect("a wrong or missing API key is Unauthorized, and is never retried", () =>
    Effect.gen(function* () {
      const fake = yield* FakeN8n.make()
      const wrong = yield* clientOf(fake, { apiKey: Redacted.make("not-the-key") })
      const error = yield* Effect.flip(wrong.getWorkflow("x"))
      assert.strictEqual(error._tag, "Unauthorized")
      assert.notInclude(error.message, "not-the-key")
      assert.strictEqual((yield* fake.requests).length, 1)
      assert.strictEqual(String(Redacted.make("not-the-key")), "<redacted>")
    }).pipe(Effect.scoped, Effect.provide(ClientStack))
  )

  it.effect("a bad workflow is refused with n8n's 400 naming the field", () =>
    Effect.gen(function* () {
      const fake = yield* FakeN8n.make()
      const client = yield* clientOf(fake)
      const { settings: _settings, ...withoutSettings } = webhookWorkflow("No settings", "x")
      const error = yield* Effect.flip(
        client.updateWorkflow("missing", webhookWorkflow("x", "x")).pipe(Effect.andThen(Effect.void))
      )
      assert.strictEqual(error._tag, "NotFound")
      const raw = yield* Effect.tryPromise(() =>
        fetch(`${fake.baseUrl}/api/v1/workflows`, {
          method: "POST",
          headers: { "x-n8n-api-key": Redacted.value(fake.apiKey), "content-type": "application/json" },
          body: JSON.stringify(withoutSettings)
        }).then(async (response) => ({ status: response.status, body: await response.json() }))
      )
      assert.deepStrictEqual(raw, {
        status: 400,
        body: { message: "request/body must have required property 'settings'" }
      })
    }).pipe(Effect.scoped, Effect.provide(ClientStack))
  )

  it.effect("a burst of 503s is retried with backoff, and the workflow is created once", () =>
    Effect.gen(function* () {
      const fake = yield* FakeN8n.make()
      const client = yield* clientOf(fake)
      const rec = yield* RecordingClock.make
      yield* fake.faults.failNext(3)
      const fiber = yield* client
        .listWorkflows()
        .pipe(Stream.runCollect, Effect.provideService(Clock.Clock, rec.clock), Effect.forkChild)
      for (const wait of [50, 100, 200]) {
        assert.strictEqual(yield* nextWait(rec), wait)
        yield* TestClock.adjust(wait)
      }
      assert.deepStrictEqual(yield* Fiber.join(fiber), [])
      assert.strictEqual((yield* fake.requests).length, 4)
    }).pipe(Effect.scoped, Effect.provide(ClientStack))
  )

  it.effect("a 429 is retried after exactly the Retry-After n8n sent", () =>
    Effect.gen(function* () {
      const fake = yield* FakeN8n.make()
      const client = yield* clientOf(fake)
      const rec = yield* RecordingClock.make
      yield* fake.faults.rateLimitNext(2, 3)
      const fiber = yield* client
        .createWorkflow(webhookWorkflow("Limited", "l"))
        .pipe(Effect.provideService(Clock.Clock, rec.clock), Effect.forkChild)
      for (let i = 0; i < 2; i++) {
        assert.strictEqual(yield* nextWait(rec), 3000)
        yield* TestClock.adjust(3000)
      }
      assert.strictEqual((yield* Fiber.join(fiber)).name, "Limited")
      assert.strictEqual((yield* fake.workflows).length, 1)
    }).pipe(Effect.scoped, Effect.provide(ClientStack))
  )

  it.effect("a webhook delivery whose answer is lost is retried under the same Idempotency-Key", () =>
    Effect.gen(function* () {
      const fake = yield* FakeN8n.make()
      const client = yield* clientOf(fake)
      const rec = yield* RecordingClock.make
      yield* fake.putWorkflow(webhookWorkflow("Hook", "h"), { active: true })
      yield* fake.faults.cutAfterDeliveryNext(1)
      const fiber = yield* client
        .triggerWebhook("h", { n: 1 }, { idempotencyKey: "batch-1" })
        .pipe(Effect.provideService(Clock.Clock, rec.clock), Effect.forkChild)
      assert.strictEqual(yield* nextWait(rec), 50)
      yield* TestClock.adjust(50)
      assert.strictEqual((yield* Fiber.join(fiber)).status, 200)
      const keys = (yield* fake.deliveries("h")).map((d) => d.idempotencyKey)
      assert.deepStrictEqual(keys, ["batch-1", "batch-1"])
    }).pipe(Effect.scoped, Effect.provide(ClientStack))
  )
})
