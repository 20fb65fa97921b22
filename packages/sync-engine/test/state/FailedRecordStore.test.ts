/**
 * The FailedRecordStore on a real PostgreSQL: failed records recorded in batches, listed, and
 * retried with backoff at most 3 times by workers that never take the same record. Times come from
 * the TestClock.
 */
import { assert, layer } from "@effect/vitest"
import { Clock, DateTime, Effect } from "effect"
import { TestClock } from "effect/testing"
import type { NewFailedRecord } from "../../src/state/FailedRecord.ts"
import { FailedRecordStore } from "../../src/state/FailedRecordStore.ts"
import { RunStore } from "../../src/state/RunStore.ts"
import { seconds, stateStoresLayer, testConnector } from "./fixtures.ts"

/** The TestClock's time in epoch milliseconds (tests sharing a layer share its clock). */
const clockNow = Clock.currentTimeMillis

layer(stateStoresLayer())("FailedRecordStore", (it) => {
  it.effect("records failed records in batches, lists them, and retries them with backoff at most 3 times", () =>
    Effect.gen(function* () {
      const runStore = yield* RunStore
      const failedRecordStore = yield* FailedRecordStore
      const { id } = yield* testConnector("failed")
      const t0 = yield* clockNow
      const run = yield* runStore.startRun({ connectorId: id, entity: "items", mode: "full" })
      const records: Array<NewFailedRecord> = Array.from({ length: 2500 }, (_, i) => ({
        connectorId: id,
        entity: "items",
        runId: run.id,
        stage: i % 2 === 0 ? "validate" : "ingest",
        errorType: i % 2 === 0 ? "RequiredFieldMissing" : "InvalidValue",
        message: `row ${i} is bad`,
        raw: { PART_NO: ` P-${i} `, LIST_PRICE: "1,000.50" },
        normalized: { part_no: `P-${i}`, list_price: 1000.5, big: 12345678901234567890n },
        mapped: i % 2 === 0 ? null : { item_number: `P-${i}` },
        businessKey: `item_number=P-${i}`
      }))
      assert.strictEqual(yield* failedRecordStore.recordFailedRecords(records), 2500)
      assert.strictEqual(yield* failedRecordStore.recordFailedRecords([]), 0)

      const first = yield* failedRecordStore.listFailedRecords({ connectorId: id, limit: 2 })
      assert.strictEqual(first.length, 2)
      const one = first[1]!
      assert.deepStrictEqual(
        {
          runId: one.runId,
          stage: one.stage,
          errorType: one.errorType,
          message: one.message,
          rawData: one.rawData,
          normalizedData: one.normalizedData,
          mappedData: one.mappedData,
          businessKey: one.businessKey,
          attempts: one.attempts,
          nextAttemptAt: one.nextAttemptAt === null ? null : DateTime.toEpochMillis(one.nextAttemptAt),
          resolvedAt: one.resolvedAt
        },
        {
          runId: run.id,
          stage: "ingest",
          errorType: "InvalidValue",
          message: "row 1 is bad",
          rawData: { PART_NO: " P-1 ", LIST_PRICE: "1,000.50" },
          normalizedData: { part_no: "P-1", list_price: 1000.5, big: "12345678901234567890" },
          mappedData: { item_number: "P-1" },
          businessKey: "item_number=P-1",
          attempts: 0,
          nextAttemptAt: t0 + seconds(60),
          resolvedAt: null
        }
      )
      assert.strictEqual(first[0]!.mappedData, null)
      const page = yield* failedRecordStore.listFailedRecords({ connectorId: id, afterId: first[1]!.id, limit: 10_000 })
      assert.strictEqual(page.length, 2498)
      assert.strictEqual(
        (yield* failedRecordStore.listFailedRecords({ connectorId: id, runId: run.id, limit: 10_000 })).length,
        2500
      )

      // Filtered by stage and reason (error type), and across connectors.
      const byStage = yield* failedRecordStore.listFailedRecords({ connectorId: id, stage: "validate", limit: 10_000 })
      assert.strictEqual(byStage.length, 1250)
      assert.isTrue(byStage.every((record) => record.errorType === "RequiredFieldMissing"))
      const byReason = yield* failedRecordStore.listFailedRecords({ errorType: "InvalidValue", limit: 10_000 })
      assert.strictEqual(byReason.filter((record) => record.connectorId === id).length, 1250)
      assert.strictEqual(
        (yield* failedRecordStore.listFailedRecords({ connectorId: id, stage: "ingest", errorType: "Other" })).length,
        0
      )

      const take = () => failedRecordStore.takeDueFailedRecords({ connectorId: id, entity: "items", limit: 10_000 })
      const attemptsOf = (taken: ReadonlyArray<{ readonly attempts: number }>) => [
        ...new Set(taken.map((r) => r.attempts))
      ]

      assert.strictEqual((yield* take()).length, 0)
      yield* TestClock.adjust(seconds(59))
      assert.strictEqual((yield* take()).length, 0)
      yield* TestClock.adjust(seconds(1)) // t = 60 s: first retry
      const firstRetry = yield* take()
      assert.strictEqual(firstRetry.length, 2500)
      assert.deepStrictEqual(attemptsOf(firstRetry), [1])
      assert.strictEqual(DateTime.toEpochMillis(firstRetry[0]!.nextAttemptAt!), t0 + seconds(60 + 120))
      assert.strictEqual((yield* take()).length, 0)

      // Half of them succeed on the first retry.
      const resolved = firstRetry.filter((_, i) => i % 2 === 0).map((record) => record.id)
      assert.strictEqual(yield* failedRecordStore.resolveFailedRecords(resolved), 1250)
      assert.strictEqual(yield* failedRecordStore.resolveFailedRecords(resolved), 0)

      yield* TestClock.adjust(seconds(119))
      assert.strictEqual((yield* take()).length, 0)
      yield* TestClock.adjust(seconds(1)) // t = 180 s: second retry
      const secondRetry = yield* take()
      assert.strictEqual(secondRetry.length, 1250)
      assert.deepStrictEqual(attemptsOf(secondRetry), [2])

      yield* TestClock.adjust(seconds(239))
      assert.strictEqual((yield* take()).length, 0)
      yield* TestClock.adjust(seconds(1)) // t = 420 s: third and last retry
      const thirdRetry = yield* take()
      assert.strictEqual(thirdRetry.length, 1250)
      assert.deepStrictEqual(attemptsOf(thirdRetry), [3])
      assert.isTrue(thirdRetry.every((record) => record.nextAttemptAt === null))

      yield* TestClock.adjust(seconds(86_400))
      assert.strictEqual((yield* take()).length, 0)
      const unresolved = yield* failedRecordStore.listFailedRecords({ connectorId: id, limit: 10_000 })
      assert.strictEqual(unresolved.length, 1250)
      assert.strictEqual(
        (yield* failedRecordStore.listFailedRecords({ connectorId: id, includeResolved: true, limit: 10_000 })).length,
        2500
      )
    })
  )

  it.effect("concurrent retry workers take distinct failed records", () =>
    Effect.gen(function* () {
      const failedRecordStore = yield* FailedRecordStore
      const { id } = yield* testConnector("failed-concurrent")
      yield* failedRecordStore.recordFailedRecords(
        Array.from({ length: 200 }, (_, i) => ({
          connectorId: id,
          entity: "items",
          stage: "ingest" as const,
          errorType: "Conflict",
          message: `row ${i}`
        }))
      )
      yield* TestClock.adjust(seconds(60))
      const taken = yield* Effect.all(
        Array.from({ length: 4 }, () => failedRecordStore.takeDueFailedRecords({ connectorId: id, limit: 60 })),
        { concurrency: 4 }
      )
      const ids = taken.flatMap((batch) => batch.map((record) => record.id))
      assert.strictEqual(ids.length, 200)
      assert.strictEqual(new Set(ids).size, 200)
    })
  )
})

layer(stateStoresLayer({ batchSize: 2 }))("FailedRecordStore with small batches", (it) => {
  it.effect("records failed records across several statements", () =>
    Effect.gen(function* () {
      const failedRecordStore = yield* FailedRecordStore
      const { id } = yield* testConnector("batches")
      yield* failedRecordStore.recordFailedRecords(
        Array.from({ length: 5 }, (_, i) => ({
          connectorId: id,
          entity: "items",
          stage: "map" as const,
          errorType: "X",
          message: `m${i}`
        }))
      )
      assert.deepStrictEqual(
        (yield* failedRecordStore.listFailedRecords({ connectorId: id })).map((row) => row.message),
        ["m0", "m1", "m2", "m3", "m4"]
      )
    })
  )
})
