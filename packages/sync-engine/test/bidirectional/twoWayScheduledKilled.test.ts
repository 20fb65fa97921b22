/**
 * A scheduled two-way cycle is durable across a crash: a runner process (`fixtures/cycleRunner.ts`)
 * triggers the definition's cycle as the scheduler does at a due slot, and is SIGKILLed right after
 * Planning Center answered a write, before the cycle recorded it. A second runner process is not
 * asked for anything: it resumes the `TwoWayCycle` workflow the dead one left and runs the cycle to
 * its end. Both sides then equal the expected state field by field, the person inserted in the table
 * is created in Planning Center once, each conflict is logged once, and a cycle after it writes
 * nothing.
 */

import { fileURLToPath } from "node:url"
import { assert, layer } from "@effect/vitest"
import { Effect, Layer, Option } from "effect"
import { SqlClient } from "effect/sql"
import { runTwoWayDefinition } from "../../src/bidirectional/runTwoWayDefinition.ts"
import { TwoWayConflicts } from "../../src/bidirectional/TwoWayConflicts.ts"
import { createDefinition } from "../../src/definitions/saveDefinition.ts"
import { spawnRunner, waitFor } from "../workflow/processes.ts"
import { type Fields, fakePco, fakeWrites, personOf, settingsWith, tableRows, twoWayLayer } from "./fixtures.ts"

const cycleRunner = fileURLToPath(new URL("./fixtures/cycleRunner.ts", import.meta.url))
const testLayer = TwoWayConflicts.layer.pipe(Layer.provideMerge(twoWayLayer))

layer(testLayer, { timeout: 300_000, excludeTestServices: true })("a scheduled two-way cycle killed mid-way", (it) => {
  it.effect(
    "another runner resumes the cycle's workflow by itself; both sides as expected, nothing twice",
    () =>
      Effect.gen(function* () {
        const id = "scheduled_killed"
        const seed = 61
        const connectorId = `pco-${id}`
        const { fake, adapters } = yield* fakePco(connectorId, seed)
        const sql = yield* SqlClient.SqlClient
        const definition = yield* createDefinition({
          id,
          name: id,
          source: { connectorId, entity: "person" },
          destination: { kind: "postgres", schema: "twoway", table: id },
          direction: "bidirectional",
          bidirectional: settingsWith({ conflictPolicy: "merge" }),
          schedule: { intervalSeconds: 300 }
        }).pipe(Effect.provide(adapters))
        const cycle = runTwoWayDefinition(definition).pipe(Effect.provide(adapters))
        yield* cycle
        const imported = yield* tableRows(id)
        const keyOf = new Map([...imported].map(([key, row]) => [row.sourceId ?? "", key]))
        const [p0 = "", p1 = "", p2 = "", p3 = ""] = fake.truth.ids("Person")
        const original = (person: string): Fields => personOf(fake, person) ?? {}
        const people = fake.truth.count("Person")
        const expected: ReadonlyArray<readonly [string, Fields]> = [
          [p0, { ...original(p0), first_name: "S0" }],
          [p1, { ...original(p1), last_name: "T1" }],
          [p2, { ...original(p2), last_name: "T2" }],
          // Changed on both sides (different fields): merged.
          [p3, { ...original(p3), first_name: "S3", last_name: "T3" }]
        ]

        // Edits on both sides: the connector's, the table's, both on one person, a new row.
        yield* fake.mutate.update("Person", p0, { first_name: "S0" })
        yield* fake.mutate.update("Person", p3, { first_name: "S3" })
        const edit = (person: string, set: string) =>
          sql.unsafe(`UPDATE twoway."${id}" SET ${set} WHERE _key = $1`, [keyOf.get(person) ?? ""])
        yield* edit(p3, "last_name = 'T3'")
        yield* edit(p1, "last_name = 'T1'")
        yield* edit(p2, "last_name = 'T2'")
        yield* sql.unsafe(`INSERT INTO twoway."${id}" (_key, first_name, last_name) VALUES ('new', 'Sam', 'Scheduled')`)

        // The due slot's cycle on a runner killed once Planning Center answered its second write.
        const env = { PCO_URL: fake.baseUrl, SEED: String(seed) }
        const first = yield* spawnRunner({ ...env, TRIGGER: id, HANG_AFTER_WRITES: "2" }, cycleRunner)
        yield* waitFor(
          "the first runner's cycle to have written twice",
          Effect.sync(() => (first.output().includes("written 2") ? Option.some(true) : Option.none())),
          { timeout: "100 seconds", context: first.output }
        )
        yield* first.kill
        assert.notInclude(first.output(), "scheduled two-way cycle finished")
        assert.strictEqual(yield* fakeWrites(fake), 2)

        // The second runner resumes the workflow by itself.
        const second = yield* spawnRunner(env, cycleRunner)
        yield* waitFor(
          "the second runner to finish the cycle",
          Effect.sync(() =>
            second.output().includes("scheduled two-way cycle finished") ? Option.some(true) : Option.none()
          ),
          { timeout: "150 seconds", context: second.output }
        )

        const rows = yield* tableRows(id)
        for (const [person, values] of expected) {
          assert.deepStrictEqual(rows.get(keyOf.get(person) ?? "")?.values, values, `person ${person}: the table`)
          assert.deepStrictEqual(personOf(fake, person), values, `person ${person}: the connector`)
        }
        const insertedValues = {
          first_name: "Sam",
          last_name: "Scheduled",
          nickname: null,
          membership: null,
          medical_notes: null
        }
        const inserted = rows.get("new")
        assert.deepStrictEqual(inserted?.values, insertedValues)
        assert.deepStrictEqual(personOf(fake, inserted?.sourceId ?? ""), insertedValues)
        assert.strictEqual(fake.truth.count("Person"), people + 1, "the new person created once")
        const conflicts = yield* (yield* TwoWayConflicts).list(id)
        assert.deepStrictEqual(
          conflicts.map((c) => `${c.sourceId}:${c.fields.join("+")}:${c.outcome}`),
          [`${p3}:first_name+last_name:merged`]
        )

        // And a cycle after it writes nothing on either side.
        const writes = yield* fakeWrites(fake)
        const quiet = yield* cycle
        assert.strictEqual(yield* fakeWrites(fake), writes)
        assert.deepInclude(quiet, { source: { created: 0, updated: 0, deleted: 0 }, table: { written: 0, deleted: 0 } })
      }).pipe(Effect.scoped),
    240_000
  )
})
