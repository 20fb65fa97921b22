/**
 * Sync definitions that push into a connector, over real HTTP against a real PostgreSQL: the fake ERP
 * and the fake ScheduleHub are connectors created through the API, one definition per entity pushes
 * ERP -> ScheduleHub (parents first), and after every round of runs — the first push, then the ERP's
 * inserts, updates and deletes — the fake ScheduleHub's live records are exactly the ERP's ground
 * truth (business-key hash -> data hash), each once, children naming their parents. A connector whose
 * plugin is no destination is refused with a 400 naming `destination.connectorId`; a field mapping
 * whose target ScheduleHub's entity does not have (or assigns itself) is a 400 naming the entry's target.
 */
import { assert, layer } from "@effect/vitest"
import type { EntityManifest } from "@syncflow/adapter-core"
import { apiSmithPlugin } from "@syncflow/apismith"
import { FakeErp } from "@syncflow/apismith/testing"
import { scheduleHubPlugin } from "@syncflow/schedulehub"
import { FakeScheduleHub } from "@syncflow/schedulehub/testing"
import { Stages } from "@syncflow/sync-engine"
import { Effect, Option, Redacted, Schema } from "effect"
import { DefinitionRunTriggered, DefinitionView } from "../src/api/groups/DefinitionsGroup.ts"
import { EntityView, RunView } from "../src/api/Views.ts"
import { defaultPlugins } from "../src/wiring/plugins.ts"
import { bodyAs, call, eventually, testServerLayerWith } from "./fixtures.ts"

/** ScheduleHub's write side, offered by a plugin that declares no identity fields: not a destination. */
const writerOnlyPlugin = { ...scheduleHubPlugin, name: "writer-only", destination: undefined }

/** Parents first. */
const pushed = ["customers", "orders", "order_lines", "items"] as const

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

/** Asserts ScheduleHub's live records of `entity` are the ERP's ground truth, once each. */
const assertTruth = Effect.fnUntraced(function* (
  erp: FakeErp.FakeErp,
  hub: FakeScheduleHub.FakeScheduleHub,
  manifest: EntityManifest
) {
  const expected = yield* expectedIdentities(erp, manifest)
  const records = yield* hub.records(manifest.entity)
  const actual = new Map(records.map((r) => [String(r.erp_key_hash), String(r.erp_data_hash)]))
  assert.strictEqual(records.length, expected.size, `${manifest.entity}: no duplicate, nothing missing`)
  assert.deepStrictEqual(sorted(actual), sorted(expected), manifest.entity)
})

/** The runs of a definition, newest first. */
const runsOf = (definitionId: string) =>
  Effect.map(call("GET", `/api/v1/definitions/${definitionId}/runs`), (reply) => bodyAs(reply, Schema.Array(RunView)))

/** Runs a definition through the API (in `mode`) and waits for its run to end; the run. */
const runToEnd = Effect.fnUntraced(function* (definitionId: string, mode?: "reconcile") {
  const before = (yield* runsOf(definitionId)).length
  const started = yield* call(
    "POST",
    `/api/v1/definitions/${definitionId}/run${mode === undefined ? "" : `?mode=${mode}`}`
  )
  assert.strictEqual(started.status, 202, JSON.stringify(started.body))
  // Started, or queued behind the previous run when that one's execution is still closing (its run
  // has ended): either way this request's run lists the source anew.
  const answer = bodyAs(started, DefinitionRunTriggered)
  assert.oneOf(answer.status, ["started", "queued"])
  assert.deepInclude(answer, { mode: mode ?? "incremental", definitionId })
  return yield* eventually(
    Effect.map(runsOf(definitionId), (runs) =>
      runs.length > before && runs[0] !== undefined && runs[0].status !== "running"
        ? Option.some(runs[0])
        : Option.none()
    )
  )
})

layer(testServerLayerWith({ plugins: [...defaultPlugins, writerOnlyPlugin] }), {
  timeout: 120_000,
  excludeTestServices: true
})("sync definitions pushing into a connector", (it) => {
  it.effect(
    "ERP -> ScheduleHub: the first push, then inserts, updates and deletes; the hub holds the ERP's truth",
    () =>
      Effect.gen(function* () {
        const erp = yield* FakeErp.make({ seed: 41, rows: { items: 60, customers: 12, orders: 20 } })
        const hub = yield* FakeScheduleHub.make({ requestsPerSecond: 1000 })
        const connectors = [
          {
            id: "erp",
            adapter: "apismith",
            name: "ERP",
            config: { baseUrl: erp.baseUrl, pageSize: 50 },
            credentials: { type: "serviceJwt", secret: Redacted.value(erp.secret) }
          },
          {
            id: "hub",
            adapter: "schedulehub",
            name: "ScheduleHub",
            config: { baseUrl: hub.baseUrl, requestsPerSecond: 1000 },
            credentials: { type: "serviceJwt", secret: Redacted.value(hub.secret) }
          },
          {
            id: "writer",
            adapter: "writer-only",
            name: "Writes, but no destination",
            config: { baseUrl: hub.baseUrl },
            credentials: { type: "serviceJwt", secret: Redacted.value(hub.secret) }
          }
        ]
        const manifests = new Map<string, EntityManifest>()
        for (const connector of connectors) {
          const created = yield* call("POST", "/api/v1/connectors", { body: connector })
          assert.strictEqual(created.status, 201, JSON.stringify(created.body))
          const discovered = yield* call("POST", `/api/v1/connectors/${connector.id}/discover`)
          assert.strictEqual(discovered.status, 200, JSON.stringify(discovered.body))
          if (connector.id === "erp") {
            for (const entity of bodyAs(discovered, Schema.Array(EntityView)))
              manifests.set(entity.entity, entity.manifest)
          }
        }
        const manifest = (entity: string): EntityManifest => {
          const found = manifests.get(entity)
          if (found === undefined) throw new Error(`the ERP has no ${entity}`)
          return found
        }

        // A changed connector gets a new adapter, which has not read ScheduleHub's schema yet: what it
        // writes is read when a definition needs it.
        const renamed = yield* call("PATCH", "/api/v1/connectors/hub", { body: { name: "ScheduleHub (prod)" } })
        assert.strictEqual(renamed.status, 200, JSON.stringify(renamed.body))

        // A connector that writes but whose plugin declares no identity fields is no destination.
        const refused = yield* call("POST", "/api/v1/definitions", {
          body: {
            name: "Items to a writer",
            source: { connectorId: "erp", entity: "items" },
            destination: { kind: "connector", connectorId: "writer", entity: "items" }
          }
        })
        assert.strictEqual(refused.status, 400, JSON.stringify(refused.body))
        assert.include(JSON.stringify(refused.body), "destination.connectorId")

        for (const entity of pushed) {
          const made = yield* call("POST", "/api/v1/definitions", {
            body: {
              id: `hub-${entity}`,
              name: `ERP ${entity} to ScheduleHub`,
              source: { connectorId: "erp", entity },
              destination: { kind: "connector", connectorId: "hub", entity }
            }
          })
          assert.strictEqual(made.status, 201, JSON.stringify(made.body))
          assert.deepInclude(bodyAs(made, DefinitionView), { direction: "push", operation: "upsert" })
        }

        // A field mapping whose target ScheduleHub's customers do not have is refused (problem+json
        // naming the entry and the field), and so is one making ScheduleHub's own uid; nothing is stored.
        const mappingPath = "/api/v1/definitions/hub-customers/mapping"
        const unknownTarget = yield* call("PUT", mappingPath, {
          body: {
            entries: [
              { source: "customer_id", target: "customer_id" },
              { source: "name", target: "full_name" }
            ]
          }
        })
        assert.strictEqual(unknownTarget.status, 400, JSON.stringify(unknownTarget.body))
        assert.deepInclude(unknownTarget.body, { field: "entries[1].target" })
        assert.match(JSON.stringify(unknownTarget.body), /hub:customers has no field .*full_name/)
        const assignedTarget = yield* call("PUT", mappingPath, {
          body: { entries: [{ source: "customer_id", target: "uid" }] }
        })
        assert.strictEqual(assignedTarget.status, 400, JSON.stringify(assignedTarget.body))
        assert.deepInclude(assignedTarget.body, { field: "entries[0].target" })
        assert.strictEqual((yield* call("GET", mappingPath)).status, 404)

        // The first push, parents first.
        for (const entity of pushed) {
          const run = yield* runToEnd(`hub-${entity}`)
          assert.strictEqual(run.status, "succeeded", JSON.stringify(run))
          assert.strictEqual(run.counts.inserted, erp.groundTruth.count(entity), entity)
          yield* assertTruth(erp, hub, manifest(entity))
        }
        const stats = yield* hub.stats
        assert.isAbove(stats.batches, 0, "the batch endpoint is used")

        // Children name their parents by the parent's business-key hash.
        const customerKeys = new Set((yield* hub.records("customers")).map((r) => String(r.erp_key_hash)))
        const orders = yield* hub.records("orders")
        assert.isTrue(
          orders.every((o) => o.customer_key_hash === null || customerKeys.has(String(o.customer_key_hash))),
          "every order's customer is a pushed customer"
        )
        assert.isTrue(orders.some((o) => o.customer_key_hash !== null))

        // The ERP changes; a reconciling run of each pushes inserts, updates and deletes.
        yield* erp.mutate("customers", { insert: 2, update: 3 })
        yield* erp.mutate("orders", { insert: 2, update: 4 })
        yield* erp.mutate("items", { insert: 5, update: 6, delete: 4 })
        for (const entity of pushed) {
          const run = yield* runToEnd(`hub-${entity}`, "reconcile")
          assert.strictEqual(run.status, "succeeded", JSON.stringify(run))
        }
        const items = yield* runToEnd("hub-items", "reconcile")
        assert.strictEqual(items.counts.inserted + items.counts.updated + items.counts.deleted, 0, "nothing changed")
        for (const entity of pushed) yield* assertTruth(erp, hub, manifest(entity))

        // A delete definition removes from ScheduleHub the records its source lists (here: three items).
        const partNos = Array.from(erp.groundTruth.rows("items"), (row) => String(row.values.part_no)).slice(0, 3)
        const deleting = yield* call("POST", "/api/v1/definitions", {
          body: {
            id: "hub-items-gone",
            name: "Items withdrawn from ScheduleHub",
            source: { connectorId: "erp", entity: "items" },
            destination: { kind: "connector", connectorId: "hub", entity: "items" },
            filters: [{ field: "part_no", op: "in", values: partNos }],
            operation: "delete"
          }
        })
        assert.strictEqual(deleting.status, 201, JSON.stringify(deleting.body))
        const before = yield* hub.records("items")
        const deleted = yield* runToEnd("hub-items-gone")
        assert.strictEqual(deleted.status, "succeeded", JSON.stringify(deleted))
        assert.strictEqual(deleted.counts.deleted, 3)
        const after = yield* hub.records("items")
        assert.strictEqual(after.length, before.length - 3)
        assert.sameMembers(
          before.filter((r) => !partNos.includes(String(r.part_no))).map((r) => String(r.erp_key_hash)),
          after.map((r) => String(r.erp_key_hash))
        )
        // Again: nothing left to delete, nothing else touched.
        yield* runToEnd("hub-items-gone")
        assert.strictEqual((yield* hub.records("items")).length, after.length)
      })
  )
})
