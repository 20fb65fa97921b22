/**
 * The CheckpointStore on a real PostgreSQL: checkpoints saved, read and cleared per entity.
 */
import { assert, layer } from "@effect/vitest"
import { Effect, Option } from "effect"
import { CheckpointStore } from "../../src/state/CheckpointStore.ts"
import { RunStore } from "../../src/state/RunStore.ts"
import { stateStoresLayer, testConnector } from "./fixtures.ts"

layer(stateStoresLayer())("CheckpointStore", (it) => {
  it.effect("saves, reads and clears checkpoints", () =>
    Effect.gen(function* () {
      const checkpointStore = yield* CheckpointStore
      const runStore = yield* RunStore
      const { id } = yield* testConnector("checkpoints")
      const run = yield* runStore.startRun({ connectorId: id, entity: "items", mode: "rowversion" })
      assert.deepStrictEqual(yield* checkpointStore.getCheckpoint(id, "items"), Option.none())
      yield* checkpointStore.saveCheckpoint({
        connectorId: id,
        entity: "items",
        cursor: { _tag: "Offset", offset: 2000 },
        rowVersion: "2025-12-08 10:30:00.123456",
        runId: run.id
      })
      yield* checkpointStore.saveCheckpoint({
        connectorId: id,
        entity: "orders",
        cursor: { _tag: "Token", token: "abc" }
      })
      const checkpoint = Option.getOrThrow(yield* checkpointStore.getCheckpoint(id, "items"))
      assert.deepStrictEqual(checkpoint.cursor, { _tag: "Offset", offset: 2000 })
      assert.strictEqual(checkpoint.rowVersion, "2025-12-08 10:30:00.123456")
      assert.strictEqual(checkpoint.runId, run.id)

      yield* checkpointStore.saveCheckpoint({
        connectorId: id,
        entity: "items",
        cursor: null,
        rowVersion: "2025-12-09"
      })
      const next = Option.getOrThrow(yield* checkpointStore.getCheckpoint(id, "items"))
      assert.strictEqual(next.cursor, null)
      assert.strictEqual(next.rowVersion, "2025-12-09")
      assert.strictEqual(next.runId, null)

      yield* checkpointStore.clearCheckpoint(id, "items")
      assert.deepStrictEqual(yield* checkpointStore.getCheckpoint(id, "items"), Option.none())
      assert.isTrue(Option.isSome(yield* checkpointStore.getCheckpoint(id, "orders")))
    })
  )
})
