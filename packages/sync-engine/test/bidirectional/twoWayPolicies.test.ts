/**
 * Two-way sync between the fake Planning Center's people and a PostgreSQL table, each conflict
 * policy on the same scripted edits made on both sides between cycles (one side only, both sides on
 * different fields, both sides on the same field, an edit against a delete, one-way fields, a row
 * inserted in the table, a record deleted in the connector). After the cycles, both sides are
 * compared field by field with the expected state, written out here per policy; a cycle after that
 * writes nothing on either side; the conflict log holds each conflict once. Modification times are
 * the TestClock's on both sides (the fake stamps its changes with it, the table edits set
 * `_modified_at` from it); `latest_wins` is also checked on the same field edited a second apart and
 * in the same second (the documented tie-break: the connector).
 */
import { assert, layer } from "@effect/vitest"
import { Duration, Effect, Layer } from "effect"
import { SqlClient } from "effect/sql"
import { TestClock } from "effect/testing"
import { runTwoWayDefinition } from "../../src/bidirectional/runTwoWayDefinition.ts"
import { TwoWayConflicts } from "../../src/bidirectional/TwoWayConflicts.ts"
import type { TwoWaySettings } from "../../src/bidirectional/TwoWaySettings.ts"
import {
  type Fields,
  fakePco,
  fakeWrites,
  personOf,
  settingsWith,
  tableRows,
  twoWayDefinition,
  twoWayLayer
} from "./fixtures.ts"

const testLayer = TwoWayConflicts.layer.pipe(Layer.provideMerge(twoWayLayer))

/** What a scripted person ends as: on each side its fields (`null`: the record does not exist there). */
interface Expected {
  readonly source: Fields | null
  readonly table: Fields | null
}

/** The people of the script, by role. */
const roles = [
  "sourceOnly",
  "tableOnly",
  "differentFields",
  "sameField",
  "sourceEditTableDelete",
  "tableEditSourceDelete",
  "oneWayFields",
  "sourceDelete"
] as const
type Role = (typeof roles)[number]

/** What each policy makes of the scripted edits, from the original person `o` of each role. */
type Expectation = (o: Record<Role, Fields>) => Record<Role, Expected>

const both = (values: Fields): Expected => ({ source: values, table: values })

/** The outcome of the edits that are no conflict (the same under every policy). */
const common = (o: Record<Role, Fields>) => ({
  sourceOnly: both({ ...o.sourceOnly, first_name: "Src0" }),
  tableOnly: both({ ...o.tableOnly, last_name: "Tbl1" }),
  // membership is pulled only (the table's edit stays in the table), medical_notes pushed only.
  oneWayFields: {
    source: { ...o.oneWayFields, medical_notes: "Src6 notes" },
    table: { ...o.oneWayFields, membership: "Tbl6 member" }
  },
  sourceDelete: { source: null, table: null }
})

const scenario = (id: string, seed: number, settings: TwoWaySettings, expect: Expectation) =>
  Effect.gen(function* () {
    const connectorId = `pco-${id}`
    const { fake, adapters, now } = yield* fakePco(connectorId, seed)
    const sql = yield* SqlClient.SqlClient
    const definition = yield* twoWayDefinition(id, connectorId, settings).pipe(Effect.provide(adapters))
    const cycle = (mode: "incremental" | "complete" = "incremental") =>
      runTwoWayDefinition(definition, { mode }).pipe(Effect.provide(adapters))

    // The first cycle brings every person into the table.
    const first = yield* cycle()
    assert.strictEqual(first.listed, fake.truth.count("Person"))
    const imported = yield* tableRows(id)
    assert.strictEqual(imported.size, fake.truth.count("Person"))
    for (const row of imported.values()) assert.deepStrictEqual(row.values, personOf(fake, row.sourceId ?? ""))
    assert.strictEqual(yield* fakeWrites(fake), 0)

    const ids = fake.truth.ids("Person")
    const person = Object.fromEntries(roles.map((role, i) => [role, ids[i] ?? ""])) as Record<Role, string>
    const keyOf = Object.fromEntries([...imported].map(([key, row]) => [row.sourceId ?? "", key])) as Record<
      string,
      string
    >
    const original = Object.fromEntries(roles.map((role) => [role, personOf(fake, person[role]) ?? {}])) as Record<
      Role,
      Fields
    >
    const tableEdit = (role: Role, set: string) =>
      Effect.gen(function* () {
        const at = yield* now
        yield* sql.unsafe(`UPDATE twoway."${id}" SET ${set}, _modified_at = $2 WHERE _key = $1`, [
          keyOf[person[role]],
          at
        ])
      })

    // The script: a table edit, then the connector's edits a minute later, then the other table edits.
    yield* TestClock.adjust(Duration.minutes(1))
    yield* tableEdit("differentFields", "last_name = 'Tbl2'")
    yield* TestClock.adjust(Duration.minutes(1))
    yield* fake.mutate.update("Person", person.sourceOnly, { first_name: "Src0" })
    yield* fake.mutate.update("Person", person.differentFields, { first_name: "Src2" })
    yield* fake.mutate.update("Person", person.sameField, { nickname: "Src3" })
    yield* fake.mutate.update("Person", person.sourceEditTableDelete, { first_name: "Src4" })
    yield* fake.mutate.destroy("Person", person.tableEditSourceDelete)
    yield* fake.mutate.update("Person", person.oneWayFields, { medical_notes: "Src6 notes" })
    yield* fake.mutate.destroy("Person", person.sourceDelete)
    yield* TestClock.adjust(Duration.minutes(1))
    yield* tableEdit("tableOnly", "last_name = 'Tbl1'")
    yield* tableEdit("sameField", "nickname = 'Tbl3'")
    yield* sql.unsafe(`DELETE FROM twoway."${id}" WHERE _key = $1`, [keyOf[person.sourceEditTableDelete]])
    yield* tableEdit("tableEditSourceDelete", "first_name = 'Tbl5'")
    yield* tableEdit("oneWayFields", "membership = 'Tbl6 member'")
    yield* sql.unsafe(`INSERT INTO twoway."${id}" (_key, first_name, last_name) VALUES ('inserted', 'Ina', 'Serted')`)

    // An incremental cycle reads the changes, a complete one also finds the connector's delete.
    const edited = yield* cycle()
    assert.deepStrictEqual(edited.failed, [])
    yield* cycle("complete")

    const expected = expect(original)
    const rows = yield* tableRows(id)
    for (const role of roles) {
      const want = expected[role]
      const row = rows.get(keyOf[person[role]] ?? "")
      const sourceId = row?.sourceId ?? person[role]
      assert.deepStrictEqual(row === undefined || row.deleted ? null : row.values, want.table, `${role}: the table`)
      assert.deepStrictEqual(personOf(fake, sourceId), want.source, `${role}: the connector`)
      if (sourceId !== person[role]) assert.isNull(personOf(fake, person[role]), `${role}: recreated, not copied`)
    }
    const inserted = rows.get("inserted")
    const insertedValues = {
      first_name: "Ina",
      last_name: "Serted",
      nickname: null,
      membership: null,
      medical_notes: null
    }
    assert.deepStrictEqual(inserted?.values, insertedValues)
    assert.deepStrictEqual(personOf(fake, inserted?.sourceId ?? ""), { ...insertedValues, membership: null })
    // Every person is in the table, every live row in the connector (the ones held apart).
    const live = [...rows.values()].filter((row) => !row.deleted)
    const expectedSource = roles.filter((r) => expected[r].source !== null).length
    assert.strictEqual(fake.truth.count("Person"), ids.length - roles.length + expectedSource + 1)

    // Nothing changed since: a cycle writes nothing on either side.
    const writes = yield* fakeWrites(fake)
    const snapshot = yield* sql.unsafe<{ readonly row: string }>(
      `SELECT t::text || t.xmin::text AS row FROM twoway."${id}" t ORDER BY _key`
    )
    const quiet = yield* cycle()
    assert.strictEqual(yield* fakeWrites(fake), writes, "no write to the connector")
    assert.deepStrictEqual(
      yield* sql.unsafe<{ readonly row: string }>(
        `SELECT t::text || t.xmin::text AS row FROM twoway."${id}" t ORDER BY _key`
      ),
      snapshot,
      "no write to the table"
    )
    assert.deepInclude(quiet, { source: { created: 0, updated: 0, deleted: 0 }, table: { written: 0, deleted: 0 } })
    return { fake, live, person, keyOf, original, cycle, definition }
  })

layer(testLayer, { timeout: 120_000 })("two-way sync: each policy on scripted edits", (it) => {
  it.effect("source_wins: the connector's version of every conflicting record", () =>
    Effect.gen(function* () {
      yield* scenario("source_wins", 1, settingsWith({ conflictPolicy: "source_wins" }), (o) => ({
        ...common(o),
        differentFields: both({ ...o.differentFields, first_name: "Src2" }),
        sameField: both({ ...o.sameField, nickname: "Src3" }),
        sourceEditTableDelete: both({ ...o.sourceEditTableDelete, first_name: "Src4" }),
        tableEditSourceDelete: { source: null, table: null }
      }))
      const conflicts = yield* (yield* TwoWayConflicts).list("source_wins")
      assert.sameMembers(
        conflicts.map((c) => `${c.fields.join("+")}:${c.outcome}:${c.policy}:${c.status}`),
        [
          "first_name+last_name:source:source_wins:closed",
          "nickname:source:source_wins:closed",
          "first_name:source:source_wins:closed",
          "first_name:source:source_wins:closed"
        ]
      )
      const same = conflicts.find((c) => c.fields.join() === "nickname")
      assert.strictEqual(same?.source?.nickname, "Src3")
      assert.strictEqual(same?.table?.nickname, "Tbl3")
    }).pipe(Effect.scoped)
  )

  it.effect("target_wins: the table's version, a delete included", () =>
    Effect.gen(function* () {
      yield* scenario("target_wins", 2, settingsWith({ conflictPolicy: "target_wins" }), (o) => ({
        ...common(o),
        differentFields: both({ ...o.differentFields, last_name: "Tbl2" }),
        sameField: both({ ...o.sameField, nickname: "Tbl3" }),
        sourceEditTableDelete: { source: null, table: null },
        // Recreated in the connector from the table (membership is pulled only: the new record has none).
        tableEditSourceDelete: {
          source: { ...o.tableEditSourceDelete, first_name: "Tbl5", membership: null },
          table: { ...o.tableEditSourceDelete, first_name: "Tbl5" }
        }
      }))
    }).pipe(Effect.scoped)
  )

  it.effect(
    "latest_wins: the later version (the connector's for one record, the table's for the other); an edit over a delete",
    () =>
      Effect.gen(function* () {
        yield* scenario("latest_wins", 3, settingsWith({ conflictPolicy: "latest_wins" }), (o) => ({
          ...common(o),
          // The table's edit came a minute before the connector's.
          differentFields: both({ ...o.differentFields, first_name: "Src2" }),
          // The table's edit came a minute after.
          sameField: both({ ...o.sameField, nickname: "Tbl3" }),
          sourceEditTableDelete: both({ ...o.sourceEditTableDelete, first_name: "Src4" }),
          tableEditSourceDelete: {
            source: { ...o.tableEditSourceDelete, first_name: "Tbl5", membership: null },
            table: { ...o.tableEditSourceDelete, first_name: "Tbl5" }
          }
        }))
      }).pipe(Effect.scoped)
  )

  it.effect("latest_wins on the same field: a later time wins; the same second goes to the connector (tie-break)", () =>
    Effect.gen(function* () {
      const id = "latest_tie"
      const connectorId = `pco-${id}`
      const { fake, adapters, now } = yield* fakePco(connectorId, 7)
      const sql = yield* SqlClient.SqlClient
      const definition = yield* twoWayDefinition(id, connectorId, settingsWith({ conflictPolicy: "latest_wins" })).pipe(
        Effect.provide(adapters)
      )
      const cycle = runTwoWayDefinition(definition).pipe(Effect.provide(adapters))
      yield* cycle
      const [tie = "", later = ""] = fake.truth.ids("Person")
      const tableEdit = (person: string, nickname: string) =>
        Effect.gen(function* () {
          const at = yield* now
          yield* sql.unsafe(`UPDATE twoway."${id}" SET nickname = $2, _modified_at = $3 WHERE _source_id = $1`, [
            person,
            nickname,
            at
          ])
        })
      // Both edited in the connector at 12:01:00; the table edits one in the same second, the other a second later.
      yield* TestClock.adjust(Duration.minutes(1))
      yield* fake.mutate.update("Person", tie, { nickname: "SrcTie" })
      yield* fake.mutate.update("Person", later, { nickname: "SrcEarlier" })
      yield* tableEdit(tie, "TblTie")
      // The same second on both sides: a tie.
      assert.strictEqual(
        Date.parse(String(fake.truth.get("Person", tie)?.attributes.updated_at)),
        (yield* now).getTime()
      )
      yield* TestClock.adjust(Duration.seconds(1))
      yield* tableEdit(later, "TblLater")
      const settled = yield* cycle
      assert.strictEqual(settled.conflicts, 2)
      const rows = yield* tableRows(id)
      const bySource = (person: string) => [...rows.values()].find((row) => row.sourceId === person)?.values
      assert.strictEqual(personOf(fake, tie)?.nickname, "SrcTie")
      assert.deepStrictEqual(bySource(tie), personOf(fake, tie))
      assert.strictEqual(personOf(fake, later)?.nickname, "TblLater")
      assert.deepStrictEqual(bySource(later), personOf(fake, later))
      const outcomes = (yield* (yield* TwoWayConflicts).list(id)).map((c) => `${c.sourceId}:${c.outcome}`)
      assert.sameMembers(outcomes, [`${tie}:source`, `${later}:target`])
    }).pipe(Effect.scoped)
  )

  it.effect("merge: one-side fields merged, both-side fields by the fallback (target_wins)", () =>
    Effect.gen(function* () {
      yield* scenario("merge", 4, settingsWith({ conflictPolicy: "merge", mergeFallback: "target_wins" }), (o) => ({
        ...common(o),
        differentFields: both({ ...o.differentFields, first_name: "Src2", last_name: "Tbl2" }),
        sameField: both({ ...o.sameField, nickname: "Tbl3" }),
        sourceEditTableDelete: { source: null, table: null },
        tableEditSourceDelete: {
          source: { ...o.tableEditSourceDelete, first_name: "Tbl5", membership: null },
          table: { ...o.tableEditSourceDelete, first_name: "Tbl5" }
        }
      }))
      const merged = (yield* (yield* TwoWayConflicts).list("merge")).find((c) => c.fields.length === 2)
      assert.strictEqual(merged?.outcome, "merged")
    }).pipe(Effect.scoped)
  )

  it.effect("per field: a field's own policy decides it, the others follow the definition's", () =>
    Effect.gen(function* () {
      const settings = settingsWith({ conflictPolicy: "source_wins" })
      yield* scenario(
        "per_field",
        5,
        {
          ...settings,
          fields: { ...settings.fields, nickname: { policy: "target_wins" }, last_name: { policy: "target_wins" } }
        },
        (o) => ({
          ...common(o),
          differentFields: both({ ...o.differentFields, first_name: "Src2", last_name: "Tbl2" }),
          sameField: both({ ...o.sameField, nickname: "Tbl3" }),
          sourceEditTableDelete: both({ ...o.sourceEditTableDelete, first_name: "Src4" }),
          tableEditSourceDelete: { source: null, table: null }
        })
      )
    }).pipe(Effect.scoped)
  )

  it.effect(
    "manual: conflicting records are held (nothing of them moves) until resolved, then both sides take the resolution",
    () =>
      Effect.gen(function* () {
        const { fake, person, cycle } = yield* scenario(
          "manual",
          6,
          settingsWith({ conflictPolicy: "manual" }),
          (o) => ({
            ...common(o),
            differentFields: {
              source: { ...o.differentFields, first_name: "Src2" },
              table: { ...o.differentFields, last_name: "Tbl2" }
            },
            sameField: { source: { ...o.sameField, nickname: "Src3" }, table: { ...o.sameField, nickname: "Tbl3" } },
            sourceEditTableDelete: { source: { ...o.sourceEditTableDelete, first_name: "Src4" }, table: null },
            tableEditSourceDelete: { source: null, table: { ...o.tableEditSourceDelete, first_name: "Tbl5" } }
          })
        )
        const conflicts = yield* TwoWayConflicts
        const held = yield* conflicts.list("manual", { status: "held" })
        assert.strictEqual(held.length, 4)
        const byField = (name: string) => held.find((c) => c.fields.join("+") === name)
        const sameField = byField("nickname")
        assert.strictEqual(sameField?.source?.nickname, "Src3")
        assert.strictEqual(sameField?.table?.nickname, "Tbl3")
        yield* conflicts.resolve("manual", byField("first_name+last_name")?.id ?? "", { side: "source" })
        yield* conflicts.resolve("manual", sameField?.id ?? "", { record: { nickname: "Both3" } })
        const deletes = held.filter((c) => c.source === null || c.table === null)
        for (const conflict of deletes) yield* conflicts.resolve("manual", conflict.id, { side: "target" })
        const applied = yield* cycle()
        assert.strictEqual(applied.resolutionsApplied, 4)
        const rows = yield* tableRows("manual")
        const bySource = (id: string) => [...rows.values()].find((row) => row.sourceId === id)
        assert.strictEqual(personOf(fake, person.differentFields)?.first_name, "Src2")
        assert.deepStrictEqual(bySource(person.differentFields)?.values, personOf(fake, person.differentFields))
        assert.strictEqual(personOf(fake, person.sameField)?.nickname, "Both3")
        assert.deepStrictEqual(bySource(person.sameField)?.values, personOf(fake, person.sameField))
        assert.isNull(personOf(fake, person.sourceEditTableDelete))
        assert.isUndefined(bySource(person.sourceEditTableDelete))
        assert.strictEqual(yield* Effect.map(conflicts.list("manual", { status: "held" }), (c) => c.length), 0)
      }).pipe(Effect.scoped)
  )
})
