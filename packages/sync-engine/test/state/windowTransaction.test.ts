/**
 * The checkpoint advances only with the rows before it: a window's rows, checkpoint and run counts
 * commit in one transaction, and a failure after the upsert rolls all three back.
 */
import { assert, layer } from "@effect/vitest"
import type { Cursor, EntityManifest } from "@syncflow/adapter-core"
import { Effect, Exit, Layer, Option } from "effect"
import { SqlClient } from "effect/sql"
import * as PostgresDestination from "../../src/destination/PostgresDestination.ts"
import { type IngestRow, TableDestination } from "../../src/destination/TableDestination.ts"
import * as TableTarget from "../../src/destination/TableTarget.ts"
import { CheckpointStore } from "../../src/state/CheckpointStore.ts"
import { ConnectorStore } from "../../src/state/ConnectorStore.ts"
import { RunStore } from "../../src/state/RunStore.ts"
import { stateStoresLayer } from "./fixtures.ts"

const items: EntityManifest = {
  entity: "items",
  endpoint: "items.list",
  businessKey: ["item_number"],
  deltaStrategy: "rowversion",
  parents: [],
  columns: [{ name: "item_number", type: "string", nullable: false, businessKey: true }]
}

const item = (i: number): IngestRow => ({
  item_number: `PART-${i}`,
  _bk_hash: i.toString(16).padStart(32, "0"),
  _data_hash: i.toString(16).padStart(64, "0"),
  _row_version: `rv-${String(i).padStart(6, "0")}`
})

const range = (from: number, to: number) => Array.from({ length: to - from }, (_, k) => from + k)

const testLayer = PostgresDestination.layer.pipe(Layer.provideMerge(stateStoresLayer()))

layer(testLayer)("a window's transaction", (it) => {
  it.effect("commits rows, checkpoint and run counts together, and rolls them back together", () =>
    Effect.gen(function* () {
      const sql = yield* SqlClient.SqlClient
      const connectors = yield* ConnectorStore
      const runs = yield* RunStore
      const checkpoints = yield* CheckpointStore
      const destination = yield* TableDestination
      const { id: connectorId } = yield* connectors.createConnector({ adapter: "apismith", name: "erp" })
      yield* destination.ensureEntity(TableTarget.make("public", "items"), items)
      const run = yield* runs.startRun({ connectorId, entity: "items", mode: "rowversion" })

      /** One page window: upsert, checkpoint and counts in one transaction, then maybe a failure. */
      const window = (rows: ReadonlyArray<IngestRow>, next: Cursor.Cursor, failAfterUpsert: boolean) =>
        sql.withTransaction(
          Effect.gen(function* () {
            const written = yield* destination.upsert(TableTarget.make("public", "items"), rows, { runId: run.id })
            if (failAfterUpsert) return yield* Effect.fail("crash after the upsert" as const)
            yield* checkpoints.saveCheckpoint({
              connectorId,
              entity: "items",
              cursor: next,
              rowVersion: rows.at(-1)?._row_version ?? null,
              runId: run.id
            })
            yield* runs.addRunCounts(run.id, {
              fetched: rows.length,
              inserted: written.inserted,
              updated: written.updated,
              unchanged: written.unchanged
            })
          })
        )

      const count = Effect.map(
        sql<{ readonly n: number }>`SELECT count(*)::int4 AS n FROM public.items`,
        (r) => r[0]!.n
      )

      yield* window(range(0, 100).map(item), { _tag: "Offset", offset: 100 }, false)
      assert.strictEqual(yield* count, 100)
      const committed = Option.getOrThrow(yield* checkpoints.getCheckpoint(connectorId, "items"))
      assert.deepStrictEqual([committed.cursor, committed.rowVersion], [{ _tag: "Offset", offset: 100 }, "rv-000099"])

      // The second window fails after its upsert: neither its rows nor its checkpoint nor its counts remain.
      const failed = yield* Effect.exit(window(range(100, 200).map(item), { _tag: "Offset", offset: 200 }, true))
      assert.isTrue(Exit.isFailure(failed))
      assert.strictEqual(yield* count, 100)
      assert.deepStrictEqual(yield* checkpoints.getCheckpoint(connectorId, "items"), Option.some(committed))
      const afterFailure = Option.getOrThrow(yield* runs.getRun(run.id))
      assert.deepStrictEqual([afterFailure.fetched, afterFailure.inserted], [100, 100])

      // Resuming from the checkpoint re-reads the window and writes no duplicate.
      yield* window(range(100, 200).map(item), { _tag: "Offset", offset: 200 }, false)
      yield* window(range(150, 200).map(item), { _tag: "Offset", offset: 200 }, false)
      assert.strictEqual(yield* count, 200)
      const finished = yield* runs.finishRun(run.id, { status: "succeeded" })
      assert.deepStrictEqual(
        [finished.fetched, finished.inserted, finished.updated, finished.unchanged],
        [250, 200, 0, 50]
      )
      const checkpoint = Option.getOrThrow(yield* checkpoints.getCheckpoint(connectorId, "items"))
      assert.deepStrictEqual([checkpoint.cursor, checkpoint.rowVersion], [{ _tag: "Offset", offset: 200 }, "rv-000199"])
    })
  )
})
