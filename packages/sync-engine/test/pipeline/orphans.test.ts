/**
 * Orphans: a row the source lists is live in the table whatever happened to its parent. The fake
 * ERP deletes customers and keeps their orders (as ERPs do); the orders stay live, flagged
 * `_parent_missing` (orphans `keep`, the default) or parked (orphans `park`), and a reconcile
 * soft-deletes exactly the deleted customers and nothing else. Every check compares the tables with
 * the fake's ground truth.
 */
import { assert, layer } from "@effect/vitest"
import type { EntityManifest } from "@syncflow/adapter-core"
import type { FakeErp } from "@syncflow/apismith/testing"
import { Effect, Redacted, Schema } from "effect"
import { SqlClient } from "effect/sql"
import { TestClock } from "effect/testing"
import { TableDestination } from "../../src/destination/TableDestination.ts"
import * as TableTarget from "../../src/destination/TableTarget.ts"
import { SyncEngine } from "../../src/pipeline/SyncEngine.ts"
import type { SyncMode } from "../../src/pipeline/SyncMode.ts"
import { ConnectorStore } from "../../src/state/ConnectorStore.ts"
import { FailedRecordStore } from "../../src/state/FailedRecordStore.ts"
import { ManifestStore } from "../../src/state/ManifestStore.ts"
import { PendingChildStore } from "../../src/state/PendingChildStore.ts"
import { RunStore } from "../../src/state/RunStore.ts"
import { apiSmithStages, engineLayer, expectedIdentities, fakeErp, storedIdentities } from "./fixtures.ts"
import { syncInOrder } from "./syncInOrder.ts"
import { keyOf, keysWhere, sameSet, truthRows } from "./truthKeys.ts"

/** A fake ERP with the APISmith adapter, and a connector "erp" on it whose customers, orders and lines are synced. */
const syncedErp = (seed: number) =>
  Effect.gen(function* () {
    const erp = yield* fakeErp({ seed, rows: { customers: 40, orders: 150 } })
    const engine = yield* SyncEngine
    yield* (yield* ConnectorStore).createConnector({ id: "erp", adapter: "apismith", name: "ERP" })
    const sync = (entity: string, mode: SyncMode) =>
      engine.syncEntity({
        connectorId: "erp",
        adapter: erp.adapter,
        manifest: erp.manifest(entity),
        manifests: erp.manifests,
        mode,
        stages: apiSmithStages,
        windowRows: 40
      })
    yield* syncInOrder({
      connectorId: "erp",
      adapter: erp.adapter,
      entities: ["customers", "orders", "order_lines"],
      stages: apiSmithStages
    })
    return { ...erp, sync }
  })

/** The truth's orders whose customer the truth no longer has. */
const truthOrphans = Effect.fnUntraced(function* (erp: Effect.Success<ReturnType<typeof syncedErp>>) {
  const customers = new Set(
    (yield* truthRows(erp.fake, erp.manifest("customers"))).map((row) => row.values.customer_id)
  )
  const orders = yield* truthRows(erp.fake, erp.manifest("orders"))
  return new Set(orders.filter((row) => !customers.has(row.values.customer_id)).map((row) => row.key))
})

/** The customers a mutation deleted, as business-key hashes. */
const deletedCustomers = Effect.fnUntraced(function* (
  erp: Effect.Success<ReturnType<typeof syncedErp>>,
  deleted: ReadonlyArray<Readonly<Record<string, unknown>>>
) {
  const keys = new Set<string>()
  for (const key of deleted) keys.add(yield* keyOf(erp.manifest("customers"), { customer_id: key.CUSTOMER_ID }))
  return keys
})

/** Asserts that an entity's live rows are the truth's rows, with the truth's data. */
const assertTableIsTruth = Effect.fnUntraced(function* (
  erp: Effect.Success<ReturnType<typeof syncedErp>>,
  entity: string
) {
  const expected = yield* expectedIdentities(erp.fake, erp.manifest(entity))
  assert.isAbove(expected.size, 0)
  assert.deepStrictEqual(yield* storedIdentities(entity), expected, `${entity} equals the truth`)
  return expected.size
})

layer(engineLayer, { timeout: 60_000 })("orphans keep (the default)", (it) => {
  it.effect("orders of deleted customers stay live and flagged; a reconcile deletes only the customers", () =>
    Effect.gen(function* () {
      const erp = yield* syncedErp(31)
      assert.strictEqual((yield* truthOrphans(erp)).size, 0)
      yield* assertTableIsTruth(erp, "orders")

      const report = yield* erp.fake.mutate("customers", { delete: 12 })
      const gone = yield* deletedCustomers(erp, report.deleted)
      // The seed deletes customers that have orders: the case under test.
      assert.isAbove((yield* truthOrphans(erp)).size, 0)

      const customers = yield* erp.sync("customers", "reconcile")
      assert.strictEqual(customers.counts.deleted, 12)
      assert.isTrue(sameSet(yield* keysWhere("customers", "_deleted"), gone), "exactly the deleted customers")
      yield* assertTableIsTruth(erp, "customers")

      // Some orders change (and some of them move to another customer): the incremental sync writes them.
      yield* erp.fake.mutate("orders", { update: 60 })
      const orphans = yield* truthOrphans(erp)
      const incremental = yield* erp.sync("orders", "incremental")
      assert.strictEqual(incremental.counts.failed, 0)
      assert.strictEqual(incremental.pending, 0)
      yield* assertTableIsTruth(erp, "orders")

      const refresh = yield* erp.sync("orders", "full-refresh")
      assert.deepInclude(refresh.counts, { deleted: 0, failed: 0, orphaned: orphans.size })
      const orderCount = yield* assertTableIsTruth(erp, "orders")
      assert.isTrue(sameSet(yield* keysWhere("orders", "_parent_missing AND NOT _deleted"), orphans), "flagged")
      assert.strictEqual((yield* keysWhere("orders", "_deleted")).size, 0)

      const lines = yield* erp.sync("order_lines", "reconcile")
      assert.strictEqual(lines.counts.deleted, 0)
      const lineCount = yield* assertTableIsTruth(erp, "order_lines")
      assert.strictEqual((yield* keysWhere("order_lines", "_deleted")).size, 0)

      // The destination lists the flagged rows with their columns.
      const listed = yield* (yield* TableDestination).listParentMissing(TableTarget.make("erp", "orders"), {
        limit: 10_000
      })
      assert.isTrue(sameSet(new Set(listed.map((row) => row.bkHash)), orphans))
      for (const row of listed) assert.isString(row.row.customer_id)

      const runs = yield* (yield* RunStore).getRun(refresh.runId)
      assert.strictEqual(runs._tag === "Some" ? runs.value.orphaned : -1, orphans.size)
      yield* Effect.logInfo("orphans keep: checked against the truth", {
        orders: orderCount,
        orderLines: lineCount,
        orphans: orphans.size,
        deletedCustomers: gone.size
      })
    }).pipe(Effect.scoped)
  )
})

layer(engineLayer, { timeout: 60_000 })("orphans keep: parents that arrive later", (it) => {
  it.effect("children synced before their parents are written flagged, and cleared when the parents arrive", () =>
    Effect.gen(function* () {
      const { fake, adapter, manifests, manifest } = yield* fakeErp({ seed: 32, rows: { customers: 20, orders: 50 } })
      const engine = yield* SyncEngine
      yield* (yield* ConnectorStore).createConnector({ id: "erp", adapter: "apismith", name: "ERP" })
      const orders = manifest("orders")
      const early = yield* engine.syncEntity({
        connectorId: "erp",
        adapter,
        manifest: orders,
        manifests,
        stages: apiSmithStages
      })
      const expected = yield* expectedIdentities(fake, orders)
      assert.deepInclude(early.counts, { inserted: expected.size, orphaned: expected.size })
      assert.strictEqual(early.pending, 0)
      assert.deepStrictEqual(yield* storedIdentities("orders"), expected)
      assert.strictEqual((yield* keysWhere("orders", "_parent_missing")).size, expected.size)

      // The customers' sync ends with the pending-children pass of their children: the flags clear.
      yield* syncInOrder({
        connectorId: "erp",
        adapter,
        entities: ["customers"],
        stages: apiSmithStages
      })
      assert.strictEqual((yield* keysWhere("orders", "_parent_missing")).size, 0)
      assert.deepStrictEqual(yield* storedIdentities("orders"), expected)
      assert.deepStrictEqual(
        yield* storedIdentities("customers"),
        yield* expectedIdentities(fake, manifest("customers"))
      )
    }).pipe(Effect.scoped)
  )
})

layer(engineLayer, { timeout: 60_000 })("orphans park", (it) => {
  it.effect("parked orders are not soft-deleted by a reconcile; their parents' deletes are", () =>
    Effect.gen(function* () {
      const erp = yield* syncedErp(33)
      const manifestStore = yield* ManifestStore
      const pendingChildStore = yield* PendingChildStore
      yield* manifestStore.updateEntitySettings("erp", "orders", { orphans: "park" })

      const report = yield* erp.fake.mutate("customers", { delete: 12 })
      const gone = yield* deletedCustomers(erp, report.deleted)
      const orphans = yield* truthOrphans(erp)
      assert.isAbove(orphans.size, 0)
      const customers = yield* erp.sync("customers", "reconcile")
      assert.strictEqual(customers.counts.deleted, 12)
      assert.isTrue(sameSet(yield* keysWhere("customers", "_deleted"), gone))

      const refresh = yield* erp.sync("orders", "full-refresh")
      assert.deepInclude(refresh.counts, { deleted: 0, failed: 0, orphaned: orphans.size })
      assert.strictEqual(refresh.pending, orphans.size)
      const parked = yield* pendingChildStore.listPendingChildren({
        connectorId: "erp",
        entity: "orders",
        limit: 10_000
      })
      assert.isTrue(sameSet(new Set(parked.map((child) => child.bkHash)), orphans), "exactly the orphans are parked")
      // Unchanged since the first sync, the parked orders are still live: the table equals the truth.
      yield* assertTableIsTruth(erp, "orders")
      assert.strictEqual((yield* keysWhere("orders", "_deleted")).size, 0)
      assert.strictEqual((yield* keysWhere("orders", "_parent_missing")).size, 0)

      // Back to keep: the next listing flags the orphans and drops their parked copies, which can
      // then never be written over a newer row.
      yield* manifestStore.updateEntitySettings("erp", "orders", { orphans: "keep" })
      const kept = yield* erp.sync("orders", "full-refresh")
      assert.deepInclude(kept.counts, { deleted: 0, failed: 0, orphaned: orphans.size })
      assert.strictEqual(
        (yield* pendingChildStore.listPendingChildren({ connectorId: "erp", entity: "orders" })).length,
        0
      )
      assert.isTrue(sameSet(yield* keysWhere("orders", "_parent_missing"), orphans), "flagged once kept")
      yield* assertTableIsTruth(erp, "orders")

      const lines = yield* erp.sync("order_lines", "reconcile")
      assert.strictEqual(lines.counts.deleted, 0)
      yield* assertTableIsTruth(erp, "order_lines")
    }).pipe(Effect.scoped)
  )
})

const ServedPage = Schema.Struct({
  rows: Schema.Array(
    Schema.Struct({
      oracle_keys: Schema.Record(Schema.String, Schema.Unknown),
      row_version: Schema.String,
      data: Schema.Record(Schema.String, Schema.Unknown)
    })
  ),
  has_more: Schema.Boolean
})

/**
 * The records of an entity as the fake serves them over HTTP (each row's `data`, its `row_version` as
 * `_row_version` and its `oracle_keys` as `_oracle_keys`, the adapter's raw record), by the
 * business-key hash of the truth's order line with the same order and line number.
 */
const servedRecords = Effect.fnUntraced(function* (fake: FakeErp.FakeErp, lines: EntityManifest) {
  const keys = new Map(
    (yield* truthRows(fake, lines)).map((row) => [`${row.values.order_no}|${row.values.line_no}`, row.key])
  )
  const token = Redacted.value(yield* fake.mintToken())
  const records = new Map<string, Readonly<Record<string, unknown>>>()
  for (let page = 1; ; page++) {
    const body = yield* Effect.promise(() =>
      fetch(`${fake.baseUrl}/api/v1/data/${lines.entity}?page=${page}&page_size=1000`, {
        headers: { authorization: `Bearer ${token}` }
      }).then((response) => response.json())
    ).pipe(Effect.flatMap(Schema.decodeUnknownEffect(ServedPage)), Effect.orDie)
    for (const row of body.rows) {
      const key = keys.get(`${row.oracle_keys.ORDER_NO}|${row.oracle_keys.LINE_NO}`)
      assert.isDefined(key, `truth has ${JSON.stringify(row.oracle_keys)}`)
      records.set(key ?? "", { ...row.data, _row_version: row.row_version, _oracle_keys: row.oracle_keys })
    }
    if (!body.has_more) return records
  }
})

layer(engineLayer, { timeout: 60_000 })("orphans park: attempts used up", (it) => {
  it.effect("a parked child that used its attempts becomes a failed record that a retry writes", () =>
    Effect.gen(function* () {
      const connectorStore = yield* ConnectorStore
      const manifestStore = yield* ManifestStore
      const failedRecordStore = yield* FailedRecordStore
      const pendingChildStore = yield* PendingChildStore
      const engine = yield* SyncEngine
      const { fake, adapter, manifests, manifest } = yield* fakeErp({ seed: 34, rows: { customers: 20, orders: 40 } })
      yield* connectorStore.createConnector({ id: "erp", adapter: "apismith", name: "ERP" })
      yield* manifestStore.saveManifests("erp", manifests)
      yield* manifestStore.updateEntitySettings("erp", "order_lines", { orphans: "park" })
      const lines = manifest("order_lines")
      const early = yield* engine.syncEntity({
        connectorId: "erp",
        adapter,
        manifest: lines,
        manifests,
        stages: apiSmithStages
      })
      const expected = yield* expectedIdentities(fake, lines)
      assert.strictEqual(early.pending, expected.size)
      assert.strictEqual((yield* storedIdentities("order_lines")).size, 0)
      const served = yield* servedRecords(fake, lines)
      assert.isAbove(served.size, 0)
      assert.strictEqual(served.size, expected.size)

      // Five attempts while the orders are missing, then the move to the failed records.
      for (let attempt = 0; attempt < 6; attempt++) {
        yield* TestClock.adjust("1 hour")
        yield* engine.retryPendingChildren("erp", lines, manifests)
      }
      assert.strictEqual(
        (yield* pendingChildStore.listPendingChildren({ connectorId: "erp", entity: "order_lines" })).length,
        0
      )
      const failed = yield* failedRecordStore.listFailedRecords({
        connectorId: "erp",
        entity: "order_lines",
        limit: 10_000
      })
      assert.strictEqual(failed.length, expected.size)
      for (const record of failed) {
        assert.strictEqual(record.stage, "resolve")
        assert.strictEqual(record.errorType, "ParentNotFound")
        assert.isNotNull(record.mappedData)
        // The record as the fake served it over HTTP, like the raw data of any failed record.
        assert.isNotNull(record.businessKey)
        assert.deepStrictEqual<unknown>(
          record.rawData,
          served.get(record.businessKey ?? ""),
          `raw data of ${record.businessKey}`
        )
      }

      // The orders arrive; the failed records' retry runs their raw data through the stages and writes the lines.
      yield* syncInOrder({
        connectorId: "erp",
        adapter,
        entities: ["customers", "orders"],
        stages: apiSmithStages
      })
      // Without the mapped rows they kept, only their raw data can write them.
      const sql = yield* SqlClient.SqlClient
      yield* sql.unsafe("UPDATE syncflow.failed_records SET mapped_data = NULL WHERE entity = 'order_lines'")
      yield* TestClock.adjust("1 hour")
      const retried = yield* engine.retryFailedRecords({
        connectorId: "erp",
        manifest: lines,
        manifests,
        stages: apiSmithStages
      })
      assert.deepStrictEqual(retried, { resolved: expected.size, stillWaiting: 0, movedToFailed: 0, stale: 0 })
      assert.deepStrictEqual(yield* storedIdentities("order_lines"), expected)
      assert.strictEqual(
        (yield* failedRecordStore.listFailedRecords({ connectorId: "erp", entity: "order_lines" })).length,
        0
      )
    }).pipe(Effect.scoped)
  )
})
