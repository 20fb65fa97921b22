/**
 * A crash between windows: the next run resumes after the last committed window, re-reads at most
 * one window, and the table ends with every row exactly once.
 */
import { assert, layer } from "@effect/vitest"
import { type Adapter, UpstreamUnavailable } from "@syncflow/adapter-core"
import { Effect, Stream } from "effect"
import { SqlClient } from "effect/sql"
import { SyncEngine } from "../../src/pipeline/SyncEngine.ts"
import { CheckpointStore } from "../../src/state/CheckpointStore.ts"
import { ConnectorStore } from "../../src/state/ConnectorStore.ts"
import { RunStore } from "../../src/state/RunStore.ts"
import { apiSmithStages, engineLayer, expectedIdentities, fakeErp, storedIdentities } from "./fixtures.ts"

/** The adapter, but its listing dies after `pages` pages, as a killed process would stop. */
const dyingAfter = (adapter: Adapter, pages: number): Adapter => ({
  ...adapter,
  streamPages: (entity, options) =>
    adapter
      .streamPages(entity, options)
      .pipe(
        Stream.take(pages),
        Stream.concat(
          Stream.fail(new UpstreamUnavailable({ endpoint: "test", reason: "network", message: "connection lost" }))
        )
      )
})

layer(engineLayer, { timeout: 60_000 })("crash between windows", (it) => {
  it.effect("resumes from the last committed window with no duplicate and no gap", () =>
    Effect.gen(function* () {
      const { fake, adapter, manifest } = yield* fakeErp({ seed: 3, rows: { items: 2500 } })
      const items = manifest("items")
      const engine = yield* SyncEngine
      const connectorStore = yield* ConnectorStore
      const checkpointStore = yield* CheckpointStore
      const runStore = yield* RunStore
      yield* connectorStore.createConnector({ id: "erp", adapter: "apismith", name: "ERP" })
      const request = { connectorId: "erp", manifest: items, stages: apiSmithStages, pageSize: 250, windowRows: 500 }

      // Pages of 250 in windows of 500: the listing dies after page 5, before page 6 could complete its window.
      const crash = yield* Effect.flip(engine.syncEntity({ ...request, adapter: dyingAfter(adapter, 5) }))
      assert.strictEqual(crash._tag, "UpstreamUnavailable")
      const checkpoint = yield* checkpointStore.getCheckpoint("erp", "items")
      const cursor = checkpoint._tag === "Some" ? checkpoint.value.cursor : null
      assert.isTrue(checkpoint._tag === "Some" && checkpoint.value.listing !== null)
      assert.strictEqual(cursor?._tag, "PageNumber")
      // The rows committed are exactly the ones before the checkpoint: no more, no less.
      const sql = yield* SqlClient.SqlClient
      const [committed] = yield* sql.unsafe<{ readonly n: number }>(`SELECT count(*)::int AS n FROM erp.items`)
      const page = cursor?._tag === "PageNumber" ? cursor.page : 0
      assert.strictEqual(committed?.n, (page - 1) * 250)
      assert.isAtLeast(committed?.n ?? 0, 1000)

      const resumed = yield* engine.syncEntity({ ...request, adapter })
      assert.isTrue(resumed.resumed)
      // Counted over both processes: every row inserted once, nothing updated or re-inserted.
      assert.deepInclude(resumed.counts, { inserted: 2500, updated: 0, failed: 0 })
      const run = yield* runStore.getRun(resumed.runId)
      assert.strictEqual(run._tag === "Some" ? run.value.status : "missing", "succeeded")
      const [total] = yield* sql.unsafe<{ readonly n: number }>(`SELECT count(*)::int AS n FROM erp.items`)
      assert.strictEqual(total?.n, 2500)
      assert.deepStrictEqual(yield* storedIdentities("items"), yield* expectedIdentities(fake, items))
      // The listing is complete: the next incremental run starts from the high-water mark.
      const after = yield* checkpointStore.getCheckpoint("erp", "items")
      assert.isTrue(after._tag === "Some" && after.value.listing === null && after.value.rowVersion !== null)
    }).pipe(Effect.scoped)
  )
})
