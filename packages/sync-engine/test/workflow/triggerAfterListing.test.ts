/**
 * A trigger that comes after a running execution's listing has ended (its run is finished, only the
 * execution's last bookkeeping is left) is queued behind it, not joined to it: joining would sync
 * nothing of what the request asked for (the changes the user just made). Before the listing ends the
 * same request joins the running execution, and when it closes the queued one starts.
 */
import { assert, layer } from "@effect/vitest"
import { Effect, Option } from "effect"
import { WorkflowTriggers } from "../../src/workflow/WorkflowTriggers.ts"
import { stateStoresLayer } from "../state/fixtures.ts"

layer(stateStoresLayer())("a trigger after the listing ended", (it) => {
  it.effect("joins a listing still running, queues behind one that has ended, which starts it when closing", () =>
    Effect.gen(function* () {
      const triggers = yield* WorkflowTriggers
      const key = "entity:erp/items"
      const running = () => Effect.succeed(true)
      let listed = false
      const hasListed = () => Effect.sync(() => listed)

      const first = yield* triggers.request(key, "incremental", { isRunning: running, hasListed })
      assert.deepStrictEqual(first, { status: "started", seq: 1, mode: "incremental" })

      // Its listing runs: an incremental request is covered by it.
      const during = yield* triggers.request(key, "incremental", { isRunning: running, hasListed })
      assert.deepStrictEqual(during, { status: "running", seq: 1, mode: "incremental" })

      // Its run has finished, the execution has not closed yet: the request waits for the next one.
      listed = true
      const after = yield* triggers.request(key, "incremental", { isRunning: running, hasListed })
      assert.deepStrictEqual(after, { status: "queued", seq: 2, mode: "incremental", behind: 1 })

      // Closing the first execution starts the queued one.
      const next = yield* triggers.closeRun(key, 1)
      assert.deepStrictEqual(next, Option.some({ seq: 2, mode: "incremental" }))
    }).pipe(Effect.provide(WorkflowTriggers.layer))
  )
})
