/**
 * The initial load of an empty table (see `TableDestination.beginLoad`): rows appended without the
 * unique indexes, which are built when the listing ends. A load killed (SIGKILL, a real process)
 * mid-listing, then again while it builds its indexes, resumes the same run and ends with the
 * ERP's ground truth, every key once and the indexes built; keys listed twice (pages read again
 * after the source changed) keep their last version and count as a normal upsert counts them; a
 * cancelled load builds its indexes before it ends, and the next sync upserts into the table; a
 * load closes the open failed records of the keys it writes.
 */
import { fileURLToPath } from "node:url"
import { assert, layer } from "@effect/vitest"
import type { Adapter, Cursor } from "@syncflow/adapter-core"
import type { FakeErp } from "@syncflow/apismith/testing"
import { Deferred, Effect, Fiber, Layer, Option, Stream } from "effect"
import { SqlClient } from "effect/sql"
import { TestClock } from "effect/testing"
import { RunControl } from "../../src/pipeline/RunControl.ts"
import { SyncEngine } from "../../src/pipeline/SyncEngine.ts"
import type { StagesOptions } from "../../src/stages/Stages.ts"
import { CheckpointStore } from "../../src/state/CheckpointStore.ts"
import { ConnectorStore } from "../../src/state/ConnectorStore.ts"
import { EntityLeases } from "../../src/state/EntityLeases.ts"
import { FailedRecordStore } from "../../src/state/FailedRecordStore.ts"
import { RunStore } from "../../src/state/RunStore.ts"
import { spawnRunner, waitFor } from "../workflow/processes.ts"
import { apiSmithStages, engineLayer, expectedIdentities, fakeErp, storedIdentities } from "./fixtures.ts"

const loader = fileURLToPath(new URL("./fixtures/loader.ts", import.meta.url))

/** The table's primary key and unique constraints, by kind (`p`, `u`). */
const uniqueConstraints = (table: string) =>
  SqlClient.SqlClient.use((sql) =>
    sql.unsafe<{ readonly kind: string }>(
      `SELECT contype::text AS kind FROM pg_catalog.pg_constraint
       WHERE conrelid = $1::regclass AND contype IN ('p', 'u') ORDER BY 1`,
      [table]
    )
  ).pipe(Effect.map((rows) => rows.map((row) => row.kind)))

/** How many rows the table holds (committed ones). */
const rowCount = (table: string) =>
  SqlClient.SqlClient.use((sql) => sql.unsafe<{ readonly n: number }>(`SELECT count(*)::int AS n FROM ${table}`)).pipe(
    Effect.map((rows) => rows[0]?.n ?? -1)
  )

layer(RunControl.layer.pipe(Layer.provideMerge(engineLayer)), { timeout: 120_000 })("initial load", (it) => {
  it.effect(
    "killed mid-load, then while building its indexes: resumed, the table equals the ERP's ground truth",
    () =>
      Effect.gen(function* () {
        const { fake, adapter, manifests, manifest } = yield* fakeErp({ seed: 61, rows: { items: 2000 } })
        const items = manifest("items")
        const connectorStore = yield* ConnectorStore
        const checkpointStore = yield* CheckpointStore
        const sql = yield* SqlClient.SqlClient
        yield* connectorStore.createConnector({ id: "loadkill", adapter: "apismith", name: "load-kill" })
        const env = {
          ERP_URL: fake.baseUrl,
          CONNECTOR: "loadkill",
          ENTITY: "items",
          HOLDER: "load-kill-test",
          PAGE_ROWS: "100"
        }
        const listing = Effect.map(checkpointStore.getCheckpoint("loadkill", "items"), (found) =>
          Option.flatMap(found, (checkpoint) =>
            checkpoint.listing?.loading === true ? Option.some(checkpoint) : Option.none()
          )
        )

        // 1. Killed mid-load: eight windows of 100 committed, without the unique indexes.
        const first = yield* spawnRunner({ ...env, HANG_AFTER_PAGES: "8" }, loader)
        yield* waitFor(
          "eight windows committed",
          Effect.suspend(() =>
            first.output().includes("listed 8")
              ? Effect.map(rowCount("loadkill.items"), (n) => (n === 800 ? Option.some(n) : Option.none()))
              : Effect.succeedNone
          ),
          { timeout: "50 seconds", context: first.output }
        )
        assert.isTrue(Option.isSome(yield* listing), "a loading listing")
        yield* first.kill
        assert.strictEqual(yield* rowCount("loadkill.items"), 800)
        assert.deepStrictEqual(yield* uniqueConstraints("loadkill.items"), [])

        // 2. Resumed in loading mode, and killed while it waits to build the indexes: a lock held
        // here (ACCESS SHARE, which the windows' inserts do not wait for) holds the build back.
        yield* sql.withTransaction(
          Effect.gen(function* () {
            yield* sql.unsafe(`LOCK TABLE loadkill.items IN ACCESS SHARE MODE`)
            const second = yield* spawnRunner(env, loader)
            const waiting = yield* waitFor(
              "the index build to wait for the lock",
              // pg_stat_activity is read once per transaction unless its snapshot is cleared.
              Effect.map(
                sql.unsafe<{ readonly query: string }>(`SELECT pg_stat_clear_snapshot()`).pipe(
                  Effect.andThen(
                    sql.unsafe<{ readonly query: string }>(
                      `SELECT a.query FROM pg_catalog.pg_locks l JOIN pg_catalog.pg_stat_activity a ON a.pid = l.pid
                   WHERE l.relation = 'loadkill.items'::regclass AND NOT l.granted`
                    )
                  )
                ),
                (rows) => Option.fromUndefinedOr(rows[0]?.query)
              ),
              { timeout: "50 seconds", context: second.output }
            )
            assert.match(waiting, /ADD UNIQUE \("_bk_hash"\), ADD PRIMARY KEY \("_id"\)/)
            // Every window is committed; only the indexes are missing.
            assert.strictEqual(yield* rowCount("loadkill.items"), 2000)
            yield* second.kill
          })
        )
        const killed = yield* listing
        assert.isTrue(Option.isSome(killed) && killed.value.cursor === null, "the listing waits for its end")
        assert.deepStrictEqual(yield* uniqueConstraints("loadkill.items"), [])

        // 3. Resumed here: the same run builds the indexes and finishes.
        const summary = yield* (yield* SyncEngine).syncEntity({
          connectorId: "loadkill",
          adapter,
          manifest: items,
          manifests,
          stages: apiSmithStages,
          holder: "load-kill-test",
          windowRows: 100,
          pageSize: 100
        })
        assert.isTrue(summary.resumed)
        assert.deepInclude(summary.counts, { inserted: 2000, updated: 0, unchanged: 0, failed: 0 })
        assert.deepStrictEqual(yield* uniqueConstraints("loadkill.items"), ["p", "u"])
        assert.strictEqual(yield* rowCount("loadkill.items"), 2000)
        assert.deepStrictEqual(yield* storedIdentities("items", "loadkill"), yield* expectedIdentities(fake, items))
        const after = yield* checkpointStore.getCheckpoint("loadkill", "items")
        assert.isTrue(after._tag === "Some" && after.value.listing === null)
      }).pipe(Effect.scoped, TestClock.withLive),
    120_000
  )

  it.effect("keys listed twice keep their last version and count as the upsert counts them", () =>
    Effect.gen(function* () {
      const { fake, adapter, manifests, manifest } = yield* fakeErp({ seed: 62, rows: { items: 1000 } })
      const items = manifest("items")
      yield* (yield* ConnectorStore).createConnector({ id: "relisted", adapter: "apismith", name: "relisted" })
      const relisting = relistAfter(adapter, fake, 6)
      const summary = yield* (yield* SyncEngine).syncEntity({
        connectorId: "relisted",
        adapter: relisting.adapter,
        manifest: items,
        manifests,
        stages: apiSmithStages,
        windowRows: 250,
        pageSize: 100
      })
      // Pages 1-6 twice, the second time after 40 records changed: 1,600 records for 1,000 keys.
      const changed = relisting.changed()
      assert.isAbove(changed, 0)
      assert.isBelow(changed, 40)
      assert.deepInclude(summary.counts, {
        fetched: 1600,
        inserted: 1000,
        updated: changed,
        unchanged: 600 - changed,
        failed: 0
      })
      assert.deepStrictEqual(yield* uniqueConstraints("relisted.items"), ["p", "u"])
      assert.strictEqual(yield* rowCount("relisted.items"), 1000)
      assert.deepStrictEqual(yield* storedIdentities("items", "relisted"), yield* expectedIdentities(fake, items))
    }).pipe(Effect.scoped)
  )

  it.effect("a cancelled load builds its indexes; the next sync brings the table to the truth", () =>
    Effect.gen(function* () {
      const { fake, adapter, manifests, manifest } = yield* fakeErp({ seed: 63, rows: { items: 800 } })
      const items = manifest("items")
      yield* (yield* ConnectorStore).createConnector({ id: "cancelled", adapter: "apismith", name: "cancelled" })
      const engine = yield* SyncEngine
      const request = {
        connectorId: "cancelled",
        manifest: items,
        manifests,
        stages: apiSmithStages,
        windowRows: 100,
        pageSize: 100
      }
      // Held before its fourth page, once its first three windows have committed.
      const reached = yield* Deferred.make<void>()
      const gate = yield* Deferred.make<void>()
      const held: Adapter = {
        ...adapter,
        streamPages: (entity, options) =>
          adapter
            .streamPages(entity, options)
            .pipe(
              Stream.mapEffect((page) =>
                page.index === 3
                  ? Deferred.succeed(reached, undefined).pipe(Effect.andThen(Deferred.await(gate)), Effect.as(page))
                  : Effect.succeed(page)
              )
            )
      }
      const running = yield* Effect.forkChild(engine.syncEntity({ ...request, adapter: held }))
      yield* Deferred.await(reached)
      yield* waitFor(
        "three windows committed",
        Effect.map(rowCount("cancelled.items"), (n) => (n === 300 ? Option.some(n) : Option.none()))
      )
      assert.deepStrictEqual(yield* uniqueConstraints("cancelled.items"), [])
      const lease = Option.getOrThrow(
        yield* (yield* EntityLeases.make()).current({ connectorId: "cancelled", entity: "items" })
      )
      yield* (yield* RunControl).cancel(lease.runId ?? "")
      yield* Deferred.succeed(gate, undefined)
      const summary = yield* Fiber.join(running)
      assert.isTrue(summary.cancelled)
      const run = Option.getOrThrow(yield* (yield* RunStore).getRun(summary.runId))
      assert.strictEqual(run.status, "cancelled")
      assert.strictEqual(run.inserted, 300)
      assert.deepStrictEqual(yield* uniqueConstraints("cancelled.items"), ["p", "u"])

      // The table has rows now: the next sync is a complete listing that compares and upserts.
      const next = yield* engine.syncEntity({ ...request, adapter })
      assert.deepInclude(next.counts, { inserted: 500, updated: 0, unchanged: 300, failed: 0 })
      assert.strictEqual(yield* rowCount("cancelled.items"), 800)
      assert.deepStrictEqual(yield* storedIdentities("items", "cancelled"), yield* expectedIdentities(fake, items))
    }).pipe(Effect.scoped, TestClock.withLive)
  )

  it.effect("a table emptied and loaded again closes the failed records of the keys it writes", () =>
    Effect.gen(function* () {
      const { fake, adapter, manifests, manifest } = yield* fakeErp({ seed: 64, rows: { items: 400 } })
      const items = manifest("items")
      yield* (yield* ConnectorStore).createConnector({ id: "refill", adapter: "apismith", name: "refill" })
      const failedRecordStore = yield* FailedRecordStore
      const engine = yield* SyncEngine
      const sync = (stages: StagesOptions) =>
        engine.syncEntity({
          connectorId: "refill",
          adapter,
          manifest: items,
          manifests,
          stages,
          windowRows: 100,
          pageSize: 100
        })
      const open = Effect.map(
        failedRecordStore.listFailedRecords({ connectorId: "refill", entity: "items", limit: 1000 }),
        (records) => records.length
      )
      // A load that fails the items without a description (required here).
      const strict = yield* sync({ ...apiSmithStages, required: ["description"] })
      assert.isAbove(strict.counts.failed, 0)
      assert.strictEqual(strict.counts.inserted, 400 - strict.counts.failed)
      assert.strictEqual(yield* open, strict.counts.failed)
      // The table emptied by hand: the next sync loads it again, and writes those items too.
      const sql = yield* SqlClient.SqlClient
      yield* sql.unsafe(`TRUNCATE refill.items`)
      const again = yield* sync(apiSmithStages)
      assert.deepInclude(again.counts, { inserted: 400, failed: 0 })
      assert.strictEqual(yield* open, 0)
      assert.deepStrictEqual(yield* uniqueConstraints("refill.items"), ["p", "u"])
      assert.deepStrictEqual(yield* storedIdentities("items", "refill"), yield* expectedIdentities(fake, items))
    }).pipe(Effect.scoped)
  )
})

/**
 * The adapter, but after its first `pages` pages 40 records change in the fake and the listing
 * reads those pages again (as a source whose pages shift under a listing does) before going on.
 * `changed` says how many of the records read twice differ the second time.
 */
const relistAfter = (adapter: Adapter, fake: FakeErp.FakeErp, pages: number) => {
  const firstPass = new Set<string>()
  let changed = 0
  const adapterRelisting: Adapter = {
    ...adapter,
    streamPages: (entity, options) => {
      let next: Cursor.Cursor | undefined
      const again = Stream.unwrap(
        Effect.as(fake.mutate(entity, { update: 40 }), adapter.streamPages(entity, options).pipe(Stream.take(pages)))
      ).pipe(
        Stream.tap((page) =>
          Effect.sync(() => {
            for (const item of page.items) if (!firstPass.has(JSON.stringify(item))) changed++
            next = page.next
          })
        )
      )
      const rest = Stream.suspend(() =>
        next === undefined ? Stream.empty : adapter.streamPages(entity, { ...options, from: next })
      )
      return adapter.streamPages(entity, options).pipe(
        Stream.take(pages),
        Stream.tap((page) =>
          Effect.sync(() => {
            for (const item of page.items) firstPass.add(JSON.stringify(item))
          })
        ),
        Stream.concat(again),
        Stream.concat(rest)
      )
    }
  }
  return { adapter: adapterRelisting, changed: () => changed }
}
