/**
 * `syncflow workflows` end to end, as a user runs it (a real process): against a fake n8n named by
 * `SYNCFLOW_N8N_URL` and `SYNCFLOW_N8N_API_KEY`, a workflow is created from its JSON file and
 * activated, listed, executed with a payload (its webhook receives it) and its execution listed;
 * without the settings the command says what to set.
 */
import { mkdtempSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { assert, describe, it } from "@effect/vitest"
import { FakeN8n, webhookWorkflow } from "@syncflow/n8n/testing"
import { Effect, Redacted } from "effect"
import { ok, spawningTimeout, syncflow } from "./cliProcess.ts"

describe("syncflow workflows", () => {
  it.live(
    "creates, lists, executes a workflow and lists its executions",
    () =>
      Effect.gen(function* () {
        const fake = yield* FakeN8n.make()
        const env = {
          ...process.env,
          SYNCFLOW_N8N_URL: fake.baseUrl,
          SYNCFLOW_N8N_API_KEY: Redacted.value(fake.apiKey)
        }
        const file = join(mkdtempSync(join(tmpdir(), "syncflow-n8n-")), "workflow.json")
        writeFileSync(file, JSON.stringify(webhookWorkflow("Orders", "orders")))
        const created = ok(yield* syncflow(["workflows", "create", "--file", file, "--activate", "--json"], env))
        const id = String(JSON.parse(created).id)
        assert.include(ok(yield* syncflow(["workflows", "list"], env)), "webhook orders")
        const executed = ok(yield* syncflow(["workflows", "execute", id, "--payload", '{"order":"SO-1"}'], env))
        assert.deepStrictEqual(JSON.parse(executed), {
          workflowId: id,
          path: "orders",
          status: 200,
          answer: { message: "Workflow was started" }
        })
        assert.deepStrictEqual(
          (yield* fake.deliveries("orders")).map((d) => d.body),
          [{ order: "SO-1" }]
        )
        const executions = ok(yield* syncflow(["workflows", "executions", id], env))
        assert.match(executions, /webhook\s+success/)

        const unset = yield* syncflow(["workflows", "list"], {
          ...process.env,
          SYNCFLOW_N8N_URL: "",
          SYNCFLOW_N8N_API_KEY: ""
        })
        assert.notStrictEqual(unset.code, 0)
        assert.include(unset.stderr, "SYNCFLOW_N8N_URL")
      }).pipe(Effect.scoped),
    spawningTimeout * 3
  )
})
