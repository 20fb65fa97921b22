/**
 * Stage 7 and the dead letters: children that arrive before their parents wait and are resolved
 * when the parents are synced; a bad row in a batch of 1,000 is the only one that fails.
 */
import { assert, layer } from "@effect/vitest"
import { type Adapter, Cursor, type EntityManifest, type SourceRecord } from "@syncflow/adapter-core"
import { Effect, Stream } from "effect"
import { SqlClient } from "effect/sql"
import { SyncEngine } from "../../src/pipeline/SyncEngine.ts"
import { StateStore } from "../../src/state/StateStore.ts"
import { apiSmithStages, engineLayer, fakeErp } from "./fixtures.ts"

const count = (table: string) =>
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const [row] = yield* sql.unsafe<{ readonly n: number }>(`SELECT count(*)::int AS n FROM public."${table}"`)
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
  it.effect("children synced before their parents wait, then resolve when the parents arrive", () =>
    Effect.gen(function* () {
      const { fake, adapter, manifests, manifest } = yield* fakeErp({
        seed: 21,
        rows: { customers: 30, orders: 60 }
      })
      const engine = yield* SyncEngine
      const state = yield* StateStore
      yield* state.createConnector({ id: "erp", adapter: "apismith", name: "ERP" })
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
        stages: apiSmithStages
      })
      const lineCount = fake.groundTruth.count("order_lines")
      assert.strictEqual(early.pending, lineCount)
      assert.strictEqual(early.counts.inserted, 0)
      assert.strictEqual(yield* count("order_lines"), 0)

      const parents = yield* engine.syncConnector({
        connectorId: "erp",
        adapter,
        entities: ["customers", "orders"],
        stages: () => apiSmithStages
      })
      assert.deepStrictEqual(
        parents.map((s) => s.entity),
        ["customers", "orders"]
      )
      assert.strictEqual(yield* count("order_lines"), lineCount)
      const waiting = yield* state.takeDuePendingChildren({ connectorId: "erp", entity: "order_lines" })
      assert.strictEqual(waiting.due.length, 0)
    }).pipe(Effect.scoped)
  )

  it.effect(
    "a bad row in a batch of 1,000 leaves 999 written and 1 failed record with stage, reason and raw data",
    () =>
      Effect.gen(function* () {
        const engine = yield* SyncEngine
        const state = yield* StateStore
        yield* state.createConnector({ id: "pay", adapter: "payments", name: "Payments" })
        const summary = yield* engine.syncEntity({ connectorId: "pay", adapter: paymentsAdapter, manifest: payments })
        assert.deepInclude(summary.counts, { fetched: 1000, inserted: 999, failed: 1 })
        assert.strictEqual(yield* count("payments"), 999)
        const failed = yield* state.listFailedRecords({ connectorId: "pay" })
        assert.strictEqual(failed.length, 1)
        const [record] = failed
        assert.strictEqual(record?.stage, "normalize")
        assert.deepStrictEqual(record?.rawData, { payment_id: "P-0500", amount: "twelve dollars" })
        assert.include(record?.message ?? "", "amount")
        assert.strictEqual(record?.runId, summary.runId)
      })
  )
})
