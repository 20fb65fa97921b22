/**
 * Stage 7 and the dead letters: children that arrive before their parents wait and are resolved
 * when the parents are synced; a bad row in a batch of 1,000 is the only one that fails.
 */
import { assert, layer } from "@effect/vitest"
import { type Adapter, Cursor, type EntityManifest, type SourceRecord } from "@syncflow/adapter-core"
import { Effect, Stream } from "effect"
import { SqlClient } from "effect/sql"
import { TestClock } from "effect/testing"
import { SyncEngine } from "../../src/pipeline/SyncEngine.ts"
import { ConnectorStore } from "../../src/state/ConnectorStore.ts"
import { FailedRecordStore } from "../../src/state/FailedRecordStore.ts"
import { PendingChildStore } from "../../src/state/PendingChildStore.ts"
import { apiSmithStages, engineLayer, fakeErp } from "./fixtures.ts"
import { syncInOrder } from "./syncInOrder.ts"

/** The rows of a table in a connector's schema. */
const count = (schema: string, table: string) =>
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const [row] = yield* sql.unsafe<{ readonly n: number }>(`SELECT count(*)::int AS n FROM "${schema}"."${table}"`)
    return row?.n ?? 0
  })

/** A tiny source of 1,000 payments, one of which carries an amount that is not a number. */
const payments: EntityManifest = {
  entity: "payments",
  endpoint: "payments.list",
  businessKey: ["payment_id"],
  deltaStrategy: "hash",
  parents: [],
  columns: [
    { name: "payment_id", type: "string", sourceType: "VARCHAR2(20)", nullable: false, businessKey: true },
    {
      name: "amount",
      type: "decimal",
      sourceType: "NUMBER(12,2)",
      nullable: false,
      businessKey: false,
      precision: 12,
      scale: 2
    }
  ]
}
const paymentRecords: ReadonlyArray<SourceRecord> = Array.from({ length: 1000 }, (_, i) => ({
  payment_id: `P-${String(i).padStart(4, "0")}`,
  amount: i === 500 ? "twelve dollars" : `${i},00`.replace(",", ".")
}))
const paymentsAdapter: Adapter = {
  name: "payments",
  manifests: Effect.succeed([payments]),
  testConnection: Effect.void,
  streamPages: () => Stream.make({ items: paymentRecords, cursor: Cursor.start, next: undefined, body: null, index: 0 })
}

layer(engineLayer, { timeout: 60_000 })("parents and failures", (it) => {
  it.effect("parked children (orphans: park) wait, then resolve when the parents arrive", () =>
    Effect.gen(function* () {
      const { fake, adapter, manifests, manifest } = yield* fakeErp({
        seed: 21,
        rows: { customers: 30, orders: 60 }
      })
      const engine = yield* SyncEngine
      const connectorStore = yield* ConnectorStore
      const pendingChildStore = yield* PendingChildStore
      yield* connectorStore.createConnector({ id: "erp", adapter: "apismith", name: "ERP" })
      const lines = manifest("order_lines")
      assert.deepStrictEqual(
        lines.parents.map((p) => p.entity),
        ["orders"]
      )

      const early = yield* engine.syncEntity({
        connectorId: "erp",
        adapter,
        manifest: lines,
        manifests,
        stages: apiSmithStages,
        orphans: "park"
      })
      const lineCount = fake.groundTruth.count("order_lines")
      assert.strictEqual(early.pending, lineCount)
      assert.strictEqual(early.counts.inserted, 0)
      assert.strictEqual(yield* count("erp", "order_lines"), 0)

      const parents = yield* syncInOrder({
        connectorId: "erp",
        adapter,
        entities: ["customers", "orders"],
        stages: apiSmithStages
      })
      assert.deepStrictEqual(
        parents.map((s) => s.entity),
        ["customers", "orders"]
      )
      assert.strictEqual(yield* count("erp", "order_lines"), lineCount)
      const waiting = yield* pendingChildStore.takeDuePendingChildren({ connectorId: "erp", entity: "order_lines" })
      assert.strictEqual(waiting.due.length, 0)
    }).pipe(Effect.scoped)
  )

  it.effect(
    "a bad row in a batch of 1,000 leaves 999 written and 1 failed record with stage, reason and raw data",
    () =>
      Effect.gen(function* () {
        const engine = yield* SyncEngine
        const connectorStore = yield* ConnectorStore
        const failedRecordStore = yield* FailedRecordStore
        yield* connectorStore.createConnector({ id: "pay", adapter: "payments", name: "Payments" })
        const summary = yield* engine.syncEntity({ connectorId: "pay", adapter: paymentsAdapter, manifest: payments })
        assert.deepInclude(summary.counts, { fetched: 1000, inserted: 999, failed: 1 })
        assert.strictEqual(yield* count("pay", "payments"), 999)
        const failed = yield* failedRecordStore.listFailedRecords({ connectorId: "pay" })
        assert.strictEqual(failed.length, 1)
        const [record] = failed
        assert.strictEqual(record?.stage, "normalize")
        assert.deepStrictEqual(record?.rawData, { payment_id: "P-0500", amount: "twelve dollars" })
        assert.include(record?.message ?? "", "amount")
        assert.strictEqual(record?.runId, summary.runId)
      })
  )
})

/** Ten notes, three without a body: invalid while a body is required. */
const notes: EntityManifest = {
  entity: "notes",
  endpoint: "notes.list",
  businessKey: ["note_id"],
  deltaStrategy: "hash",
  parents: [],
  columns: [
    { name: "note_id", type: "string", nullable: false, businessKey: true },
    { name: "body", type: "string", nullable: true, businessKey: false }
  ]
}
const noteRecords: ReadonlyArray<SourceRecord> = Array.from({ length: 10 }, (_, i) => ({
  note_id: `N-${i}`,
  body: i % 4 === 1 ? null : `note ${i}`
}))
const notesAdapter: Adapter = {
  name: "notes",
  manifests: Effect.succeed([notes]),
  testConnection: Effect.void,
  streamPages: () => Stream.make({ items: noteRecords, cursor: Cursor.start, next: undefined, body: null, index: 0 })
}

layer(engineLayer, { timeout: 60_000 })("retrying failed records", (it) => {
  it.effect("due records are retried with backoff through today's configuration, at most 3 times", () =>
    Effect.gen(function* () {
      const engine = yield* SyncEngine
      const connectorStore = yield* ConnectorStore
      yield* connectorStore.createConnector({ id: "notes", adapter: "notes", name: "Notes" })
      const strict = { required: ["body"] }
      const synced = yield* engine.syncEntity({
        connectorId: "notes",
        adapter: notesAdapter,
        manifest: notes,
        stages: strict
      })
      assert.deepInclude(synced.counts, { inserted: 7, failed: 3 })

      // Not due yet: the first retry waits its backoff.
      const early = yield* engine.retryFailedRecords({ connectorId: "notes", manifest: notes })
      assert.deepStrictEqual(early, { resolved: 0, stillWaiting: 0, movedToFailed: 0, stale: 0 })

      // Still strict: retried, still failing, three times; then they are left for a human.
      for (let attempt = 1; attempt <= 3; attempt++) {
        yield* TestClock.adjust("10 minutes")
        const again = yield* engine.retryFailedRecords({ connectorId: "notes", manifest: notes, stages: strict })
        assert.deepStrictEqual(
          again,
          { resolved: 0, stillWaiting: 3, movedToFailed: 0, stale: 0 },
          `attempt ${attempt}`
        )
      }
      yield* TestClock.adjust("1 hour")
      const exhausted = yield* engine.retryFailedRecords({ connectorId: "notes", manifest: notes })
      assert.deepStrictEqual(exhausted, { resolved: 0, stillWaiting: 0, movedToFailed: 0, stale: 0 })
      assert.strictEqual(yield* count("notes", "notes"), 7)
    })
  )

  it.effect("a record fixed by a relaxed configuration is written and marked resolved", () =>
    Effect.gen(function* () {
      const engine = yield* SyncEngine
      const connectorStore = yield* ConnectorStore
      const failedRecordStore = yield* FailedRecordStore
      yield* connectorStore.createConnector({ id: "notes2", adapter: "notes", name: "Notes 2" })
      const manifest = { ...notes, entity: "notes2" }
      yield* engine.syncEntity({
        connectorId: "notes2",
        adapter: notesAdapter,
        manifest,
        stages: { required: ["body"] }
      })
      yield* TestClock.adjust("10 minutes")
      const retried = yield* engine.retryFailedRecords({ connectorId: "notes2", manifest })
      assert.deepStrictEqual(retried, { resolved: 3, stillWaiting: 0, movedToFailed: 0, stale: 0 })
      assert.strictEqual(yield* count("notes2", "notes2"), 10)
      assert.strictEqual((yield* failedRecordStore.listFailedRecords({ connectorId: "notes2" })).length, 0)
      const all = yield* failedRecordStore.listFailedRecords({ connectorId: "notes2", includeResolved: true })
      assert.strictEqual(all.length, 3)
      for (const record of all) assert.isNotNull(record.resolvedAt)
    })
  )
})
