/**
 * `syncflow workflows notifications` as a user runs it (real child processes on the file's test
 * database, the fake ERP and a fake n8n on loopback): a sync definition's run ends are sent to an
 * n8n workflow named by its id (its Webhook trigger's URL), a connector's failed runs to a webhook
 * URL; an unknown connector and a taken id are refused naming the field (exit 1, nothing stored);
 * the subscriptions are listed and removed. A sync run by the CLI then reaches the workflow once,
 * with its summary: the CLI delivers its runs' ends itself, and records them delivered.
 */
import { NodeHttpClient } from "@effect/platform-node"
import { assert, layer } from "@effect/vitest"
import { FakeErp } from "@syncflow/apismith/testing"
import { NotificationTarget, RunNotifier } from "@syncflow/n8n"
import { FakeN8n, webhookWorkflow } from "@syncflow/n8n/testing"
import { PgTest } from "@syncflow/testing-pg"
import { Effect, Redacted, Schema } from "effect"
import { addErpConnector } from "./cliConnector.ts"
import { cliEnv, jsonOutput, ok, spawningTimeout, syncflow } from "./cliProcess.ts"

const decodeTarget = jsonOutput(NotificationTarget)
const decodeTargets = jsonOutput(Schema.Array(NotificationTarget))
const decodeSync = jsonOutput(
  Schema.Struct({ entities: Schema.Array(Schema.Struct({ entity: Schema.String, runId: Schema.String })) })
)
const Summary = Schema.Struct({
  event: Schema.String,
  runId: Schema.String,
  definitionId: Schema.String,
  counts: Schema.Struct({ inserted: Schema.Number })
})

layer(PgTest.layer, { timeout: spawningTimeout * 6, excludeTestServices: true })(
  "syncflow workflows notifications",
  (it) => {
    it.effect(
      "add (by workflow and by URL), refusals naming the field, list, remove; a CLI sync's end reaches the workflow",
      () =>
        Effect.gen(function* () {
          const erp = yield* FakeErp.make({ seed: 9, rows: { items: 40, customers: 5, orders: 5 } })
          const n8n = yield* FakeN8n.make()
          const workflow = yield* n8n.putWorkflow(webhookWorkflow("Items synced", "items-synced"), { active: true })
          const env = {
            ...(yield* cliEnv),
            SYNCFLOW_N8N_URL: n8n.baseUrl,
            SYNCFLOW_N8N_API_KEY: Redacted.value(n8n.apiKey)
          }
          ok(yield* addErpConnector(env, erp, "shop"))
          ok(yield* syncflow(["discover", "shop"], env))

          const byWorkflow = decodeTarget(
            ok(
              yield* syncflow(
                ["workflows", "notifications", "add", "items-ends", "--definition", "shop:items"].concat([
                  "--workflow",
                  workflow.id,
                  "--json"
                ]),
                env
              )
            )
          )
          assert.deepStrictEqual(byWorkflow, {
            id: "items-ends",
            connectorId: null,
            definitionId: "shop:items",
            webhookUrl: `${n8n.baseUrl}/webhook/items-synced`,
            statuses: ["succeeded", "failed", "cancelled"]
          })
          const failuresUrl = `${n8n.baseUrl}/webhook/shop-failed`
          const added = ok(
            yield* syncflow(
              ["workflows", "notifications", "add", "shop-failures", "--connector", "shop"].concat([
                "--webhook-url",
                failuresUrl,
                "--on",
                "failed"
              ]),
              env
            )
          )
          assert.include(added, "Added run notification shop-failures")

          const unknown = yield* syncflow(
            ["workflows", "notifications", "add", "elsewhere", "--connector", "nope", "--webhook-url", failuresUrl],
            env
          )
          assert.strictEqual(unknown.code, 1, unknown.stderr)
          assert.include(unknown.stderr, "connectorId: no connector nope")
          const taken = yield* syncflow(
            ["workflows", "notifications", "add", "items-ends", "--connector", "shop", "--webhook-url", failuresUrl],
            env
          )
          assert.strictEqual(taken.code, 1, taken.stderr)
          assert.include(taken.stderr, "id: a notification items-ends already exists")

          const listed = decodeTargets(ok(yield* syncflow(["workflows", "notifications", "list", "--json"], env)))
          assert.deepStrictEqual(
            listed.map((t) => [t.id, t.connectorId, t.definitionId, t.webhookUrl, t.statuses]),
            [
              [
                "items-ends",
                null,
                "shop:items",
                `${n8n.baseUrl}/webhook/items-synced`,
                ["succeeded", "failed", "cancelled"]
              ],
              ["shop-failures", "shop", null, failuresUrl, ["failed"]]
            ]
          )
          assert.include(ok(yield* syncflow(["workflows", "notifications", "remove", "shop-failures"], env)), "Removed")
          const again = yield* syncflow(["workflows", "notifications", "remove", "shop-failures"], env)
          assert.strictEqual(again.code, 1, again.stderr)

          // A sync run by the CLI, with no server: its end is in the outbox, and the CLI delivers it once.
          const report = decodeSync(ok(yield* syncflow(["sync", "shop", "items", "--json"], env)))
          const runId = report.entities.find((e) => e.entity === "items")?.runId
          const deliveries = yield* n8n.deliveries("items-synced")
          assert.deepStrictEqual(
            deliveries.map((d) => [Schema.decodeUnknownSync(Summary)(d.body), d.idempotencyKey]),
            [
              [
                { event: "run.succeeded", runId: String(runId), definitionId: "shop:items", counts: { inserted: 40 } },
                `syncflow-run-${runId}-items-ends`
              ]
            ]
          )
          assert.deepStrictEqual(yield* n8n.deliveries("shop-failed"), [])
          // Recorded as delivered, with n8n's answer: a later pass (a server's) sends nothing again.
          const notifier = yield* RunNotifier.make
          const [recorded] = yield* notifier.notificationsOf(String(runId))
          assert.deepStrictEqual(
            [recorded?.attempts, recorded?.answerStatus, recorded?.deliveredAt !== null],
            [1, 200, true]
          )
          assert.strictEqual(yield* notifier.deliverDue, 0)
          assert.strictEqual((yield* n8n.deliveries("items-synced")).length, 1)
        }).pipe(Effect.scoped, Effect.provide(NodeHttpClient.layerUndici)),
      spawningTimeout * 6
    )
  }
)
