/**
 * Table and column names come from a source's metadata: hostile ones (SQL in a name, quotes, spaces,
 * unicode, reserved words, over-long names) are rejected with a typed error or, where allowed,
 * quoted; nothing they contain reaches the database as SQL.
 */
import { assert, layer } from "@effect/vitest"
import type { EntityManifest } from "@syncflow/adapter-core"
import { PgTest } from "@syncflow/testing-pg"
import { Effect, Exit, Layer, Result } from "effect"
import { SqlClient } from "effect/sql"
import * as Identifier from "../../src/destination/Identifier.ts"
import * as PostgresDestination from "../../src/destination/PostgresDestination.ts"
import { type IngestRow, TableDestination } from "../../src/destination/TableDestination.ts"
import * as TableTarget from "../../src/destination/TableTarget.ts"
import { pub } from "./fixtures.ts"

const hostileNames = [
  'x"; drop table y; --',
  "y; drop table y",
  'quo"te',
  "it's",
  "with space",
  "Ünïcödé",
  "表",
  "UPPER",
  "9lives",
  "dot.ted",
  "new\nline",
  "nul\u0000",
  "x".repeat(64),
  ""
]

const manifest = (entity: string, columns: ReadonlyArray<string>): EntityManifest => ({
  entity,
  endpoint: "e.list",
  businessKey: [columns[0] ?? "id"],
  deltaStrategy: "hash",
  parents: [],
  columns: columns.map((name) => ({ name, type: "string" as const, nullable: true, businessKey: false }))
})

const row = (fields: Record<string, unknown>): IngestRow => ({
  ...fields,
  _bk_hash: "0".repeat(32),
  _data_hash: "1".repeat(64)
})

const run = "00000000-0000-4000-8000-000000000001"

/** The tag of the error an effect fails with (the reason's tag for a `DestinationError`). */
const errorTag = <A, E, R>(effect: Effect.Effect<A, E, R>) =>
  Effect.map(Effect.flip(effect), (error) => {
    const tagged = error as { readonly _tag: string; readonly reason?: { readonly _tag: string } }
    return tagged._tag === "DestinationError" ? tagged.reason!._tag : tagged._tag
  })

layer(PostgresDestination.layer.pipe(Layer.provideMerge(PgTest.layer)))("hostile identifiers", (it) => {
  it.effect("are rejected as entity and column names, and the database stays intact", () =>
    Effect.gen(function* () {
      const sql = yield* SqlClient.SqlClient
      const destination = yield* TableDestination
      yield* sql`CREATE TABLE public.y (id int PRIMARY KEY)`
      yield* sql`INSERT INTO public.y VALUES (1), (2)`
      yield* destination.ensureEntity(pub("safe"), manifest("safe", ["code", "select", "order", "user"]))

      for (const name of hostileNames) {
        assert.strictEqual(
          yield* errorTag(destination.ensureEntity(pub(name), manifest(name, ["code"]))),
          "InvalidIdentifier",
          name
        )
        assert.strictEqual(
          yield* errorTag(destination.ensureEntity(pub("t"), manifest("t", [name]))),
          "InvalidIdentifier",
          name
        )
        assert.strictEqual(yield* errorTag(destination.upsert(pub(name), [row({})])), "InvalidIdentifier", name)
        assert.strictEqual(yield* errorTag(destination.existingHashes(pub(name), ["0"])), "InvalidIdentifier", name)
        assert.strictEqual(yield* errorTag(destination.touch(pub(name), ["0"], run)), "InvalidIdentifier", name)
        assert.strictEqual(
          yield* errorTag(destination.compareHashes(pub(name), [{ bkHash: "0", dataHash: "0" }], run)),
          "InvalidIdentifier",
          name
        )
        assert.strictEqual(yield* errorTag(destination.isEmpty(pub(name))), "InvalidIdentifier", name)
        assert.strictEqual(yield* errorTag(destination.markDeletedNotSeen(pub(name), run)), "InvalidIdentifier", name)
        assert.strictEqual(yield* errorTag(destination.forgetSeen(pub(name), run)), "InvalidIdentifier", name)
        // As a target's schema, too.
        const inSchema = TableTarget.make(name, "safe")
        assert.strictEqual(
          yield* errorTag(destination.ensureEntity(inSchema, manifest("safe", ["code"]))),
          "InvalidIdentifier",
          name
        )
        assert.strictEqual(yield* errorTag(destination.upsert(inSchema, [row({})])), "InvalidIdentifier", name)
        assert.strictEqual(yield* errorTag(destination.markDeletedNotSeen(inSchema, run)), "InvalidIdentifier", name)
        // A connector's schema setting is refused; its id is normalized, or refused when nothing is left.
        assert.isTrue(Result.isFailure(TableTarget.validateSchemaResult(name)), name)
        const derived = TableTarget.defaultSchemaOf(name)
        if (Result.isSuccess(derived)) assert.match(derived.success, /^[a-z_][a-z0-9_]*$/, name)
        // As a row's field it is just not a column: it never reaches SQL.
        if (name !== "") {
          assert.strictEqual(
            yield* errorTag(destination.upsert(pub("safe"), [row({ [name]: "v" })])),
            "UnknownColumn",
            name
          )
        }
      }
      assert.strictEqual(
        yield* errorTag(destination.ensureEntity(pub("pg_catalog"), manifest("pg_catalog", ["code"]))),
        "InvalidIdentifier"
      )
      assert.strictEqual(
        yield* errorTag(destination.ensureEntity(pub("t"), manifest("t", ["ctid"]))),
        "InvalidIdentifier"
      )

      // Reserved words are fine as (quoted) column names, and hostile values are just data.
      const value = 'x"; drop table y; --'
      assert.strictEqual(
        (yield* destination.upsert(pub("safe"), [
          row({ code: value, select: "'; drop table y; --", order: "1", user: "u" })
        ])).inserted,
        1
      )
      const [stored] = yield* sql<{ readonly code: string; readonly select: string }>`
        SELECT code, "select" FROM public.safe`
      assert.deepStrictEqual({ ...stored }, { code: value, select: "'; drop table y; --" })

      const ys = yield* sql<{ readonly id: number }>`SELECT id FROM public.y ORDER BY id`
      assert.deepStrictEqual(
        ys.map((r) => r.id),
        [1, 2]
      )
      const tables = yield* sql<{ readonly name: string }>`
        SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name`
      assert.deepStrictEqual(
        tables.map((t) => t.name),
        ["safe", "y"]
      )
    })
  )

  it.effect("quoting keeps a hostile name one identifier even where validation is bypassed", () =>
    Effect.gen(function* () {
      const sql = yield* SqlClient.SqlClient
      for (const name of ['x"; drop table y; --', 'a""b', "semi; colon", "Ünïcödé 表"]) {
        yield* sql.unsafe(`CREATE TABLE ${Identifier.qualified("public", name)} (${Identifier.quote(name)} text)`)
        yield* sql.unsafe(`INSERT INTO ${Identifier.qualified("public", name)} VALUES ('kept')`)
        const rows = yield* sql.unsafe<Record<string, string>>(`SELECT * FROM ${Identifier.qualified("public", name)}`)
        assert.deepStrictEqual(
          rows.map((r) => ({ ...r })),
          [{ [name]: "kept" }]
        )
      }
      const ys = yield* sql<{ readonly n: number }>`SELECT count(*)::int4 AS n FROM public.y`
      assert.strictEqual(ys[0]!.n, 2)
    })
  )

  it.effect("a hostile staging schema setting fails the layer with a typed error", () =>
    Effect.gen(function* () {
      const exit = yield* Effect.exit(PostgresDestination.make({ stagingSchema: 'public"; drop table y; --' }))
      assert.isTrue(Exit.isFailure(exit))
      assert.strictEqual(yield* errorTag(PostgresDestination.make({ stagingSchema: "Sync Flow" })), "InvalidIdentifier")
    })
  )

  it("connector ids become schema names deterministically; reserved and empty ones are refused", () => {
    assert.strictEqual(Result.getOrThrow(TableTarget.defaultSchemaOf("ERP-Plant 2")), "erp_plant_2")
    assert.strictEqual(Result.getOrThrow(TableTarget.defaultSchemaOf("erp")), "erp")
    assert.strictEqual(
      Result.getOrThrow(TableTarget.defaultSchemaOf("3f2a9c1e-0b7d-4c55-9a61-2f0d8e7b6a10")),
      "_3f2a9c1e_0b7d_4c55_9a61_2f0d8e7b6a10"
    )
    assert.strictEqual(Result.getOrThrow(TableTarget.defaultSchemaOf('x"; drop table y; --')), "x_drop_table_y")
    for (const refused of ["public", "PUBLIC", "syncflow", "information_schema", "!!!", "表"]) {
      assert.isTrue(Result.isFailure(TableTarget.defaultSchemaOf(refused)), refused)
    }
    assert.strictEqual(Result.getOrThrow(TableTarget.validateSchemaResult("public")), "public")
    for (const refused of ["syncflow", "information_schema", "pg_temp", "Sales"]) {
      assert.isTrue(Result.isFailure(TableTarget.validateSchemaResult(refused)), refused)
    }
  })
})
