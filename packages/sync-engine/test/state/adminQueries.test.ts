/**
 * The state stores' queries behind the admin API: runs across connectors with filters, one failed
 * record, a manual retry or discard, and the list of pending children.
 */
import { assert, layer } from "@effect/vitest"
import { Effect, Option } from "effect"
import { TestClock } from "effect/testing"
import { ConnectorStore } from "../../src/state/ConnectorStore.ts"
import { FailedRecordStore } from "../../src/state/FailedRecordStore.ts"
import { PendingChildStore } from "../../src/state/PendingChildStore.ts"
import { RunStore } from "../../src/state/RunStore.ts"
import { stateStoresLayer } from "./fixtures.ts"

layer(stateStoresLayer())("the state stores' admin queries", (it) => {
  it.effect("searches runs across connectors by connector, entity and status, newest first", () =>
    Effect.gen(function* () {
      const connectorStore = yield* ConnectorStore
      const runStore = yield* RunStore
      yield* connectorStore.createConnector({ id: "a", adapter: "apismith", name: "A" })
      yield* connectorStore.createConnector({ id: "b", adapter: "pco", name: "B" })
      const first = yield* runStore.startRun({ connectorId: "a", entity: "items", mode: "incremental" })
      yield* TestClock.adjust("1 second")
      const second = yield* runStore.startRun({ connectorId: "b", entity: "person", mode: "incremental" })
      yield* TestClock.adjust("1 second")
      const third = yield* runStore.startRun({ connectorId: "a", entity: "orders", mode: "full-refresh" })
      yield* runStore.finishRun(first.id, { status: "failed", error: "boom" })
      yield* runStore.finishRun(third.id, { status: "succeeded" })

      const ids = (runs: ReadonlyArray<{ readonly id: string }>) => runs.map((run) => run.id)
      assert.deepStrictEqual(ids(yield* runStore.searchRuns({})), [third.id, second.id, first.id])
      assert.deepStrictEqual(ids(yield* runStore.searchRuns({ connectorId: "a" })), [third.id, first.id])
      assert.deepStrictEqual(ids(yield* runStore.searchRuns({ status: "running" })), [second.id])
      assert.deepStrictEqual(ids(yield* runStore.searchRuns({ connectorId: "a", entity: "items" })), [first.id])
      assert.deepStrictEqual(ids(yield* runStore.searchRuns({ limit: 1 })), [third.id])
      assert.deepStrictEqual(ids(yield* runStore.searchRuns({ connectorId: "nobody" })), [])
    })
  )

  it.effect("reads one failed record, requeues an exhausted one for a manual retry, and discards one", () =>
    Effect.gen(function* () {
      const connectorStore = yield* ConnectorStore
      const failedRecordStore = yield* FailedRecordStore
      yield* connectorStore.createConnector({ id: "dlq", adapter: "apismith", name: "DLQ" })
      yield* failedRecordStore.recordFailedRecords(
        ["x", "y"].map((key) => ({
          connectorId: "dlq",
          entity: "items",
          stage: "validate" as const,
          errorType: "RequiredFieldMissing",
          message: `${key} has no name`,
          raw: { key }
        }))
      )
      const [x, y] = yield* failedRecordStore.listFailedRecords({ connectorId: "dlq" })
      assert.isDefined(x)
      assert.isDefined(y)
      const read = yield* failedRecordStore.getFailedRecord(x.id)
      assert.deepStrictEqual(
        Option.map(read, (record) => record.rawData),
        Option.some({ key: "x" })
      )
      assert.isTrue(Option.isNone(yield* failedRecordStore.getFailedRecord("999999")))
      assert.isTrue(Option.isNone(yield* failedRecordStore.getFailedRecord("not-an-id")))

      // Exhaust x's automatic retries: nothing is due for it any more.
      for (let attempt = 0; attempt < 3; attempt++) {
        yield* TestClock.adjust("1 hour")
        yield* failedRecordStore.takeDueFailedRecords({ connectorId: "dlq" })
      }
      yield* TestClock.adjust("1 day")
      assert.strictEqual((yield* failedRecordStore.takeDueFailedRecords({ connectorId: "dlq" })).length, 0)

      // A manual retry makes it due now, for one more attempt.
      assert.strictEqual(yield* failedRecordStore.requeueFailedRecords([x.id, "junk"]), 1)
      const due = yield* failedRecordStore.takeDueFailedRecords({ connectorId: "dlq" })
      assert.deepStrictEqual(
        due.map((record) => [record.id, record.attempts]),
        [[x.id, 3]]
      )

      assert.strictEqual(yield* failedRecordStore.discardFailedRecords([y.id]), 1)
      assert.strictEqual(yield* failedRecordStore.discardFailedRecords([y.id]), 0)
      const left = yield* failedRecordStore.listFailedRecords({ connectorId: "dlq", includeResolved: true })
      assert.deepStrictEqual(
        left.map((record) => record.id),
        [x.id]
      )
    })
  )

  it.effect("lists the children waiting for their parents, by entity", () =>
    Effect.gen(function* () {
      const connectorStore = yield* ConnectorStore
      const pendingChildStore = yield* PendingChildStore
      yield* connectorStore.createConnector({ id: "kids", adapter: "apismith", name: "Kids" })
      yield* pendingChildStore.enqueuePendingChildren([
        { connectorId: "kids", entity: "lines", bkHash: "l1", parentEntity: "orders", parentBkHash: "o1", row: {} },
        { connectorId: "kids", entity: "lines", bkHash: "l2", parentEntity: "orders", parentBkHash: "o2", row: {} },
        { connectorId: "kids", entity: "notes", bkHash: "n1", parentEntity: "orders", parentBkHash: "o1", row: {} }
      ])
      assert.strictEqual((yield* pendingChildStore.listPendingChildren({ connectorId: "kids" })).length, 3)
      const lines = yield* pendingChildStore.listPendingChildren({ connectorId: "kids", entity: "lines" })
      assert.sameMembers(
        lines.map((child) => child.bkHash),
        ["l1", "l2"]
      )
      assert.strictEqual((yield* pendingChildStore.listPendingChildren({ connectorId: "kids", limit: 1 })).length, 1)
    })
  )
})
