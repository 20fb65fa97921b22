/**
 * A two-way definition with a schedule runs its cycles by itself: the definition scheduler's pass
 * (its clock a TestClock) arms the first slot, and each later slot triggers a durable `TwoWayCycle`
 * workflow on the in-process runner (real PostgreSQL, the fake Planning Center over HTTP). The first
 * scheduled cycle brings the people into the table; edits made on both sides before the next slot
 * reach the other side (both sides equal to the fake's truth, field by field); a slot with no edits
 * writes nothing on either side.
 */
import { assert, layer } from "@effect/vitest"
import { Clock, Context, Effect, Layer, Option } from "effect"
import { SqlClient } from "effect/sql"
import { TestClock } from "effect/testing"
import { TwoWayConflicts } from "../../src/bidirectional/TwoWayConflicts.ts"
import { runDue, tick } from "../../src/definitions/DefinitionScheduler.ts"
import { createDefinition } from "../../src/definitions/saveDefinition.ts"
import * as SyncCluster from "../../src/workflow/SyncCluster.ts"
import { SyncWorkflows } from "../../src/workflow/SyncWorkflows.ts"
import { TwoWayCycleWorkflow, twoWayTriggerKey } from "../../src/workflow/TwoWayCycleWorkflow.ts"
import { WorkflowTriggers } from "../../src/workflow/WorkflowTriggers.ts"
import { waitFor } from "../workflow/processes.ts"
import { fakePco, fakeWrites, personOf, settingsWith, tableRows, twoWayLayer } from "./fixtures.ts"

const testLayer = TwoWayConflicts.layer.pipe(Layer.provideMerge(twoWayLayer))

layer(testLayer, { timeout: 180_000, excludeTestServices: true })("scheduled two-way cycles", (it) => {
  it.effect("each slot of the schedule runs a durable cycle; both sides end equal", () =>
    Effect.gen(function* () {
      const id = "scheduled"
      const connectorId = `pco-${id}`
      const { fake, adapters } = yield* fakePco(connectorId, 51)
      const sql = yield* SqlClient.SqlClient
      const services = yield* Layer.build(
        SyncWorkflows.layer.pipe(Layer.provideMerge(SyncCluster.layerSingle()), Layer.provide(adapters))
      )
      const triggers = Context.get(services, WorkflowTriggers)
      yield* createDefinition({
        id,
        name: id,
        source: { connectorId, entity: "person" },
        destination: { kind: "postgres", schema: "twoway", table: id },
        direction: "bidirectional",
        bidirectional: settingsWith({ conflictPolicy: "merge" }),
        schedule: { intervalSeconds: 3600 }
      }).pipe(Effect.provide(adapters))

      // The scheduler's clock is a test clock (the fake and the database keep real time).
      const clock = yield* TestClock.make()
      yield* clock.setTime(Date.UTC(2026, 0, 1, 10, 30))
      const claimed = new Map<string, number>()
      /** One scheduler pass at the next slot: what it found due, each triggered as the scheduler does. */
      const nextSlot = Effect.gen(function* () {
        yield* clock.adjust("1 hour")
        const due = yield* tick(claimed).pipe(Effect.provideService(Clock.Clock, clock))
        for (const definition of due) yield* runDue(definition)
        const seq = yield* triggers.current(twoWayTriggerKey(id))
        const executionId = yield* TwoWayCycleWorkflow.executionId({
          definition: due[0] ?? (yield* Effect.die("nothing due")),
          mode: "incremental",
          seq
        })
        const result = yield* waitFor(
          `cycle ${seq} to complete`,
          Effect.map(TwoWayCycleWorkflow.poll(executionId), (polled) =>
            Option.flatMap(polled, (r) => (r._tag === "Complete" ? Option.some(r.exit) : Option.none()))
          )
        )
        assert.strictEqual(result._tag, "Success", String(result))
        return { due, outcome: result._tag === "Success" ? result.value : undefined }
      }).pipe(Effect.provideContext(services))

      /** Both sides equal, person by person and field by field, to the fake's truth. */
      const bothSidesEqual = Effect.gen(function* () {
        const rows = yield* tableRows(id)
        const bySource = new Map([...rows.values()].map((row) => [row.sourceId ?? "", row]))
        assert.strictEqual(rows.size, fake.truth.count("Person"))
        for (const person of fake.truth.ids("Person")) {
          assert.deepStrictEqual(bySource.get(person)?.values, personOf(fake, person), `person ${person}`)
        }
      })

      // The first slot is only armed; nothing ran.
      const armed = yield* tick(claimed).pipe(
        Effect.provideService(Clock.Clock, clock),
        Effect.provideContext(services)
      )
      assert.deepStrictEqual(armed, [])
      assert.strictEqual(yield* triggers.current(twoWayTriggerKey(id)), 0)

      // The next slot: the first cycle brings every person into the table.
      const first = yield* nextSlot
      assert.deepStrictEqual(
        first.due.map((d) => d.id),
        [id]
      )
      assert.deepInclude(first.outcome, { listed: fake.truth.count("Person"), sourceWrites: 0, failed: 0 })
      yield* bothSidesEqual
      assert.strictEqual(yield* fakeWrites(fake), 0)

      // Edits on both sides, then the next slot: each reaches the other side.
      const [p0 = "", p1 = "", p2 = ""] = fake.truth.ids("Person")
      yield* fake.mutate.update("Person", p0, { first_name: "Sched0" })
      yield* sql.unsafe(`UPDATE twoway."${id}" SET last_name = 'Sched1' WHERE _source_id = $1`, [p1])
      yield* fake.mutate.update("Person", p2, { nickname: "Src2" })
      yield* sql.unsafe(`UPDATE twoway."${id}" SET last_name = 'Tbl2' WHERE _source_id = $1`, [p2])
      const second = yield* nextSlot
      assert.deepInclude(second.outcome, { sourceWrites: 2, tableWrites: 2, conflicts: 1, failed: 0 })
      assert.strictEqual(personOf(fake, p0)?.first_name, "Sched0")
      assert.strictEqual(personOf(fake, p1)?.last_name, "Sched1")
      assert.deepInclude(personOf(fake, p2), { nickname: "Src2", last_name: "Tbl2" })
      yield* bothSidesEqual

      // A slot with no edits: nothing written on either side.
      const writes = yield* fakeWrites(fake)
      const quiet = yield* nextSlot
      assert.deepInclude(quiet.outcome, { sourceWrites: 0, tableWrites: 0, conflicts: 0 })
      assert.strictEqual(yield* fakeWrites(fake), writes)
    }).pipe(Effect.scoped)
  )
})
