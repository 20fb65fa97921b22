/**
 * A sync definition pushing into n8n, over real HTTP against a real PostgreSQL: the fake ERP and a
 * fake n8n are connectors created through the API, the definition ERP items -> n8n `items` delivers
 * the ERP's changes to an active webhook workflow in batches, each with its run, entity and
 * idempotency key. Folding what the workflow received (inserts and updates set a record, deletes
 * remove it) gives exactly the ERP's ground truth after the first push and after the ERP's
 * inserts, updates and deletes, each change delivered once; a change the workflow refuses is a
 * failed record of the run, the others of its delivery are written.
 */
import { assert, layer } from "@effect/vitest"
import type { EntityManifest } from "@syncflow/adapter-core"
import { apiSmithPlugin } from "@syncflow/apismith"
import { FakeErp } from "@syncflow/apismith/testing"
import type { DeliveryBody } from "@syncflow/n8n"
import { FakeN8n, webhookWorkflow } from "@syncflow/n8n/testing"
import { Stages } from "@syncflow/sync-engine"
import { Effect, Option, Redacted, Schema } from "effect"
import { DefinitionRunTriggered } from "../src/api/groups/DefinitionsGroup.ts"
import { EntityView, ExecutionView, RunView } from "../src/api/Views.ts"
import { bodyAs, call, eventually, testServerLayer } from "./fixtures.ts"

/** The business-key hash -> data hash of the ERP's ground truth, as a sync with the plugin's stage options computes it. */
const expectedIdentities = Effect.fnUntraced(function* (erp: FakeErp.FakeErp, manifest: EntityManifest) {
  const stages = yield* Stages.makeStages(manifest, apiSmithPlugin.defaultStageOptions)
  const clean = Array.from(erp.groundTruth.rows(manifest.entity), (row) => ({
    raw: row.values,
    normalized: row.values
  }))
  const identified = Stages.identifyChunk(stages.identifier, Stages.mapChunk(stages.mapper, clean).ok).ok
  return new Map(identified.map((row) => [row.keyHash, row.dataHash]))
})

const sorted = (map: ReadonlyMap<string, string>) => [...map].sort(([a], [b]) => a.localeCompare(b))

/** The deliveries the workflow received, each idempotency key once (a repeat carries the same changes). */
const distinctDeliveries = (fake: FakeN8n.FakeN8n) =>
  Effect.map(fake.deliveries("erp/items"), (deliveries) => {
    const seen = new Set<string>()
    const out: Array<DeliveryBody> = []
    for (const delivery of deliveries) {
      // The fake records the JSON bodies the destination sent.
      const body = delivery.body as DeliveryBody
      if (seen.has(String(delivery.idempotencyKey))) continue
      seen.add(String(delivery.idempotencyKey))
      assert.strictEqual(body.idempotencyKey, delivery.idempotencyKey)
      out.push(body)
    }
    return { all: deliveries.length, distinct: out }
  })

/** What the workflow holds after applying every change in order: key -> data hash. */
const folded = (deliveries: ReadonlyArray<DeliveryBody>) => {
  const state = new Map<string, string>()
  for (const delivery of deliveries) {
    for (const change of delivery.changes) {
      if (change.op === "delete") state.delete(change.key)
      else state.set(change.key, String(change.record?.data_hash))
    }
  }
  return state
}

/** Waits until the execution has ended. */
const executionEnded = (executionId: string) =>
  eventually(
    Effect.map(call("GET", `/api/v1/executions/${executionId}`), (reply) => {
      const execution = bodyAs(reply, ExecutionView)
      return execution.status === "running" ? Option.none() : Option.some(execution)
    })
  )

/**
 * Starts a run of the definition (in `mode`) and waits for it to end; the run. A trigger that joins
 * or queues behind the previous execution (still closing) waits for that one, then triggers again.
 */
const runToEnd = Effect.fnUntraced(function* (definitionId: string, mode?: "reconcile") {
  for (;;) {
    const started = yield* call(
      "POST",
      `/api/v1/definitions/${definitionId}/run${mode === undefined ? "" : `?mode=${mode}`}`
    )
    assert.strictEqual(started.status, 202, JSON.stringify(started.body))
    const answer = bodyAs(started, DefinitionRunTriggered)
    if (answer.executionId === undefined || answer.runId === undefined) {
      return yield* Effect.die(`no execution in ${JSON.stringify(answer)}`)
    }
    yield* executionEnded(answer.executionId)
    if (answer.status !== "started") continue
    return bodyAs(yield* call("GET", `/api/v1/runs/${answer.runId}`), RunView)
  }
})

layer(testServerLayer, { timeout: 120_000, excludeTestServices: true })("a sync definition into n8n", (it) => {
  it.effect(
    "ERP -> n8n webhook: every change delivered once, with its run and entity; the workflow folds to the truth",
    () =>
      Effect.gen(function* () {
        const erp = yield* FakeErp.make({ seed: 23, rows: { items: 70 } })
        const n8n = yield* FakeN8n.make()
        yield* n8n.putWorkflow(webhookWorkflow("ERP items", "erp/items"), { active: true })
        const connectors = [
          {
            id: "erp",
            adapter: "apismith",
            name: "ERP",
            config: { baseUrl: erp.baseUrl, pageSize: 50 },
            credentials: { type: "serviceJwt", secret: Redacted.value(erp.secret) }
          },
          {
            id: "flows",
            adapter: "n8n",
            name: "n8n",
            config: { baseUrl: n8n.baseUrl, webhooks: { items: "erp/items" }, maxBatch: 25, requestsPerSecond: 1000 },
            credentials: { type: "apiKey", apiKey: Redacted.value(n8n.apiKey) }
          }
        ]
        let manifest: EntityManifest | undefined
        for (const connector of connectors) {
          const created = yield* call("POST", "/api/v1/connectors", { body: connector })
          assert.strictEqual(created.status, 201, JSON.stringify(created.body))
          assert.notInclude(JSON.stringify(created.body), Redacted.value(n8n.apiKey))
          const discovered = yield* call("POST", `/api/v1/connectors/${connector.id}/discover`)
          assert.strictEqual(discovered.status, 200, JSON.stringify(discovered.body))
          const entities = bodyAs(discovered, Schema.Array(EntityView))
          if (connector.id === "erp") manifest = entities.find((e) => e.entity === "items")?.manifest
          else
            assert.deepStrictEqual(
              entities.map((e) => e.entity),
              ["items"]
            )
        }
        if (manifest === undefined) return yield* Effect.die("the ERP has no items")

        const made = yield* call("POST", "/api/v1/definitions", {
          body: {
            id: "n8n-items",
            name: "ERP items to n8n",
            source: { connectorId: "erp", entity: "items" },
            destination: { kind: "connector", connectorId: "flows", entity: "items" }
          }
        })
        assert.strictEqual(made.status, 201, JSON.stringify(made.body))

        const first = yield* runToEnd("n8n-items")
        assert.strictEqual(first.status, "succeeded", JSON.stringify(first))
        assert.strictEqual(first.counts.inserted, 70)
        const afterFirst = yield* distinctDeliveries(n8n)
        assert.strictEqual(afterFirst.all, afterFirst.distinct.length, "no delivery repeated")
        assert.isTrue(
          afterFirst.distinct.every((d) => d.changes.length <= 25),
          "batches of at most maxBatch"
        )
        assert.isTrue(
          afterFirst.distinct.every((d) => d.runId === first.id && d.entity === "items" && d.syncId === "n8n-items")
        )
        const changes = afterFirst.distinct.flatMap((d) => d.changes)
        assert.strictEqual(changes.length, 70)
        assert.strictEqual(new Set(changes.map((c) => c.key)).size, 70, "each record once")
        assert.deepStrictEqual(sorted(folded(afterFirst.distinct)), sorted(yield* expectedIdentities(erp, manifest)))
        // Each delivery started one execution of the workflow.
        assert.strictEqual((yield* n8n.executions).length, afterFirst.all)

        // The ERP changes; a reconciling run delivers the inserts, updates and deletes.
        yield* erp.mutate("items", { insert: 5, update: 6, delete: 4 })
        const second = yield* runToEnd("n8n-items", "reconcile")
        assert.strictEqual(second.status, "succeeded", JSON.stringify(second))
        assert.deepInclude(second.counts, { inserted: 5, updated: 6, deleted: 4 })
        const afterSecond = yield* distinctDeliveries(n8n)
        const ofSecond = afterSecond.distinct.filter((d) => d.runId === second.id).flatMap((d) => d.changes)
        assert.deepStrictEqual(
          ["insert", "update", "delete"].map((op) => ofSecond.filter((c) => c.op === op).length),
          [5, 6, 4]
        )
        assert.deepStrictEqual(sorted(folded(afterSecond.distinct)), sorted(yield* expectedIdentities(erp, manifest)))

        // The workflow refuses one change of a delivery: a failed record; the other is written.
        yield* n8n.respondWith("erp/items", () => ({
          status: 200,
          body: { results: [{ index: 0, status: "invalid", field: "list_price", message: "must be positive" }] }
        }))
        yield* erp.mutate("items", { update: 2 })
        const third = yield* runToEnd("n8n-items", "reconcile")
        assert.strictEqual(third.status, "succeeded", JSON.stringify(third))
        assert.deepInclude(third.counts, { updated: 1, failed: 1 })
      }),
    120_000
  )
})
