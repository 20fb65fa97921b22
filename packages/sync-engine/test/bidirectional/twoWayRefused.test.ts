/**
 * A write Planning Center refuses in a two-way cycle (the fake's 422: a person's first name made
 * blank in the table) is a failed record of the definition (stage `ingest`, the reason, both
 * versions as raw data, what was sent), and the cycle goes on: the other edits reach the connector.
 * The next cycle tries the record again (refused the same way: the same failed record stays open,
 * no new one); a retry through `retryDefinitionFailed` (the API's and the CLI's) reports it still
 * waiting; once the row is fixed in the table, the retry writes it and closes the failed record,
 * both sides equal. A refused edit set back in the table closes its failed record without a write.
 */
import { assert, layer } from "@effect/vitest"
import { Effect, Layer } from "effect"
import { SqlClient } from "effect/sql"
import { runTwoWayDefinition } from "../../src/bidirectional/runTwoWayDefinition.ts"
import { TwoWayConflicts } from "../../src/bidirectional/TwoWayConflicts.ts"
import { retryDefinitionFailed } from "../../src/definitions/retryDefinitionFailed.ts"
import { FailedRecordStore } from "../../src/state/FailedRecordStore.ts"
import { fakePco, fakeWrites, personOf, settingsWith, tableRows, twoWayDefinition, twoWayLayer } from "./fixtures.ts"

const testLayer = TwoWayConflicts.layer.pipe(Layer.provideMerge(twoWayLayer))

layer(testLayer, { timeout: 120_000 })("two-way sync: a write the connector refuses", (it) => {
  it.effect("is a failed record of the cycle, retried until the record is fixed; the cycle goes on", () =>
    Effect.gen(function* () {
      const id = "refused"
      const connectorId = `pco-${id}`
      const { fake, adapters } = yield* fakePco(connectorId, 41)
      const sql = yield* SqlClient.SqlClient
      const failedRecords = yield* FailedRecordStore
      const definition = yield* twoWayDefinition(id, connectorId, settingsWith({ conflictPolicy: "source_wins" })).pipe(
        Effect.provide(adapters)
      )
      const cycle = runTwoWayDefinition(definition).pipe(Effect.provide(adapters))
      yield* cycle
      const imported = yield* tableRows(id)
      const keyOf = new Map([...imported].map(([key, row]) => [row.sourceId ?? "", key]))
      const [bad = "", good = ""] = fake.truth.ids("Person")
      const badKey = keyOf.get(bad) ?? ""
      const original = personOf(fake, bad)
      const open = failedRecords.listFailedRecords({ connectorId, entity: "person", definitionId: id })

      // The table blanks one person's first name (Planning Center requires it) and edits another's.
      yield* sql.unsafe(`UPDATE twoway."${id}" SET first_name = '' WHERE _key = $1`, [badKey])
      yield* sql.unsafe(`UPDATE twoway."${id}" SET last_name = 'Fine' WHERE _key = $1`, [keyOf.get(good) ?? ""])
      const writesBefore = yield* fakeWrites(fake)
      const edited = yield* cycle
      assert.deepStrictEqual(
        edited.failed.map((f) => f.key),
        [badKey]
      )
      assert.strictEqual(edited.source.updated, 1, "the other edit went through")
      assert.strictEqual(personOf(fake, good)?.last_name, "Fine")
      assert.strictEqual(yield* fakeWrites(fake), writesBefore + 2, "both writes were sent")
      // Planning Center kept its version; the table keeps the user's edit.
      assert.deepStrictEqual(personOf(fake, bad), original)
      assert.strictEqual((yield* tableRows(id)).get(badKey)?.values.first_name, "")

      const [failed, ...others] = yield* open
      assert.lengthOf(others, 0)
      assert.deepInclude(failed, {
        stage: "ingest",
        errorType: "InvalidField",
        businessKey: badKey,
        message: "update in the connector: first_name: first name can't be blank"
      })
      assert.deepStrictEqual(failed?.rawData, {
        key: badKey,
        sourceId: bad,
        table: { ...original, first_name: "" },
        source: original
      })
      assert.deepStrictEqual(failed?.mappedData, { first_name: "" })

      // The next cycle tries it again: refused again the same way, the same failed record stays open.
      const again = yield* cycle
      assert.deepStrictEqual(
        again.failed.map((f) => f.key),
        [badKey]
      )
      assert.deepStrictEqual(
        (yield* open).map((record) => record.id),
        [failed?.id]
      )
      const all = failedRecords.listFailedRecords({
        connectorId,
        entity: "person",
        definitionId: id,
        includeResolved: true
      })
      assert.lengthOf(yield* all, 1, "no new failed record for the same refusal")
      const waiting = yield* retryDefinitionFailed(definition, [(yield* open)[0]?.id ?? ""]).pipe(
        Effect.provide(adapters)
      )
      assert.deepInclude(waiting, { resolved: 0, stillWaiting: 1 })

      // Fixed in the table: the retry writes it and closes the failed record; both sides equal.
      yield* sql.unsafe(`UPDATE twoway."${id}" SET first_name = 'Fixed' WHERE _key = $1`, [badKey])
      const [stillOpen] = yield* open
      const retried = yield* retryDefinitionFailed(definition, [stillOpen?.id ?? ""]).pipe(Effect.provide(adapters))
      assert.deepInclude(retried, { resolved: 1, stillWaiting: 0 })
      assert.lengthOf(yield* open, 0)
      const fixed = { ...original, first_name: "Fixed" }
      assert.deepStrictEqual(personOf(fake, bad), fixed)
      assert.deepStrictEqual((yield* tableRows(id)).get(badKey)?.values, fixed)

      // Nothing left to do: a cycle writes nothing.
      const writes = yield* fakeWrites(fake)
      const quiet = yield* cycle
      assert.deepStrictEqual(quiet.failed, [])
      assert.strictEqual(yield* fakeWrites(fake), writes)

      // A refused edit set back in the table: nothing to write, and its failed record is closed.
      const goodKey = keyOf.get(good) ?? ""
      yield* sql.unsafe(`UPDATE twoway."${id}" SET last_name = '' WHERE _key = $1`, [goodKey])
      const blanked = yield* cycle
      assert.deepStrictEqual(
        blanked.failed.map((f) => f.key),
        [goodKey]
      )
      assert.lengthOf(yield* open, 1)
      yield* sql.unsafe(`UPDATE twoway."${id}" SET last_name = 'Fine' WHERE _key = $1`, [goodKey])
      const writesBeforeRevert = yield* fakeWrites(fake)
      const reverted = yield* cycle
      assert.deepInclude(reverted, { failed: [], source: { created: 0, updated: 0, deleted: 0 } })
      assert.strictEqual(yield* fakeWrites(fake), writesBeforeRevert)
      assert.lengthOf(yield* open, 0)
    }).pipe(Effect.scoped)
  )
})
