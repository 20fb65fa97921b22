/**
 * The StateStore on a real PostgreSQL: connectors and their sealed credentials, manifests,
 * checkpoints, runs and their counts, failed records with retry backoff, pending children with
 * backoff and their move to the failed records. Times come from the TestClock.
 */
import { assert, layer } from "@effect/vitest"
import { Bearer, type EntityManifest } from "@syncflow/adapter-core"
import { Clock, DateTime, Effect, Exit, Option, Redacted } from "effect"
import { SqlClient } from "effect/sql"
import { TestClock } from "effect/testing"
import type { NewFailedRecord } from "../../src/state/FailedRecord.ts"
import { StateStore } from "../../src/state/StateStore.ts"
import { stateStoreLayer } from "./fixtures.ts"

const items: EntityManifest = {
  entity: "items",
  description: "Product master data",
  endpoint: "items.list",
  businessKey: ["item_number"],
  cursorField: "rowversion",
  deltaStrategy: "rowversion",
  parents: [],
  columns: [
    { name: "item_number", type: "string", nullable: false, businessKey: true, sourceType: "VARCHAR2(50)", length: 50 },
    { name: "list_price", type: "decimal", nullable: true, businessKey: false, precision: 12, scale: 2 }
  ]
}

const orderLines: EntityManifest = {
  entity: "order_lines",
  endpoint: "order_lines.list",
  businessKey: ["order_no", "line_no"],
  deltaStrategy: "hash",
  parents: [{ entity: "orders", foreignKey: ["order_no"] }]
}

const seconds = (n: number) => n * 1000

/** The TestClock's time in epoch milliseconds (tests sharing a layer share its clock). */
const clockNow = Clock.currentTimeMillis

/** A connector to hang state on; each test uses its own. */
const connector = (name: string) => StateStore.use((state) => state.createConnector({ adapter: "apismith", name }))

layer(stateStoreLayer())("StateStore", (it) => {
  it.effect("creates, reads, updates and deletes connectors; credentials are sealed at rest", () =>
    Effect.gen(function* () {
      const state = yield* StateStore
      const sql = yield* SqlClient.SqlClient
      const created = yield* state.createConnector({
        adapter: "apismith",
        name: "erp",
        config: { baseUrl: "http://127.0.0.1:8007", pageSize: 1000 },
        credentials: new Bearer({ token: Redacted.make("s3cret-service-token") })
      })
      assert.strictEqual(created.name, "erp")
      assert.isTrue(created.hasCredentials)
      assert.deepStrictEqual(created.config, { baseUrl: "http://127.0.0.1:8007", pageSize: 1000 })
      assert.deepStrictEqual(yield* state.getConnector(created.id), Option.some(created))

      const [stored] = yield* sql<{ readonly credentials: Uint8Array }>`
        SELECT credentials FROM syncflow.connectors WHERE id = ${created.id}`
      assert.isFalse(Buffer.from(stored!.credentials).toString("latin1").includes("s3cret-service-token"))

      const credentials = yield* state.getCredentials(created.id)
      assert.isTrue(Option.isSome(credentials))
      const bearer = Option.getOrThrow(credentials)
      assert.strictEqual(bearer._tag, "Bearer")
      assert.strictEqual(bearer._tag === "Bearer" ? Redacted.value(bearer.token) : "", "s3cret-service-token")

      yield* TestClock.adjust(seconds(5))
      const renamed = yield* state.updateConnector(created.id, { name: "erp-main", credentials: null })
      assert.strictEqual(renamed.name, "erp-main")
      assert.deepStrictEqual(renamed.config, created.config)
      assert.isFalse(renamed.hasCredentials)
      assert.strictEqual(DateTime.toEpochMillis(renamed.updatedAt) - DateTime.toEpochMillis(created.updatedAt), 5000)
      assert.deepStrictEqual(yield* state.getCredentials(created.id), Option.none())

      yield* state.createConnector({ id: "pco-1", adapter: "pco", name: "church" })
      const names = (yield* state.listConnectors).map((row) => row.name)
      assert.includeMembers(names, ["church", "erp-main"])

      assert.isTrue(yield* state.deleteConnector(created.id))
      assert.isFalse(yield* state.deleteConnector(created.id))
      assert.deepStrictEqual(yield* state.getConnector(created.id), Option.none())
      const missing = yield* Effect.flip(state.updateConnector(created.id, { name: "x" }))
      assert.strictEqual(missing._tag, "ConnectorNotFound")
      const duplicate = yield* Effect.exit(state.createConnector({ id: "pco-1", adapter: "pco", name: "other" }))
      assert.isTrue(Exit.isFailure(duplicate))
    })
  )

  it.effect("round-trips discovered manifests and replaces them on rediscovery", () =>
    Effect.gen(function* () {
      const state = yield* StateStore
      const { id } = yield* connector("manifests")
      const t0 = yield* clockNow
      yield* TestClock.adjust(seconds(10))
      yield* state.saveManifests(id, [items, orderLines])
      const found = yield* state.getManifest(id, "items")
      assert.isTrue(Option.isSome(found))
      const entity = Option.getOrThrow(found)
      assert.deepStrictEqual(entity.manifest, items)
      assert.strictEqual(DateTime.toEpochMillis(entity.discoveredAt), t0 + seconds(10))

      const changed: EntityManifest = {
        ...items,
        columns: [...(items.columns ?? []), { name: "uom", type: "string", nullable: true, businessKey: false }]
      }
      yield* state.saveManifests(id, [changed])
      const all = yield* state.listManifests(id)
      assert.deepStrictEqual(
        all.map((row) => row.manifest),
        [changed, orderLines]
      )
      assert.deepStrictEqual(yield* state.getManifest(id, "nope"), Option.none())
    })
  )

  it.effect(
    "keeps each entity's sync settings, defaulting to enabled, every 5 minutes, incremental, reconciled daily",
    () =>
      Effect.gen(function* () {
        const state = yield* StateStore
        const { id } = yield* connector("settings")
        yield* state.saveManifests(id, [items, orderLines])
        const fresh = Option.getOrThrow(yield* state.getManifest(id, "items"))
        assert.deepStrictEqual(fresh.settings, {
          enabled: true,
          intervalSeconds: 300,
          cron: null,
          mode: "incremental",
          reconcileIntervalSeconds: 86_400,
          reconcileCron: null,
          orphans: "keep",
          targetTable: null
        })

        const updated = yield* state.updateEntitySettings(id, "items", { intervalSeconds: 60, cron: "*/2 * * * *" })
        assert.deepStrictEqual(Option.getOrThrow(updated).settings, {
          enabled: true,
          intervalSeconds: 60,
          cron: "*/2 * * * *",
          mode: "incremental",
          reconcileIntervalSeconds: 86_400,
          reconcileCron: null,
          orphans: "keep",
          targetTable: null
        })
        // The reconciliation schedule: a cron replaces the interval; both null switch it off.
        const nightly = yield* state.updateEntitySettings(id, "items", { reconcileCron: "0 3 * * *" })
        assert.deepInclude(Option.getOrThrow(nightly).settings, {
          reconcileIntervalSeconds: 86_400,
          reconcileCron: "0 3 * * *"
        })
        const off = yield* state.updateEntitySettings(id, "items", {
          reconcileIntervalSeconds: null,
          reconcileCron: null
        })
        assert.deepInclude(Option.getOrThrow(off).settings, { reconcileIntervalSeconds: null, reconcileCron: null })
        const weekly = yield* state.updateEntitySettings(id, "items", { reconcileIntervalSeconds: 604_800 })
        assert.deepInclude(Option.getOrThrow(weekly).settings, {
          reconcileIntervalSeconds: 604_800,
          reconcileCron: null
        })
        yield* state.updateEntitySettings(id, "order_lines", { enabled: false, mode: "reconcile" })
        // Rediscovery keeps the settings; `cron: null` clears the cron.
        yield* state.saveManifests(id, [items])
        const cleared = yield* state.updateEntitySettings(id, "items", { cron: null })
        assert.deepStrictEqual(Option.getOrThrow(cleared).settings.cron, null)
        assert.strictEqual(Option.getOrThrow(cleared).settings.intervalSeconds, 60)
        const enabled = (yield* state.listEnabledEntities).filter((row) => row.connectorId === id)
        assert.deepStrictEqual(
          enabled.map((row) => row.entity),
          ["items"]
        )
        assert.deepStrictEqual(yield* state.updateEntitySettings(id, "nope", { enabled: false }), Option.none())
      })
  )

  it.effect("saves, reads and clears checkpoints", () =>
    Effect.gen(function* () {
      const state = yield* StateStore
      const { id } = yield* connector("checkpoints")
      const run = yield* state.startRun({ connectorId: id, entity: "items", mode: "rowversion" })
      assert.deepStrictEqual(yield* state.getCheckpoint(id, "items"), Option.none())
      yield* state.saveCheckpoint({
        connectorId: id,
        entity: "items",
        cursor: { _tag: "Offset", offset: 2000 },
        rowVersion: "2025-12-08 10:30:00.123456",
        runId: run.id
      })
      yield* state.saveCheckpoint({ connectorId: id, entity: "orders", cursor: { _tag: "Token", token: "abc" } })
      const checkpoint = Option.getOrThrow(yield* state.getCheckpoint(id, "items"))
      assert.deepStrictEqual(checkpoint.cursor, { _tag: "Offset", offset: 2000 })
      assert.strictEqual(checkpoint.rowVersion, "2025-12-08 10:30:00.123456")
      assert.strictEqual(checkpoint.runId, run.id)

      yield* state.saveCheckpoint({ connectorId: id, entity: "items", cursor: null, rowVersion: "2025-12-09" })
      const next = Option.getOrThrow(yield* state.getCheckpoint(id, "items"))
      assert.strictEqual(next.cursor, null)
      assert.strictEqual(next.rowVersion, "2025-12-09")
      assert.strictEqual(next.runId, null)

      yield* state.clearCheckpoint(id, "items")
      assert.deepStrictEqual(yield* state.getCheckpoint(id, "items"), Option.none())
      assert.isTrue(Option.isSome(yield* state.getCheckpoint(id, "orders")))
    })
  )

  it.effect("tracks a run: counts of every stage add up, finishing records status, error and duration", () =>
    Effect.gen(function* () {
      const state = yield* StateStore
      const { id } = yield* connector("runs")
      const run = yield* state.startRun({ connectorId: id, entity: "items", mode: "hash" })
      assert.strictEqual(run.status, "running")
      assert.strictEqual(run.fetched, 0)
      assert.strictEqual(run.finishedAt, null)
      assert.deepStrictEqual(yield* state.startRun({ id: run.id, connectorId: id, entity: "items", mode: "hash" }), run)

      yield* state.addRunCounts(run.id, { fetched: 1000, normalized: 1000, validated: 998, mapped: 998, failed: 2 })
      yield* TestClock.adjust(1500)
      yield* state.addRunCounts(run.id, { fetched: 500, inserted: 50, updated: 47, unchanged: 900, deleted: 3 })
      yield* state.addRunCounts(run.id, {})
      const finished = yield* state.finishRun(run.id, { status: "failed", error: "409 Conflict on PART-7" })
      assert.deepStrictEqual(
        {
          status: finished.status,
          error: finished.error,
          durationMs: finished.durationMs,
          fetched: finished.fetched,
          normalized: finished.normalized,
          validated: finished.validated,
          mapped: finished.mapped,
          inserted: finished.inserted,
          updated: finished.updated,
          unchanged: finished.unchanged,
          deleted: finished.deleted,
          failed: finished.failed
        },
        {
          status: "failed",
          error: "409 Conflict on PART-7",
          durationMs: 1500,
          fetched: 1500,
          normalized: 1000,
          validated: 998,
          mapped: 998,
          inserted: 50,
          updated: 47,
          unchanged: 900,
          deleted: 3,
          failed: 2
        }
      )
      // Finishing again (a replayed workflow step) returns the run as it ended.
      yield* TestClock.adjust(1000)
      assert.deepStrictEqual(yield* state.finishRun(run.id, { status: "succeeded" }), finished)
      assert.deepStrictEqual(yield* state.getRun(run.id), Option.some(finished))

      const later = yield* state.startRun({ connectorId: id, entity: "items", mode: "retry" })
      const runs = yield* state.listRuns({ connectorId: id, entity: "items" })
      assert.deepStrictEqual(
        runs.map((row) => row.id),
        [later.id, run.id]
      )
      const unknown = "00000000-0000-4000-8000-00000000dead"
      assert.strictEqual((yield* Effect.flip(state.addRunCounts(unknown, { fetched: 1 })))._tag, "RunNotFound")
      assert.strictEqual((yield* Effect.flip(state.finishRun(unknown, { status: "succeeded" })))._tag, "RunNotFound")
    })
  )

  it.effect("records failed records in batches, lists them, and retries them with backoff at most 3 times", () =>
    Effect.gen(function* () {
      const state = yield* StateStore
      const { id } = yield* connector("failed")
      const t0 = yield* clockNow
      const run = yield* state.startRun({ connectorId: id, entity: "items", mode: "full" })
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
      assert.strictEqual(yield* state.recordFailedRecords(records), 2500)
      assert.strictEqual(yield* state.recordFailedRecords([]), 0)

      const first = yield* state.listFailedRecords({ connectorId: id, limit: 2 })
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
      const page = yield* state.listFailedRecords({ connectorId: id, afterId: first[1]!.id, limit: 10_000 })
      assert.strictEqual(page.length, 2498)
      assert.strictEqual(
        (yield* state.listFailedRecords({ connectorId: id, runId: run.id, limit: 10_000 })).length,
        2500
      )

      const take = () => state.takeDueFailedRecords({ connectorId: id, entity: "items", limit: 10_000 })
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
      assert.strictEqual(yield* state.resolveFailedRecords(resolved), 1250)
      assert.strictEqual(yield* state.resolveFailedRecords(resolved), 0)

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
      const unresolved = yield* state.listFailedRecords({ connectorId: id, limit: 10_000 })
      assert.strictEqual(unresolved.length, 1250)
      assert.strictEqual(
        (yield* state.listFailedRecords({ connectorId: id, includeResolved: true, limit: 10_000 })).length,
        2500
      )
    })
  )

  it.effect("concurrent retry workers take distinct failed records", () =>
    Effect.gen(function* () {
      const state = yield* StateStore
      const { id } = yield* connector("failed-concurrent")
      yield* state.recordFailedRecords(
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
        Array.from({ length: 4 }, () => state.takeDueFailedRecords({ connectorId: id, limit: 60 })),
        { concurrency: 4 }
      )
      const ids = taken.flatMap((batch) => batch.map((record) => record.id))
      assert.strictEqual(ids.length, 200)
      assert.strictEqual(new Set(ids).size, 200)
    })
  )

  it.effect("retries pending children with backoff at most 5 times, then moves them to the failed records", () =>
    Effect.gen(function* () {
      const state = yield* StateStore
      const { id } = yield* connector("pending")
      const run = yield* state.startRun({ connectorId: id, entity: "order_lines", mode: "hash" })
      const child = (n: number, parent: string, row: unknown) => ({
        connectorId: id,
        entity: "order_lines",
        bkHash: `line-${n}`,
        parentEntity: "orders",
        parentBkHash: parent,
        row,
        runId: run.id
      })
      yield* state.enqueuePendingChildren([
        child(1, "order-a", { line_no: 1 }),
        child(2, "order-a", { line_no: 2 }),
        child(3, "order-b", { line_no: 3 }),
        // The same child twice in a batch: the last one wins.
        child(3, "order-c", { line_no: 3, qty: 5n })
      ])
      const waiting = yield* state.pendingChildrenOf(id, "orders", ["order-a", "order-c"])
      assert.deepStrictEqual(
        waiting.map((row) => [row.bkHash, row.parentBkHash, row.row]),
        [
          ["line-1", "order-a", { line_no: 1 }],
          ["line-2", "order-a", { line_no: 2 }],
          ["line-3", "order-c", { line_no: 3, qty: "5" }]
        ]
      )

      const take = () => state.takeDuePendingChildren({ connectorId: id, entity: "order_lines" })
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
      assert.strictEqual(yield* state.removePendingChildren(id, "order_lines", ["line-2"]), 1)
      // line-1 is seen again in a later window: its row is replaced, its attempts kept.
      yield* state.enqueuePendingChildren([
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
      assert.deepStrictEqual(yield* state.pendingChildrenOf(id, "orders", ["order-a", "order-c"]), [])

      const failed = yield* state.listFailedRecords({ connectorId: id, entity: "order_lines" })
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

layer(stateStoreLayer({ batchSize: 2 }))("StateStore with small batches", (it) => {
  it.effect("records failed records and pending children across several statements", () =>
    Effect.gen(function* () {
      const state = yield* StateStore
      const { id } = yield* connector("batches")
      yield* state.recordFailedRecords(
        Array.from({ length: 5 }, (_, i) => ({
          connectorId: id,
          entity: "items",
          stage: "map" as const,
          errorType: "X",
          message: `m${i}`
        }))
      )
      assert.deepStrictEqual(
        (yield* state.listFailedRecords({ connectorId: id })).map((row) => row.message),
        ["m0", "m1", "m2", "m3", "m4"]
      )
      yield* state.enqueuePendingChildren(
        Array.from({ length: 5 }, (_, i) => ({
          connectorId: id,
          entity: "lines",
          bkHash: `c${i}`,
          parentEntity: "orders",
          parentBkHash: "p",
          row: { i }
        }))
      )
      assert.strictEqual((yield* state.pendingChildrenOf(id, "orders", ["p"])).length, 5)
    })
  )
})
