/**
 * A two-way cycle SIGKILLed in a real process (`fixtures/cycler.ts`) right after Planning Center
 * answered a write and before the cycle recorded it (its table write and ledger transaction never
 * commits): once after an update, once after a create. The cycle run again here ends with both
 * sides equal to the expected state, field by field, with no person created twice and each
 * conflict logged once; a cycle after it writes nothing.
 */
import { spawn } from "node:child_process"
import { fileURLToPath } from "node:url"
import { assert, layer } from "@effect/vitest"
import { PgTest } from "@syncflow/testing-pg"
import { Effect, Layer, Option, Redacted } from "effect"
import { SqlClient } from "effect/sql"
import { runTwoWayDefinition } from "../../src/bidirectional/runTwoWayDefinition.ts"
import { TwoWayConflicts } from "../../src/bidirectional/TwoWayConflicts.ts"
import { waitFor } from "../workflow/processes.ts"
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

const cycler = fileURLToPath(new URL("./fixtures/cycler.ts", import.meta.url))
const testLayer = TwoWayConflicts.layer.pipe(Layer.provideMerge(twoWayLayer))

const killedCycle = (id: string, seed: number, hangAfterWrites: number) =>
  Effect.gen(function* () {
    const connectorId = `pco-${id}`
    const { fake, adapters } = yield* fakePco(connectorId, seed)
    const sql = yield* SqlClient.SqlClient
    const definition = yield* twoWayDefinition(id, connectorId, settingsWith({ conflictPolicy: "merge" })).pipe(
      Effect.provide(adapters)
    )
    const cycle = runTwoWayDefinition(definition).pipe(Effect.provide(adapters))
    yield* cycle
    const imported = yield* tableRows(id)
    const keyOf = new Map([...imported].map(([key, row]) => [row.sourceId ?? "", key]))
    const [p0 = "", p1 = "", p2 = "", p3 = "", p4 = "", p5 = ""] = fake.truth.ids("Person")
    const original = (person: string): Fields => personOf(fake, person) ?? {}
    const people = fake.truth.count("Person")
    const expected: ReadonlyArray<readonly [string, Fields]> = [
      [p0, { ...original(p0), first_name: "K0" }],
      [p1, { ...original(p1), first_name: "K1" }],
      [p2, { ...original(p2), last_name: "T2" }],
      [p3, { ...original(p3), last_name: "T3" }],
      [p4, { ...original(p4), nickname: "T4" }],
      // Changed on both sides (different fields): merged.
      [p5, { ...original(p5), first_name: "K5", last_name: "T5" }]
    ]

    // Edits on both sides: the connector's, the table's, both on one person, a new row.
    yield* fake.mutate.update("Person", p0, { first_name: "K0" })
    yield* fake.mutate.update("Person", p1, { first_name: "K1" })
    yield* fake.mutate.update("Person", p5, { first_name: "K5" })
    const edit = (person: string, set: string) =>
      sql.unsafe(`UPDATE twoway."${id}" SET ${set} WHERE _key = $1`, [keyOf.get(person) ?? ""])
    yield* edit(p5, "last_name = 'T5'")
    yield* edit(p2, "last_name = 'T2'")
    yield* edit(p3, "last_name = 'T3'")
    yield* edit(p4, "nickname = 'T4'")
    yield* sql.unsafe(`INSERT INTO twoway."${id}" (_key, first_name, last_name) VALUES ('new', 'Kay', 'Killed')`)

    // The cycle in another process, killed once Planning Center answered its write number `hangAfterWrites`.
    const databaseUrl = Redacted.value(yield* PgTest.databaseUrl)
    const child = yield* Effect.acquireRelease(
      Effect.sync(() =>
        spawn(process.execPath, [cycler], {
          env: {
            ...process.env,
            DATABASE_URL: databaseUrl,
            PCO_URL: fake.baseUrl,
            SEED: String(seed),
            DEFINITION: id,
            HANG_AFTER_WRITES: String(hangAfterWrites)
          },
          stdio: ["ignore", "pipe", "pipe"]
        })
      ),
      (child) => Effect.sync(() => child.kill("SIGKILL"))
    )
    let output = ""
    child.stdout?.on("data", (chunk: Buffer) => {
      output += chunk.toString()
    })
    child.stderr?.on("data", (chunk: Buffer) => {
      output += chunk.toString()
    })
    yield* waitFor(
      `the cycler to have written ${hangAfterWrites} times`,
      Effect.sync(() => (output.includes(`written ${hangAfterWrites}`) ? Option.some(true) : Option.none())),
      { timeout: "100 seconds", context: () => output }
    )
    child.kill("SIGKILL")
    yield* Effect.callback<void>((resume) => {
      if (child.exitCode !== null || child.signalCode !== null) resume(Effect.void)
      else child.once("exit", () => resume(Effect.void))
    })
    assert.notInclude(output, "done")
    assert.strictEqual(yield* fakeWrites(fake), hangAfterWrites)

    // Run again: both sides as expected, nothing twice.
    const resumed = yield* cycle
    assert.deepStrictEqual(resumed.failed, [])
    const rows = yield* tableRows(id)
    for (const [person, values] of expected) {
      assert.deepStrictEqual(rows.get(keyOf.get(person) ?? "")?.values, values, `person ${person}: the table`)
      assert.deepStrictEqual(personOf(fake, person), values, `person ${person}: the connector`)
    }
    const inserted = rows.get("new")
    const insertedValues = {
      first_name: "Kay",
      last_name: "Killed",
      nickname: null,
      membership: null,
      medical_notes: null
    }
    assert.deepStrictEqual(inserted?.values, insertedValues)
    assert.deepStrictEqual(personOf(fake, inserted?.sourceId ?? ""), insertedValues)
    assert.strictEqual(fake.truth.count("Person"), people + 1, "the new person created once")
    const kays = [...fake.truth.all("Person")].filter(
      (p) => (p.attributes as Readonly<Record<string, unknown>>).last_name === "Killed"
    )
    assert.strictEqual(kays.length, 1)
    const conflicts = yield* (yield* TwoWayConflicts).list(id)
    assert.deepStrictEqual(
      conflicts.map((c) => `${c.sourceId}:${c.fields.join("+")}:${c.outcome}`),
      [`${p5}:first_name+last_name:merged`]
    )

    // And a cycle after it writes nothing on either side.
    const writes = yield* fakeWrites(fake)
    const quiet = yield* cycle
    assert.strictEqual(yield* fakeWrites(fake), writes)
    assert.deepInclude(quiet, { source: { created: 0, updated: 0, deleted: 0 }, table: { written: 0, deleted: 0 } })
  }).pipe(Effect.scoped)

layer(testLayer, { timeout: 240_000, excludeTestServices: true })("a two-way cycle killed mid-way", (it) => {
  it.effect(
    "killed after an update answered, before its commit: resumed, both sides as expected",
    () => killedCycle("killed_update", 21, 2),
    180_000
  )
  it.effect(
    "killed after a create answered, before its commit: the record is adopted, not created twice",
    () => killedCycle("killed_create", 22, 5),
    180_000
  )
})
