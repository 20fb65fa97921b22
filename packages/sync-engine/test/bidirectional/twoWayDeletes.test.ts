/**
 * Deletes under the definition's `deletes` setting other than `propagate` (tested with every policy
 * in twoWayPolicies.test.ts), between the fake Planning Center and the table:
 * - `ignore`: a person deleted in Planning Center keeps its table row, a row deleted in the table
 *   keeps its person; neither is synced afterwards (later edits of it stay on their side);
 * - `soft`: a person deleted in Planning Center leaves its row marked `_deleted`; a row deleted in the
 *   table (hard, or by setting `_deleted`) sets the person's `status` to `inactive` (`softDelete`).
 * A cycle after that writes nothing on either side.
 */
import { assert, layer } from "@effect/vitest"
import { Effect, Layer } from "effect"
import { SqlClient } from "effect/sql"
import { runTwoWayDefinition } from "../../src/bidirectional/runTwoWayDefinition.ts"
import { TwoWayConflicts } from "../../src/bidirectional/TwoWayConflicts.ts"
import type { TwoWaySettings } from "../../src/bidirectional/TwoWaySettings.ts"
import { fakePco, fakeWrites, personOf, settingsWith, tableRows, twoWayDefinition, twoWayLayer } from "./fixtures.ts"

const testLayer = TwoWayConflicts.layer.pipe(Layer.provideMerge(twoWayLayer))

/** A definition `id` with these settings, its first cycle run, and what the tests need around it. */
const imported = (id: string, seed: number, settings: TwoWaySettings) =>
  Effect.gen(function* () {
    const connectorId = `pco-${id}`
    const { fake, adapters } = yield* fakePco(connectorId, seed)
    const definition = yield* twoWayDefinition(id, connectorId, settings).pipe(Effect.provide(adapters))
    const cycle = (mode: "incremental" | "complete" = "incremental") =>
      runTwoWayDefinition(definition, { mode }).pipe(Effect.provide(adapters))
    yield* cycle()
    const keyOf = new Map([...(yield* tableRows(id))].map(([key, row]) => [row.sourceId ?? "", key]))
    return { fake, cycle, keyOf }
  })

layer(testLayer, { timeout: 120_000 })("two-way deletes", (it) => {
  it.effect("ignore: a delete stays on its side, and the other side's record is no longer synced", () =>
    Effect.gen(function* () {
      const id = "deletes_ignore"
      const { fake, cycle, keyOf } = yield* imported(
        id,
        81,
        settingsWith({ conflictPolicy: "source_wins", deletes: "ignore" })
      )
      const sql = yield* SqlClient.SqlClient
      const [a = "", b = ""] = fake.truth.ids("Person")
      const originalA = personOf(fake, a)
      const originalB = personOf(fake, b)
      yield* fake.mutate.destroy("Person", a)
      yield* sql.unsafe(`DELETE FROM twoway."${id}" WHERE _key = $1`, [keyOf.get(b) ?? ""])
      const people = fake.truth.count("Person")
      yield* cycle("complete")
      const rows = yield* tableRows(id)
      assert.deepStrictEqual(rows.get(keyOf.get(a) ?? ""), { sourceId: a, deleted: false, values: originalA ?? {} })
      assert.deepStrictEqual(personOf(fake, b), originalB)
      assert.isUndefined(rows.get(keyOf.get(b) ?? ""))
      assert.strictEqual(fake.truth.count("Person"), people)

      // No longer synced: later edits stay on their side.
      yield* sql.unsafe(`UPDATE twoway."${id}" SET first_name = 'AfterA' WHERE _key = $1`, [keyOf.get(a) ?? ""])
      yield* fake.mutate.update("Person", b, { first_name: "AfterB" })
      const writes = yield* fakeWrites(fake)
      const after = yield* cycle()
      assert.deepInclude(after, { source: { created: 0, updated: 0, deleted: 0 }, table: { written: 0, deleted: 0 } })
      assert.strictEqual(yield* fakeWrites(fake), writes)
      assert.isNull(personOf(fake, a))
      assert.isUndefined([...(yield* tableRows(id)).values()].find((row) => row.sourceId === b))
    }).pipe(Effect.scoped)
  )

  it.effect("soft: a connector delete marks the row _deleted, a table delete makes the person inactive", () =>
    Effect.gen(function* () {
      const id = "deletes_soft"
      const settings = settingsWith({
        conflictPolicy: "source_wins",
        deletes: "soft",
        softDelete: { field: "status", value: "inactive" }
      })
      const { fake, cycle, keyOf } = yield* imported(id, 82, settings)
      const sql = yield* SqlClient.SqlClient
      const [a = "", b = "", c = ""] = fake.truth.ids("Person")
      const originalA = personOf(fake, a)
      const originalB = personOf(fake, b)
      const originalC = personOf(fake, c)
      const status = (person: string) => fake.truth.get("Person", person)?.attributes.status
      assert.strictEqual(status(b), "active")
      yield* fake.mutate.destroy("Person", a)
      yield* sql.unsafe(`UPDATE twoway."${id}" SET _deleted = true WHERE _key = $1`, [keyOf.get(b) ?? ""])
      yield* sql.unsafe(`DELETE FROM twoway."${id}" WHERE _key = $1`, [keyOf.get(c) ?? ""])
      yield* cycle("complete")

      const rows = yield* tableRows(id)
      assert.deepStrictEqual(rows.get(keyOf.get(a) ?? ""), { sourceId: a, deleted: true, values: originalA ?? {} })
      assert.deepStrictEqual(rows.get(keyOf.get(b) ?? ""), { sourceId: b, deleted: true, values: originalB ?? {} })
      assert.isUndefined(rows.get(keyOf.get(c) ?? ""))
      assert.deepStrictEqual(personOf(fake, b), originalB)
      assert.deepStrictEqual(personOf(fake, c), originalC)
      assert.strictEqual(status(b), "inactive")
      assert.strictEqual(status(c), "inactive")

      const writes = yield* fakeWrites(fake)
      const quiet = yield* cycle()
      assert.deepInclude(quiet, { source: { created: 0, updated: 0, deleted: 0 }, table: { written: 0, deleted: 0 } })
      assert.strictEqual(yield* fakeWrites(fake), writes)
    }).pipe(Effect.scoped)
  )
})
