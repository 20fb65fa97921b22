/**
 * APISmith ERP -> ScheduleHub, end to end through the engine's sink path (an `ApiDestination` over
 * the ScheduleHub adapter's write side, the SQL row ledger): after every sync the fake ScheduleHub's
 * live records are exactly the ERP's ground truth (business-key hash -> data hash), with no
 * duplicate — through the initial push (parents first, the batch endpoint), inserts, updates and
 * deletes, children parked until their parents arrive, 409s, a refused row, and injected faults.
 */
import { assert, layer } from "@effect/vitest"
import type { Adapter, EntityManifest, RecordWriter, SourceRecord } from "@syncflow/adapter-core"
import { Cursor } from "@syncflow/adapter-core"
import type { FakeErp } from "@syncflow/apismith/testing"
import type { FakeScheduleHub } from "@syncflow/schedulehub/testing"
import { Effect, Stream } from "effect"
import { SqlClient } from "effect/sql"
import { TestClock } from "effect/testing"
import { SyncEngine } from "../../src/pipeline/SyncEngine.ts"
import type { SyncSink } from "../../src/pipeline/SyncSink.ts"
import { ConnectorStore } from "../../src/state/ConnectorStore.ts"
import { FailedRecordStore } from "../../src/state/FailedRecordStore.ts"
import { PendingChildStore } from "../../src/state/PendingChildStore.ts"
import { apiSmithStages, engineLayer, expectedIdentities, fakeErp } from "./fixtures.ts"
import { fakeScheduleHub, hubIdentities, scheduleHubSink } from "./scheduleHubFixtures.ts"

const pushed = ["customers", "orders", "order_lines", "items"] as const

/** Asserts the fake ScheduleHub holds exactly the ERP's ground truth of `entity`, once each. */
const assertTruth = (erp: FakeErp.FakeErp, hub: FakeScheduleHub.FakeScheduleHub, manifest: EntityManifest) =>
  Effect.gen(function* () {
    const expected = yield* expectedIdentities(erp, manifest)
    const actual = yield* hubIdentities(hub, manifest.entity)
    assert.strictEqual(actual.count, expected.size, `${manifest.entity}: no duplicate, nothing missing`)
    const sorted = (map: ReadonlyMap<string, string>) => [...map].sort(([a], [b]) => a.localeCompare(b))
    assert.deepStrictEqual(sorted(actual.identities), sorted(expected), manifest.entity)
  })

/** An ERP, a ScheduleHub, the connector and a sink per pushed entity. */
const setup = (connectorId: string, seed: number, writerOf?: (writer: RecordWriter) => RecordWriter) =>
  Effect.gen(function* () {
    const erp = yield* fakeErp({ seed, rows: { items: 120, customers: 30, orders: 40 } })
    const { hub, writer } = yield* fakeScheduleHub()
    yield* (yield* ConnectorStore).createConnector({ id: connectorId, adapter: "apismith", name: connectorId })
    const sinks = new Map<string, SyncSink>()
    for (const entity of pushed) {
      sinks.set(
        entity,
        yield* scheduleHubSink(
          connectorId,
          writerOf?.(writer) ?? writer,
          hub.entities,
          erp.manifest(entity),
          erp.manifests
        )
      )
    }
    const engine = yield* SyncEngine
    const sync = (entity: string, mode?: "incremental" | "full-refresh" | "reconcile") =>
      engine.syncEntity({
        connectorId,
        adapter: erp.adapter,
        manifest: erp.manifest(entity),
        manifests: erp.manifests,
        stages: apiSmithStages,
        sink: sinks.get(entity)!,
        windowRows: 50,
        pageSize: 50,
        ...(mode === undefined ? {} : { mode })
      })
    return { ...erp, erp: erp.fake, hub, sinks, sync, engine }
  })

layer(engineLayer, { timeout: 120_000 })("push to ScheduleHub", (it) => {
  it.effect("initial push parents first through the batch endpoint, then inserts, updates and deletes", () =>
    Effect.gen(function* () {
      const { erp, hub, sync, manifest } = yield* setup("push-main", 31)
      for (const entity of pushed) {
        const summary = yield* sync(entity)
        assert.strictEqual(summary.counts.inserted, erp.groundTruth.count(entity), entity)
        assert.strictEqual(summary.counts.failed, 0, entity)
        assert.strictEqual(summary.pending, 0, entity)
        yield* assertTruth(erp, hub, manifest(entity))
      }
      const stats = yield* hub.stats
      assert.isAbove(stats.batches, 0)
      assert.isAbove(stats.largestBatch, 1)

      yield* erp.mutate("items", { insert: 7, update: 9, delete: 5 })
      yield* erp.mutate("orders", { update: 4 })
      const items = yield* sync("items", "reconcile")
      assert.strictEqual(items.counts.inserted, 7)
      assert.strictEqual(items.counts.updated, 9)
      assert.strictEqual(items.counts.deleted, 5)
      const orders = yield* sync("orders", "reconcile")
      assert.strictEqual(orders.counts.updated, 4)
      for (const entity of pushed) yield* assertTruth(erp, hub, manifest(entity))

      // Nothing changed: nothing is written.
      const again = yield* sync("items", "reconcile")
      assert.strictEqual(again.counts.inserted + again.counts.updated + again.counts.deleted, 0)
      const sql = yield* SqlClient.SqlClient
      const ledger = yield* sql<{ readonly n: number }>`
        SELECT count(*)::int AS n FROM syncflow.row_ledger WHERE sync_id = 'push-main->schedulehub/items' AND NOT deleted`
      assert.strictEqual(ledger[0]?.n, erp.groundTruth.count("items"))
    }).pipe(Effect.scoped)
  )

  it.effect("children pushed before their parents are parked, then written when the parents are", () =>
    Effect.gen(function* () {
      const { erp, hub, sync, manifest, engine, sinks, manifests } = yield* setup("push-orphans", 32)
      yield* sync("customers")
      const lines = yield* sync("order_lines")
      assert.strictEqual(lines.pending, erp.groundTruth.count("order_lines"))
      assert.strictEqual((yield* hubIdentities(hub, "order_lines")).count, 0)
      yield* sync("orders")
      const retried = yield* engine.retryPendingChildren(
        "push-orphans",
        manifest("order_lines"),
        manifests,
        sinks.get("order_lines")
      )
      assert.strictEqual(retried.resolved, erp.groundTruth.count("order_lines"))
      assert.strictEqual(retried.stillWaiting, 0)
      for (const entity of ["customers", "orders", "order_lines"]) yield* assertTruth(erp, hub, manifest(entity))
      const pendingChildStore = yield* PendingChildStore
      const waiting = yield* pendingChildStore.listPendingChildren({ connectorId: "push-orphans" })
      assert.strictEqual(waiting.length, 0)
    }).pipe(Effect.scoped)
  )

  it.effect("a record ScheduleHub already holds (409 without a lookup) is updated, not duplicated", () =>
    Effect.gen(function* () {
      // A writer without lookup: every unknown key is created, and the ones already there answer 409.
      const { erp, hub, sync, manifest } = yield* setup("push-conflict", 33, (writer) => ({
        ...writer,
        lookup: undefined
      }))
      const truth = yield* expectedIdentities(erp, manifest("items"))
      const [first] = truth.keys()
      yield* hub.put("items", { erp_key_hash: first!, erp_data_hash: "0".repeat(64), part_no: "SOMEONE-ELSE" })
      const summary = yield* sync("items")
      assert.strictEqual(summary.counts.updated, 1)
      yield* assertTruth(erp, hub, manifest("items"))
    }).pipe(Effect.scoped)
  )

  it.effect("a row ScheduleHub refuses (422) is a failed record of stage ingest; the other 999 are written", () =>
    Effect.gen(function* () {
      const { hub, writer } = yield* fakeScheduleHub()
      yield* (yield* ConnectorStore).createConnector({ id: "push-422", adapter: "apismith", name: "push-422" })
      const items: EntityManifest = {
        entity: "items",
        endpoint: "items.list",
        businessKey: ["part_no"],
        deltaStrategy: "hash",
        parents: [],
        columns: [
          { name: "part_no", type: "string", nullable: false, businessKey: true },
          // Text here, a decimal in ScheduleHub: "twelve" is refused there.
          { name: "list_price", type: "string", nullable: true, businessKey: false }
        ]
      }
      const records: ReadonlyArray<SourceRecord> = Array.from({ length: 1000 }, (_, i) => ({
        part_no: `P-${String(i).padStart(4, "0")}`,
        list_price: i === 500 ? "twelve" : `${i}.50`
      }))
      const adapter: Adapter = {
        name: "items-source",
        manifests: Effect.succeed([items]),
        testConnection: Effect.void,
        streamPages: () => Stream.make({ items: records, cursor: Cursor.start, next: undefined, body: null, index: 0 })
      }
      const sink = yield* scheduleHubSink("push-422", writer, hub.entities, items, [items])
      const summary = yield* (yield* SyncEngine).syncEntity({ connectorId: "push-422", adapter, manifest: items, sink })
      assert.strictEqual(summary.counts.inserted, 999)
      assert.strictEqual(summary.counts.failed, 1)
      assert.strictEqual((yield* hubIdentities(hub, "items")).count, 999)
      const failed = yield* (yield* FailedRecordStore).listFailedRecords({
        connectorId: "push-422",
        definitionId: sink.syncId
      })
      assert.strictEqual(failed.length, 1)
      assert.strictEqual(failed[0]?.stage, "ingest")
      assert.include(failed[0]?.message ?? "", "list_price")
      assert.deepStrictEqual(failed[0]?.rawData, { part_no: "P-0500", list_price: "twelve" })
    }).pipe(Effect.scoped)
  )

  // On the live clock: the adapter's retries back off 20 ms, doubling (the fake's Retry-After is 0).
  it.effect("heavy faults (5xx bursts, 429 storms, connections cut after the write) leave exactly the truth", () =>
    Effect.gen(function* () {
      const { erp, hub, sync, manifest } = yield* setup("push-faults", 34)
      yield* hub.faults.failNext(3)
      yield* sync("customers")
      yield* hub.faults.cutAfterApplyNext(2)
      yield* hub.faults.rateLimitNext(3, 0)
      yield* sync("orders")
      yield* hub.faults.cutAfterApplyNext(3)
      yield* hub.faults.failNext(2, { status: 502 })
      yield* sync("order_lines")
      yield* sync("items")
      // ScheduleHub refuses to delete an order whose lines are live: orders only change here, items are deleted.
      yield* erp.mutate("orders", { insert: 3, update: 3 })
      yield* erp.mutate("items", { delete: 4, update: 2 })
      yield* hub.faults.cutAfterApplyNext(2)
      yield* sync("orders", "reconcile")
      yield* hub.faults.cutAfterApplyNext(2)
      yield* hub.faults.failNext(2)
      yield* sync("items", "reconcile")
      for (const entity of pushed) yield* assertTruth(erp, hub, manifest(entity))
      const stats = yield* hub.stats
      assert.isAtLeast(stats.byStatus.cut ?? 0, 1)
    }).pipe(Effect.scoped, TestClock.withLive)
  )
})
