/**
 * Two cycles of the same two-way definition started at once (a `definitions run` during a scheduled
 * cycle, say) run one after the other (the definition's cycle lock): after edits on both sides and
 * rows inserted in the table, each new row is created in Planning Center once, both sides end equal
 * field by field, and the second cycle finds nothing left to write.
 */
import { assert, layer } from "@effect/vitest"
import { Effect, Layer } from "effect"
import { SqlClient } from "effect/sql"
import { runTwoWayDefinition } from "../../src/bidirectional/runTwoWayDefinition.ts"
import { TwoWayConflicts } from "../../src/bidirectional/TwoWayConflicts.ts"
import { fakePco, personOf, settingsWith, tableRows, twoWayDefinition, twoWayLayer } from "./fixtures.ts"

const testLayer = TwoWayConflicts.layer.pipe(Layer.provideMerge(twoWayLayer))

layer(testLayer, { timeout: 120_000, excludeTestServices: true })("two cycles of a definition at once", (it) => {
  it.effect("run one after the other: every new row created once, both sides equal", () =>
    Effect.gen(function* () {
      const id = "concurrent"
      const connectorId = `pco-${id}`
      const { fake, adapters } = yield* fakePco(connectorId, 71)
      const sql = yield* SqlClient.SqlClient
      const definition = yield* twoWayDefinition(id, connectorId, settingsWith({ conflictPolicy: "merge" })).pipe(
        Effect.provide(adapters)
      )
      const cycle = runTwoWayDefinition(definition).pipe(Effect.provide(adapters))
      yield* cycle
      const people = fake.truth.count("Person")
      const [p0 = "", p1 = ""] = fake.truth.ids("Person")
      yield* fake.mutate.update("Person", p0, { first_name: "C0" })
      yield* sql.unsafe(`UPDATE twoway."${id}" SET last_name = 'C1' WHERE _source_id = $1`, [p1])
      const inserted = ["a", "b", "c", "d", "e"]
      for (const key of inserted) {
        yield* sql.unsafe(`INSERT INTO twoway."${id}" (_key, first_name, last_name) VALUES ($1, 'New', $2)`, [
          key,
          `Row ${key}`
        ])
      }

      const [one, two] = yield* Effect.all([cycle, cycle], { concurrency: 2 })
      const created = [one, two].map((c) => c.source.created).sort()
      assert.deepStrictEqual(created, [0, inserted.length], "one cycle created the rows, the other nothing")
      const quietOne = [one, two].find((c) => c.source.created === 0)
      assert.deepInclude(quietOne, {
        source: { created: 0, updated: 0, deleted: 0 },
        table: { written: 0, deleted: 0 }
      })

      assert.strictEqual(fake.truth.count("Person"), people + inserted.length, "each new row created once")
      const rows = yield* tableRows(id)
      assert.strictEqual(rows.size, fake.truth.count("Person"))
      for (const row of rows.values()) {
        assert.deepStrictEqual(row.values, personOf(fake, row.sourceId ?? ""), `row ${row.sourceId}`)
      }
      assert.strictEqual(personOf(fake, p1)?.last_name, "C1")
      assert.strictEqual([...rows.values()].find((row) => row.sourceId === p0)?.values.first_name, "C0")
    }).pipe(Effect.scoped)
  )
})
