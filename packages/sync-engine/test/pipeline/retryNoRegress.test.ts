/**
 * Retries that never regress: a failed record is superseded when a later sync writes its key; a
 * retry writes only what is still newer than the table's row (by row version, or by the run that
 * last wrote the row), never un-deletes a row, and a one-record retry touches exactly that record.
 * Rows fail on the fake ERP's items (row versions) and customers (none) while a column is required;
 * every table is compared with the fake's ground truth.
 */
import { assert, layer } from "@effect/vitest"
import type { EntityManifest } from "@syncflow/adapter-core"
import type { FakeErp } from "@syncflow/apismith/testing"
import { Effect } from "effect"
import { SqlClient } from "effect/sql"
import { TestClock } from "effect/testing"
import { SyncEngine } from "../../src/pipeline/SyncEngine.ts"
import type { SyncMode } from "../../src/pipeline/SyncMode.ts"
import type { StagesOptions } from "../../src/stages/Stages.ts"
import { ConnectorStore } from "../../src/state/ConnectorStore.ts"
import { FailedRecordStore } from "../../src/state/FailedRecordStore.ts"
import { apiSmithStages, engineLayer, expectedIdentities, fakeErp, storedIdentities } from "./fixtures.ts"
import { keyOf, keysWhere, truthRows } from "./truthKeys.ts"

/** The stage options with `column` required: rows where it is null fail validation. */
const requiring = (column: string): StagesOptions => ({ ...apiSmithStages, required: [column] })

/** The truth's keys whose `column` is null: the rows that fail while it is required. */
const nullIn = Effect.fnUntraced(function* (fake: FakeErp.FakeErp, manifest: EntityManifest, column: string) {
  return new Set((yield* truthRows(fake, manifest)).filter((row) => row.values[column] === null).map((row) => row.key))
})

/** Reopens closed failed records (as one recorded before supersession existed would be). */
const reopen = (ids: ReadonlyArray<string>) =>
  Effect.flatMap(SqlClient.SqlClient, (sql) =>
    sql.unsafe(
      `UPDATE syncflow.failed_records SET resolved_at = NULL, resolution = NULL, attempts = 0
       WHERE id = ANY($1::text[]::bigint[])`,
      [ids]
    )
  )

/** An engine bound to one entity of the fake and connector "erp". */
const entitySync = (erp: Effect.Success<ReturnType<typeof fakeErp>>, entity: string) =>
  Effect.gen(function* () {
    const engine = yield* SyncEngine
    const manifest = erp.manifest(entity)
    const sync = (mode: SyncMode, stages: StagesOptions) =>
      engine.syncEntity({ connectorId: "erp", adapter: erp.adapter, manifest, mode, stages, windowRows: 100 })
    const retry = (stages: StagesOptions, ids?: ReadonlyArray<string>) =>
      engine.retryFailedRecords({ connectorId: "erp", manifest, stages, ids })
    return { manifest, sync, retry }
  })

layer(engineLayer, { timeout: 60_000 })("retries on a row-version entity (items)", (it) => {
  it.effect("superseded by a later write; written when newer; never over a newer row; never un-deleting", () =>
    Effect.gen(function* () {
      const connectorStore = yield* ConnectorStore
      const failedRecordStore = yield* FailedRecordStore
      const erp = yield* fakeErp({ seed: 41, rows: { items: 400 } })
      yield* connectorStore.createConnector({ id: "erp", adapter: "apismith", name: "ERP" })
      const items = yield* entitySync(erp, "items")
      const strict = requiring("description")
      const open = () => failedRecordStore.listFailedRecords({ connectorId: "erp", entity: "items", limit: 10_000 })

      // A strict sync: the rows without a description fail, keyed by business key.
      const failing = yield* nullIn(erp.fake, items.manifest, "description")
      assert.isAbove(failing.size, 0)
      const first = yield* items.sync("incremental", strict)
      assert.strictEqual(first.counts.failed, failing.size)
      const firstFailures = yield* open()
      assert.deepStrictEqual(new Set(firstFailures.map((record) => record.businessKey)), failing)

      // A later sync that writes those keys supersedes every one of them, in its window transaction.
      yield* TestClock.adjust("1 minute")
      yield* items.sync("full-refresh", apiSmithStages)
      assert.strictEqual((yield* open()).length, 0)
      const closed = yield* failedRecordStore.listFailedRecords({
        connectorId: "erp",
        entity: "items",
        includeResolved: true
      })
      assert.strictEqual(closed.length, failing.size)
      for (const record of closed) assert.strictEqual(record.resolution, "superseded")
      assert.deepStrictEqual(yield* storedIdentities("items"), yield* expectedIdentities(erp.fake, items.manifest))

      // Rows change upstream; the strict incremental sync fails the changed ones that lost their
      // description: the table still holds their older versions, so their retry writes them.
      yield* TestClock.adjust("1 minute")
      const changed = yield* erp.fake.mutate("items", { update: 150 })
      const second = yield* items.sync("incremental", strict)
      const newer = yield* open()
      assert.strictEqual(newer.length, second.counts.failed)
      assert.isAbove(newer.length, 0)
      assert.isAtMost(newer.length, changed.updated.length)
      yield* TestClock.adjust("2 minutes")
      const retried = yield* items.retry(apiSmithStages)
      // Every one is written (or found already there, listed again unchanged); none is stale.
      assert.deepInclude(retried, { stillWaiting: 0, movedToFailed: 0 })
      assert.strictEqual(retried.resolved + retried.stale, newer.length)
      assert.isAbove(retried.resolved, 0)
      const staleVersions = yield* Effect.flatMap(SqlClient.SqlClient, (sql) =>
        sql.unsafe<{ readonly newer: boolean }>(
          `SELECT (f.raw_data->>'_row_version') > t._row_version AS newer FROM syncflow.failed_records f
           JOIN erp.items t ON t._bk_hash = f.business_key WHERE f.resolution = 'stale'`
        )
      )
      assert.strictEqual(staleVersions.length, retried.stale)
      for (const row of staleVersions) assert.isFalse(row.newer)
      assert.deepStrictEqual(yield* storedIdentities("items"), yield* expectedIdentities(erp.fake, items.manifest))
      const before = yield* storedIdentities("items")

      // An old failure that escaped supersession (reopened here) holds an older version than the
      // table: its retry writes nothing and closes it as stale.
      const updated = new Set<string>()
      for (const key of changed.updated) updated.add(yield* keyOf(items.manifest, { part_no: key.PART_NO }))
      const old = firstFailures.filter((record) => updated.has(record.businessKey ?? ""))
      assert.isAbove(old.length, 0)
      yield* reopen([old[0]!.id])
      const stale = yield* items.retry(apiSmithStages, [old[0]!.id])
      assert.deepStrictEqual(stale, { resolved: 0, stillWaiting: 0, movedToFailed: 0, stale: 1 })
      assert.deepStrictEqual(yield* storedIdentities("items"), before)

      // Rows deleted upstream are soft-deleted by a reconcile; a retry of an old failure of one of
      // them does not bring it back.
      yield* erp.fake.mutate("items", { delete: 200 })
      yield* TestClock.adjust("1 minute")
      const reconcile = yield* items.sync("reconcile", apiSmithStages)
      assert.strictEqual(reconcile.counts.deleted, 200)
      const deleted = yield* keysWhere("items", "_deleted")
      const ofDeleted = firstFailures.filter((record) => deleted.has(record.businessKey ?? ""))
      assert.isAbove(ofDeleted.length, 0)
      yield* reopen(ofDeleted.map((record) => record.id))
      const undelete = yield* items.retry(
        apiSmithStages,
        ofDeleted.map((record) => record.id)
      )
      assert.deepStrictEqual(undelete, { resolved: 0, stillWaiting: 0, movedToFailed: 0, stale: ofDeleted.length })
      assert.deepStrictEqual(yield* keysWhere("items", "_deleted"), deleted)
      assert.deepStrictEqual(yield* storedIdentities("items"), yield* expectedIdentities(erp.fake, items.manifest))
    }).pipe(Effect.scoped)
  )
})

layer(engineLayer, { timeout: 60_000 })("retries on an entity without row versions (customers)", (it) => {
  it.effect("a one-record retry touches that record only; an old one does not overwrite a later run's row", () =>
    Effect.gen(function* () {
      const connectorStore = yield* ConnectorStore
      const failedRecordStore = yield* FailedRecordStore
      const erp = yield* fakeErp({ seed: 42, rows: { customers: 300 } })
      yield* connectorStore.createConnector({ id: "erp", adapter: "apismith", name: "ERP" })
      const customers = yield* entitySync(erp, "customers")
      assert.strictEqual(customers.manifest.deltaStrategy, "hash")
      const strict = requiring("credit_limit")
      const failing = yield* nullIn(erp.fake, customers.manifest, "credit_limit")
      assert.isAtLeast(failing.size, 3)
      yield* customers.sync("incremental", strict)
      const failures = yield* failedRecordStore.listFailedRecords({
        connectorId: "erp",
        entity: "customers",
        limit: 10_000
      })
      assert.strictEqual(failures.length, failing.size)

      // One record, not yet due: exactly that one is retried and written.
      const [one, ...others] = failures
      const single = yield* customers.retry(apiSmithStages, [one!.id])
      assert.deepStrictEqual(single, { resolved: 1, stillWaiting: 0, movedToFailed: 0, stale: 0 })
      const after = yield* failedRecordStore.listFailedRecords({
        connectorId: "erp",
        entity: "customers",
        includeResolved: true
      })
      for (const record of after) {
        const untouched = others.find((other) => other.id === record.id)
        if (record.id === one!.id) assert.deepInclude(record, { resolution: "retried", attempts: 1 })
        else assert.deepInclude(record, { resolution: null, attempts: 0, resolvedAt: null }, "untouched")
        if (untouched !== undefined) assert.deepStrictEqual(record.nextAttemptAt, untouched.nextAttemptAt)
      }
      const expected = yield* expectedIdentities(erp.fake, customers.manifest)
      assert.strictEqual((yield* storedIdentities("customers")).size, expected.size - others.length)

      // Every customer changes upstream; a later relaxed sync writes them (superseding the failures).
      // Reopened, an old record finds a row written by a run that started after it failed, and
      // writes nothing.
      yield* erp.fake.mutate("customers", { update: 300 })
      yield* TestClock.adjust("1 minute")
      yield* customers.sync("full-refresh", apiSmithStages)
      const changed = yield* expectedIdentities(erp.fake, customers.manifest)
      assert.deepStrictEqual(yield* storedIdentities("customers"), changed)
      yield* reopen([others[0]!.id])
      const stale = yield* customers.retry(apiSmithStages, [others[0]!.id])
      assert.deepStrictEqual(stale, { resolved: 0, stillWaiting: 0, movedToFailed: 0, stale: 1 })
      assert.deepStrictEqual(yield* storedIdentities("customers"), changed)
    }).pipe(Effect.scoped)
  )
})
