/**
 * The PendingChildStore on a real PostgreSQL: children parked for a missing parent, retried with
 * backoff at most 5 times, then moved to the failed records. Times come from the TestClock.
 */
import { assert, layer } from "@effect/vitest"
import { Effect } from "effect"
import { TestClock } from "effect/testing"
import { FailedRecordStore } from "../../src/state/FailedRecordStore.ts"
import { PendingChildStore } from "../../src/state/PendingChildStore.ts"
import { RunStore } from "../../src/state/RunStore.ts"
import { seconds, stateStoresLayer, testConnector } from "./fixtures.ts"

layer(stateStoresLayer())("PendingChildStore", (it) => {
  it.effect("retries pending children with backoff at most 5 times, then moves them to the failed records", () =>
    Effect.gen(function* () {
      const runStore = yield* RunStore
      const failedRecordStore = yield* FailedRecordStore
      const pendingChildStore = yield* PendingChildStore
      const { id } = yield* testConnector("pending")
      const run = yield* runStore.startRun({ connectorId: id, entity: "order_lines", mode: "hash" })
      const child = (n: number, parent: string, row: unknown) => ({
        connectorId: id,
        entity: "order_lines",
        bkHash: `line-${n}`,
        parentEntity: "orders",
        parentBkHash: parent,
        row,
        runId: run.id
      })
      yield* pendingChildStore.enqueuePendingChildren([
        child(1, "order-a", { line_no: 1 }),
        child(2, "order-a", { line_no: 2 }),
        child(3, "order-b", { line_no: 3 }),
        // The same child twice in a batch: the last one wins.
        child(3, "order-c", { line_no: 3, qty: 5n })
      ])
      const waiting = yield* pendingChildStore.pendingChildrenOf(id, "orders", ["order-a", "order-c"])
      assert.deepStrictEqual(
        waiting.map((row) => [row.bkHash, row.parentBkHash, row.row]),
        [
          ["line-1", "order-a", { line_no: 1 }],
          ["line-2", "order-a", { line_no: 2 }],
          ["line-3", "order-c", { line_no: 3, qty: "5" }]
        ]
      )

      const take = () => pendingChildStore.takeDuePendingChildren({ connectorId: id, entity: "order_lines" })
      const attempt = (expected: number) =>
        Effect.gen(function* () {
          const { due, movedToFailed } = yield* take()
          assert.strictEqual(movedToFailed, 0)
          assert.deepStrictEqual(
            due.map((row) => [row.bkHash, row.attempts]).sort(),
            ["line-1", "line-2", "line-3"].filter((_, i) => expected < 3 || i !== 1).map((bk) => [bk, expected])
          )
        })

      // The first attempt is due at once; then 60 s, 120 s, 240 s, 480 s apart.
      yield* attempt(1)
      assert.strictEqual((yield* take()).due.length, 0)
      yield* TestClock.adjust(seconds(59))
      assert.strictEqual((yield* take()).due.length, 0)
      yield* TestClock.adjust(seconds(1))
      yield* attempt(2)
      // line-2's parent arrived: it is resolved and removed.
      assert.strictEqual(yield* pendingChildStore.removePendingChildren(id, "order_lines", ["line-2"]), 1)
      // line-1 is seen again in a later window: its row is replaced, its attempts kept.
      yield* pendingChildStore.enqueuePendingChildren([
        { ...child(1, "order-a", { line_no: 1, qty: 9 }), lastError: "still no order-a" }
      ])
      yield* TestClock.adjust(seconds(120))
      yield* attempt(3)
      yield* TestClock.adjust(seconds(240))
      yield* attempt(4)
      yield* TestClock.adjust(seconds(480))
      yield* attempt(5)
      yield* TestClock.adjust(seconds(959))
      assert.deepStrictEqual(yield* take(), { due: [], movedToFailed: 0 })
      yield* TestClock.adjust(seconds(1))
      const last = yield* take()
      assert.deepStrictEqual(last, { due: [], movedToFailed: 2 })
      assert.deepStrictEqual(yield* pendingChildStore.pendingChildrenOf(id, "orders", ["order-a", "order-c"]), [])

      const failed = yield* failedRecordStore.listFailedRecords({ connectorId: id, entity: "order_lines" })
      assert.deepStrictEqual(
        failed
          .map((row) => [row.stage, row.errorType, row.businessKey, row.message, row.mappedData, row.runId])
          .sort((a, b) => String(a[2]).localeCompare(String(b[2]))),
        [
          [
            "resolve",
            "ParentNotFound",
            "line-1",
            "Parent orders order-a not found after 5 attempts: still no order-a",
            { line_no: 1, qty: 9 },
            run.id
          ],
          [
            "resolve",
            "ParentNotFound",
            "line-3",
            "Parent orders order-c not found after 5 attempts",
            { line_no: 3, qty: "5" },
            run.id
          ]
        ]
      )
    })
  )
})

layer(stateStoresLayer())("PendingChildStore by hand", (it) => {
  it.effect("lists children across connectors by parent entity; a requeued child is due at once", () =>
    Effect.gen(function* () {
      const pendingChildStore = yield* PendingChildStore
      const { id } = yield* testConnector("pending-by-hand")
      const child = (n: number, parentEntity: string) => ({
        connectorId: id,
        entity: "order_lines",
        bkHash: `line-${n}`,
        parentEntity,
        parentBkHash: `parent-${n}`,
        row: { line_no: n },
        runId: null
      })
      yield* pendingChildStore.enqueuePendingChildren([child(1, "orders"), child(2, "items"), child(3, "orders")])
      const take = () => pendingChildStore.takeDuePendingChildren({ connectorId: id, entity: "order_lines" })
      assert.strictEqual((yield* take()).due.length, 3)
      assert.strictEqual((yield* take()).due.length, 0)

      const ofOrders = yield* pendingChildStore.listPendingChildren({ parentEntity: "orders", limit: 10_000 })
      assert.deepStrictEqual(
        ofOrders
          .filter((row) => row.connectorId === id)
          .map((row) => row.bkHash)
          .sort(),
        ["line-1", "line-3"]
      )
      assert.strictEqual(yield* pendingChildStore.requeuePendingChildren(id, "order_lines", ["line-1", "line-9"]), 1)
      assert.deepStrictEqual(
        (yield* take()).due.map((row) => [row.bkHash, row.attempts]),
        [["line-1", 2]]
      )
      assert.strictEqual((yield* take()).due.length, 0)
    })
  )
})

layer(stateStoresLayer({ batchSize: 2 }))("PendingChildStore with small batches", (it) => {
  it.effect("enqueues pending children across several statements", () =>
    Effect.gen(function* () {
      const pendingChildStore = yield* PendingChildStore
      const { id } = yield* testConnector("batches")
      yield* pendingChildStore.enqueuePendingChildren(
        Array.from({ length: 5 }, (_, i) => ({
          connectorId: id,
          entity: "lines",
          bkHash: `c${i}`,
          parentEntity: "orders",
          parentBkHash: "p",
          row: { i }
        }))
      )
      assert.strictEqual((yield* pendingChildStore.pendingChildrenOf(id, "orders", ["p"])).length, 5)
    })
  )
})
