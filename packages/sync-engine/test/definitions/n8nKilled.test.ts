/**
 * A sync definition ERP -> n8n, exactly once by protocol with a real process: a pusher
 * (`fixtures/n8nPusher.ts`) is SIGKILLed after n8n answered a delivery of a window and before the
 * engine recorded it in the row ledger (the window's transaction never commits). The run resumed
 * here from the checkpoint repeats that delivery with the same idempotency key and the same
 * changes, and nothing else: the distinct deliveries hold each ERP record once, and folded in order they
 * are exactly the ERP's ground truth.
 */
import { spawn } from "node:child_process"
import { fileURLToPath } from "node:url"
import { assert, layer } from "@effect/vitest"
import type { DeliveryBody } from "@syncflow/n8n"
import { FakeN8n, webhookWorkflow } from "@syncflow/n8n/testing"
import { PgTest } from "@syncflow/testing-pg"
import { Clock, Duration, Effect, Layer, Option, Redacted, Schema } from "effect"
import { SqlClient } from "effect/sql"
import { TestClock } from "effect/testing"
import { SyncDefinition } from "../../src/definitions/SyncDefinition.ts"
import { SyncDefinitions } from "../../src/definitions/SyncDefinitions.ts"
import { createDefinition } from "../../src/definitions/saveDefinition.ts"
import { ConnectorStore } from "../../src/state/ConnectorStore.ts"
import { defaultLeaseTtl } from "../../src/state/EntityLeases.ts"
import { ManifestStore } from "../../src/state/ManifestStore.ts"
import { engineLayer, expectedIdentities, fakeErp } from "../pipeline/fixtures.ts"
import { waitFor } from "../workflow/processes.ts"
import { ITEMS_WEBHOOK, n8nConnectorAdapters } from "./fixtures/n8nAdapters.ts"
import { runInWindows } from "./fixtures/runInWindows.ts"

const pusher = fileURLToPath(new URL("./fixtures/n8nPusher.ts", import.meta.url))
const testLayer = SyncDefinitions.layer.pipe(Layer.provideMerge(engineLayer))
const rows = 600
const maxBatch = 50
const windowRows = 100

layer(testLayer, { timeout: 120_000 })(
  "a definition into n8n killed between a delivery and its ledger commit",
  (it) => {
    it.effect(
      "resumes with the same idempotency keys: each change once per key, the workflow folds to the truth",
      () =>
        Effect.gen(function* () {
          const { fake, adapter, manifests, manifest } = yield* fakeErp({ seed: 52, rows: { items: rows } })
          const n8n = yield* FakeN8n.make()
          yield* n8n.putWorkflow(webhookWorkflow("ERP items", ITEMS_WEBHOOK), { active: true })
          const urls = { erpUrl: fake.baseUrl, n8nUrl: n8n.baseUrl, n8nApiKey: n8n.apiKey, maxBatch }
          const connectors = yield* n8nConnectorAdapters(urls, { erp: adapter })
          const connectorStore = yield* ConnectorStore
          const manifestStore = yield* ManifestStore
          yield* connectorStore.createConnector({ id: "erp", adapter: "apismith", name: "ERP" })
          yield* connectorStore.createConnector({ id: "flows", adapter: "n8n", name: "n8n" })
          yield* manifestStore.saveManifests("erp", manifests)
          yield* manifestStore.saveManifests("flows", yield* connectors.flows.manifests)
          const definition = yield* createDefinition({
            id: "items-to-n8n",
            name: "ERP items to n8n",
            source: { connectorId: "erp", entity: "items" },
            destination: { kind: "connector", connectorId: "flows", entity: "items" }
          }).pipe(Effect.provide(connectors.layer))
          const databaseUrl = Redacted.value(yield* PgTest.databaseUrl)

          // The pusher delivers windows of 100 items in batches of 50; after n8n answered its third
          // delivery (the first of the second window) it hangs.
          const child = yield* Effect.acquireRelease(
            Effect.sync(() =>
              spawn(process.execPath, [pusher], {
                env: {
                  ...process.env,
                  DATABASE_URL: databaseUrl,
                  ERP_URL: fake.baseUrl,
                  N8N_URL: n8n.baseUrl,
                  N8N_API_KEY: Redacted.value(n8n.apiKey),
                  MAX_BATCH: String(maxBatch),
                  WINDOW_ROWS: String(windowRows),
                  DEFINITION: JSON.stringify(Schema.encodeSync(Schema.toCodecJson(SyncDefinition))(definition)),
                  HANG_AFTER_DELIVERIES: "3"
                },
                stdio: ["ignore", "pipe", "pipe"]
              })
            ),
            (child) => Effect.sync(() => child.kill("SIGKILL"))
          )
          let output = ""
          child.stdout?.on("data", (chunk: Buffer) => {
            output += chunk.toString()
          })
          child.stderr?.on("data", (chunk: Buffer) => {
            output += chunk.toString()
          })
          yield* waitFor(
            "the pusher to have had its third delivery answered",
            Effect.sync(() => (output.includes("delivered 3") ? Option.some(true) : Option.none())),
            { timeout: "100 seconds", context: () => output }
          )
          child.kill("SIGKILL")
          yield* Effect.callback<void>((resume) => {
            if (child.exitCode !== null || child.signalCode !== null) resume(Effect.void)
            else child.once("exit", () => resume(Effect.void))
          })
          // Three deliveries reached n8n; the ledger recorded none of them.
          assert.strictEqual((yield* n8n.deliveries(ITEMS_WEBHOOK)).length, 3)
          const sql = yield* SqlClient.SqlClient
          const ledger = yield* sql<{ readonly n: number }>`
          SELECT count(*)::int AS n FROM syncflow.row_ledger WHERE sync_id = 'items-to-n8n'`
          assert.strictEqual(ledger[0]?.n, windowRows)

          // The dead process's lease lapses (nobody renews it): the resumed run reads the time past its expiry.
          const clock = yield* TestClock.make()
          yield* clock.setTime(Date.now() + Duration.toMillis(defaultLeaseTtl) + 1000)
          const summary = yield* runInWindows(definition, windowRows).pipe(
            Effect.provide(connectors.layer),
            Effect.provideService(Clock.Clock, clock)
          )
          assert.isTrue(summary.resumed)
          assert.strictEqual(summary.counts.inserted, rows)

          const deliveries = yield* n8n.deliveries(ITEMS_WEBHOOK)
          const byKey = new Map<string, DeliveryBody>()
          for (const delivery of deliveries) {
            // The fake records the JSON bodies the destination sent.
            const body = delivery.body as DeliveryBody
            const earlier = byKey.get(String(delivery.idempotencyKey))
            // A repeated key repeats the same changes, in the same run and window.
            if (earlier !== undefined) assert.deepStrictEqual(body, earlier)
            byKey.set(String(delivery.idempotencyKey), body)
          }
          assert.strictEqual(deliveries.length, byKey.size + 1, "only the unrecorded delivery repeated")
          assert.strictEqual(new Set([...byKey.values()].map((d) => d.runId)).size, 1, "one run")
          const changes = [...byKey.values()].flatMap((d) => d.changes)
          assert.strictEqual(changes.length, rows)
          assert.strictEqual(new Set(changes.map((c) => c.key)).size, rows, "each record once beyond its key")
          const folded = new Map(changes.map((c) => [c.key, String(c.record?.data_hash)]))
          const sorted = (map: ReadonlyMap<string, string>) => [...map].sort(([a], [b]) => a.localeCompare(b))
          assert.deepStrictEqual(sorted(folded), sorted(yield* expectedIdentities(fake, manifest("items"))))
          const recorded = yield* sql<{ readonly n: number }>`
          SELECT count(*)::int AS n FROM syncflow.row_ledger WHERE sync_id = 'items-to-n8n' AND NOT deleted`
          assert.strictEqual(recorded[0]?.n, rows)
        }).pipe(Effect.scoped, TestClock.withLive),
      120_000
    )
  }
)
