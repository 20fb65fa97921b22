/**
 * The bulk (COPY) path of the PostgreSQL destination on a real PostgreSQL: it writes exactly what
 * the unnest path writes (hostile values included) with exactly the same counts, its rows become
 * visible only with the caller's transaction (a failure or a dead connection after the COPY leaves
 * nothing, and re-running the window writes no duplicate), it picks COPY or unnest by what the
 * table's last chunk was, and its pool and staging tables are released and swept.
 */
import { PgClient } from "@effect/sql-pg"
import { assert, layer } from "@effect/vitest"
import { PgTest } from "@syncflow/testing-pg"
import { Config, ConfigProvider, Context, Duration, Effect, Exit, Layer, Redacted } from "effect"
import { SqlClient } from "effect/sql"
import * as CopyLoader from "../../src/destination/CopyLoader.ts"
import type { DestinationError } from "../../src/destination/DestinationError.ts"
import { PgBulkPool } from "../../src/destination/PgBulkPool.ts"
import * as PostgresDestination from "../../src/destination/PostgresDestination.ts"
import { type IngestRow, TableDestination, type UpsertResult } from "../../src/destination/TableDestination.ts"
import * as TableTarget from "../../src/destination/TableTarget.ts"
import { bk, column, dh, manifest, part, partColumns, pub, range, run1, run2, run3, run4 } from "./fixtures.ts"

/** The columns of the hostile-values entity: every type, and reserved words as names. */
const nastyColumns = [
  column("code", "string"),
  column("note", "string"),
  column("order", "string"),
  column("select", "string"),
  column("amount", "decimal", { precision: 30, scale: 4 }),
  column("ratio", "decimal"),
  column("big", "integer"),
  column("huge", "integer", { precision: 38 }),
  column("flag", "boolean"),
  column("day", "date"),
  column("at", "timestamp"),
  column("doc", "json"),
  column("blob", "binary")
]

/** Rows with every value that COPY's text format could get wrong. */
const nastyRows = (version: number): Array<IngestRow> => {
  const rows: Array<Omit<IngestRow, "_bk_hash" | "_data_hash">> = [
    { code: "tabs", note: "tab\there\tand there", order: "new\nline", select: "cr\r\nlf" },
    { code: "backslashes", note: "back\\slash \\N \\. \\\\ \\t", order: "\\", select: "ends with \\" },
    { code: "empty", note: "", order: "", select: "" },
    { code: "nulls", note: null, order: null, select: null },
    { code: "\\N", note: "\\N", order: "N", select: "\\\\N" },
    { code: "unicode", note: "ünïcödé 表 🚀 \u200b zero width, e\u0301 combining", order: "\u0001\u001f\u007f" },
    {
      code: "numbers",
      amount: "12345678901234567890.1234",
      ratio: "1e-7",
      big: 9_007_199_254_740_993n,
      huge: "99999999999999999999999999999999999999",
      flag: true
    },
    { code: "negatives", amount: "-0.0001", ratio: -1.5, big: "-9223372036854775808", huge: "-1", flag: false },
    { code: "numbers as numbers", amount: 42, ratio: 0.1, big: 7, huge: 123_456_789n },
    {
      code: "timestamps",
      at: "2025-12-08T10:30:00.123456Z",
      day: "2024-02-29"
    },
    { code: "offset", at: "2025-12-08T12:30:00.654321+02:00", day: "2024-02-29T23:59:59Z" },
    { code: "no zone", at: "2025-12-08 10:30:00.000001" },
    { code: "date objects", at: new Date("2025-12-08T10:30:00.123Z"), day: new Date("2025-01-02T00:00:00Z") },
    { code: "epoch", at: 1_733_650_200_123 },
    {
      code: "json",
      doc: {
        quote: 'it\'s "quoted"',
        backslash: "a\\b\\\\c",
        newline: "x\ny\r\n",
        tab: "\t",
        unicode: "表🚀",
        nested: [1, "two", null, { deep: true, empty: "" }]
      }
    },
    { code: "json scalars", doc: "just a string with \\ and \t" },
    { code: "json number", doc: 12.5 },
    { code: "json empty", doc: [] },
    { code: "bytes", blob: new Uint8Array([0, 9, 10, 13, 92, 255]) },
    { code: "hex", blob: "\\xdeadbeef" },
    { code: "empty bytes", blob: new Uint8Array(0) },
    { _row_version: "v\twith tab" },
    {}
  ]
  return rows.map((row, i) => ({
    ...row,
    ...(typeof row.code === "string" && version > 1 && i % 3 === 0 ? { note: `changed ${version}` } : {}),
    _bk_hash: i === 21 ? "bk\twith\ttab" : bk(i),
    _data_hash: dh(i, i % 3 === 0 ? version : 1)
  }))
}

/** A table's content, row by row in insertion order, as JSON (everything but ids and write times). */
const content = (table: string) =>
  SqlClient.SqlClient.use((sql) =>
    sql.unsafe<{ readonly row: string }>(
      `SELECT (to_jsonb(t) - '_id' - '_created_at' - '_updated_at' - '_deleted_at')::text AS row
       FROM public.${table} t ORDER BY _id`
    )
  ).pipe(Effect.map((rows) => rows.map((row) => row.row)))

/**
 * The staging tables: how many exist, how many hold rows, and how many rows. (A spare, empty table
 * is created in the background after each bulk write, so `tables` is only exact once the loader is gone.)
 */
const stagingTables = Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  const tables = yield* sql<{ readonly name: string }>`
    SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = 'syncflow' AND c.relname LIKE '\\_bulk\\_%'`
  let rows = 0
  let filled = 0
  for (const table of tables) {
    const [count] = yield* sql.unsafe<{ readonly n: number }>(
      `SELECT count(*)::int4 AS n FROM syncflow."${table.name}"`
    )
    rows += count?.n ?? 0
    if ((count?.n ?? 0) > 0) filled++
  }
  return { tables: tables.length, filled, rows }
})

const count = (table: string) =>
  SqlClient.SqlClient.use((sql) =>
    sql.unsafe<{ readonly n: number; readonly keys: number }>(
      `SELECT count(*)::int4 AS n, count(DISTINCT _bk_hash)::int4 AS keys FROM public.${table}`
    )
  ).pipe(Effect.map((rows) => ({ rows: rows[0]?.n ?? 0, keys: rows[0]?.keys ?? 0 })))

/** The reason tag of a failed destination operation. */
const failureOf = <A, R>(effect: Effect.Effect<A, DestinationError | { readonly _tag: string }, R>) =>
  Effect.map(Effect.flip(effect), (error) => error as DestinationError)

/** The unnest destination and a bulk destination that writes every chunk with COPY. */
const destinations = Effect.gen(function* () {
  const unnest = yield* PostgresDestination.make()
  const copy = yield* PostgresDestination.makeBulk({ minRows: 1, strategy: "always" })
  return { unnest, copy }
})

const bulkPool = Layer.unwrap(Effect.map(PgTest.databaseUrl, (url) => PgBulkPool.layer({ url })))

layer(bulkPool.pipe(Layer.provideMerge(PgTest.layer)))("PostgresDestination bulk path (COPY)", (it) => {
  it.effect(
    "writes exactly what unnest writes: tabs, newlines, backslashes, \\N, empty vs null, unicode, numerics, timestamps, jsonb, bytea",
    () =>
      Effect.gen(function* () {
        const { unnest, copy } = yield* destinations
        yield* unnest.ensureEntity(pub("nasty_unnest"), manifest("nasty_unnest", nastyColumns))
        yield* copy.ensureEntity(pub("nasty_copy"), manifest("nasty_copy", nastyColumns))
        const first = nastyRows(1)
        const viaUnnest = yield* unnest.upsert(pub("nasty_unnest"), first, { runId: run1 })
        const viaCopy = yield* copy.upsert(pub("nasty_copy"), first, { runId: run1 })
        assert.deepStrictEqual(viaCopy, { inserted: first.length, updated: 0, unchanged: 0, deduplicated: 0 })
        assert.deepStrictEqual(viaCopy, viaUnnest)
        const written = yield* content("nasty_copy")
        assert.deepStrictEqual(written, yield* content("nasty_unnest"))

        // Spot checks, so equality with unnest is not equality of two wrong answers.
        const sql = yield* SqlClient.SqlClient
        const read = yield* sql<Record<string, string | null>>`
        SELECT code, note, "order", "select", amount::text AS amount, big::text AS big, huge::text AS huge,
          to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US') AS at, doc::text AS doc,
          encode(blob, 'hex') AS blob, _row_version AS version
        FROM public.nasty_copy ORDER BY _id`
        const byCode = new Map(read.map((row) => [row.code, row]))
        assert.deepStrictEqual(byCode.get("tabs")?.note, "tab\there\tand there")
        assert.deepStrictEqual(byCode.get("tabs")?.select, "cr\r\nlf")
        assert.deepStrictEqual(byCode.get("backslashes")?.note, "back\\slash \\N \\. \\\\ \\t")
        assert.deepStrictEqual([byCode.get("empty")?.note, byCode.get("nulls")?.note], ["", null])
        assert.deepStrictEqual(byCode.get("\\N")?.note, "\\N")
        assert.deepStrictEqual(byCode.get("unicode")?.note, "ünïcödé 表 🚀 \u200b zero width, e\u0301 combining")
        assert.deepStrictEqual(
          [byCode.get("numbers")?.amount, byCode.get("numbers")?.big, byCode.get("numbers")?.huge],
          ["12345678901234567890.1234", "9007199254740993", "99999999999999999999999999999999999999"]
        )
        assert.deepStrictEqual(byCode.get("timestamps")?.at, "2025-12-08T10:30:00.123456")
        assert.deepStrictEqual(byCode.get("offset")?.at, "2025-12-08T10:30:00.654321")
        assert.deepStrictEqual(
          byCode.get("json")?.doc,
          '{"tab": "\\t", "quote": "it\'s \\"quoted\\"", "nested": [1, "two", null, {"deep": true, "empty": ""}], ' +
            '"newline": "x\\ny\\r\\n", "unicode": "表🚀", "backslash": "a\\\\b\\\\\\\\c"}'
        )
        assert.deepStrictEqual(
          [byCode.get("bytes")?.blob, byCode.get("hex")?.blob, byCode.get("empty bytes")?.blob],
          ["00090a0d5cff", "deadbeef", ""]
        )
        assert.strictEqual(read.find((row) => row.version === "v\twith tab")?.code, null)

        // A second pass: every third row changed, the rest unchanged; same counts, same content.
        const second = nastyRows(2)
        const again = yield* copy.upsert(pub("nasty_copy"), second, { runId: run2 })
        assert.deepStrictEqual(again, yield* unnest.upsert(pub("nasty_unnest"), second, { runId: run2 }))
        assert.deepStrictEqual(again, { inserted: 0, updated: 8, unchanged: second.length - 8, deduplicated: 0 })
        assert.deepStrictEqual(yield* content("nasty_copy"), yield* content("nasty_unnest"))
        // Nothing staged is left behind (the spare staging table is empty).
        assert.strictEqual((yield* stagingTables).rows, 0)
      })
  )

  it.effect("counts inserts, updates, unchanged and duplicates exactly as unnest does, and un-deletes", () =>
    Effect.gen(function* () {
      const { unnest, copy } = yield* destinations
      const sql = yield* SqlClient.SqlClient
      const both = <E>(
        f: (destination: TableDestination["Service"], entity: string) => Effect.Effect<UpsertResult, E>
      ): Effect.Effect<UpsertResult, E> =>
        Effect.gen(function* () {
          const viaCopy = yield* f(copy, "parts_copy")
          assert.deepStrictEqual(yield* f(unnest, "parts_unnest"), viaCopy)
          return viaCopy
        })
      yield* copy.ensureEntity(pub("parts_copy"), manifest("parts_copy", partColumns))
      yield* unnest.ensureEntity(pub("parts_unnest"), manifest("parts_unnest", partColumns))
      const all = range(0, 1000)

      const upsertAll = (version: (i: number) => number, runId: string) =>
        both((destination, entity) =>
          destination.upsert(
            pub(entity),
            all.map((i) => part(i, version(i))),
            { runId }
          )
        )
      assert.deepStrictEqual(yield* upsertAll(() => 1, run1), {
        inserted: 1000,
        updated: 0,
        unchanged: 0,
        deduplicated: 0
      })
      assert.deepStrictEqual(yield* upsertAll(() => 1, run1), {
        inserted: 0,
        updated: 0,
        unchanged: 1000,
        deduplicated: 0
      })
      const changed = new Set(all.filter((i) => i % 27 === 0))
      assert.deepStrictEqual(yield* upsertAll((i) => (changed.has(i) ? 2 : 1), run2), {
        inserted: 0,
        updated: changed.size,
        unchanged: 1000 - changed.size,
        deduplicated: 0
      })
      const rewritten = yield* sql<{ readonly code: string }>`
        SELECT code FROM public.parts_copy WHERE _last_seen_run = ${run2} ORDER BY _id`
      assert.deepStrictEqual(
        rewritten.map((row) => row.code),
        [...changed].map((i) => `P-${i}`)
      )

      // 5 new, 5 changed, 5 unchanged, and duplicates of a key: the last one wins.
      const mixed = [
        ...range(1000, 1005).map((i) => part(i)),
        ...range(1, 6).map((i) => part(i, 3)),
        ...range(6, 11).map((i) => part(i)),
        part(1000, 7),
        part(1000, 8)
      ]
      assert.deepStrictEqual(
        yield* both((destination, entity) => destination.upsert(pub(entity), mixed, { runId: run2 })),
        {
          inserted: 5,
          updated: 5,
          unchanged: 5,
          deduplicated: 2
        }
      )
      const [last] = yield* sql<{ readonly description: string }>`
        SELECT description FROM public.parts_copy WHERE code = 'P-1000'`
      assert.strictEqual(last!.description, "part 1000 v8")

      // Run 3 sees rows 0..899 only: 105 rows are soft-deleted; rows 900..909 then reappear unchanged,
      // are un-deleted, and count as updated.
      for (const [destination, entity] of [
        [copy, "parts_copy"],
        [unnest, "parts_unnest"]
      ] as const) {
        yield* destination.touch(pub(entity), range(0, 900).map(bk), run3)
        assert.strictEqual(yield* destination.markDeletedNotSeen(pub(entity), run3), 105)
      }
      assert.deepStrictEqual(
        yield* both((destination, entity) =>
          destination.upsert(
            pub(entity),
            range(900, 910).map((i) => part(i)),
            { runId: run4 }
          )
        ),
        { inserted: 0, updated: 10, unchanged: 0, deduplicated: 0 }
      )
      const [undeleted] = yield* sql<{ readonly n: number }>`
        SELECT count(*)::int4 AS n FROM public.parts_copy
        WHERE code IN ('P-900', 'P-909') AND NOT _deleted AND _deleted_at IS NULL AND _last_seen_run = ${run4}`
      assert.strictEqual(undeleted!.n, 2)
      assert.deepStrictEqual(yield* content("parts_copy"), yield* content("parts_unnest"))
    })
  )

  it.effect("two schemas with a table of the same name: COPY, compare and reconcile each touch only their own", () =>
    Effect.gen(function* () {
      const { copy } = yield* destinations
      const sql = yield* SqlClient.SqlClient
      const north = TableTarget.make("copy_north", "parts")
      const south = TableTarget.make("copy_south", "parts")
      for (const target of [north, south]) yield* copy.ensureEntity(target, manifest("parts", partColumns))
      assert.strictEqual(
        (yield* copy.upsert(
          north,
          range(0, 300).map((i) => part(i)),
          { runId: run1 }
        )).inserted,
        300
      )
      assert.strictEqual(
        (yield* copy.upsert(
          south,
          range(0, 200).map((i) => part(i, 2)),
          { runId: run1 }
        )).inserted,
        200
      )
      // North is listed again without rows 0..9; South is not touched by that reconciliation.
      assert.deepStrictEqual(
        yield* copy.compareHashes(
          north,
          range(10, 300).map((i) => ({ bkHash: bk(i), dataHash: dh(i, 1) })),
          run2
        ),
        []
      )
      assert.strictEqual(yield* copy.markDeletedNotSeen(north, run2), 10)
      const live = (schema: string) =>
        Effect.map(
          sql.unsafe<{ readonly n: number }>(`SELECT count(*)::int4 AS n FROM "${schema}".parts WHERE NOT _deleted`),
          (rows) => rows[0]?.n ?? 0
        )
      assert.strictEqual(yield* live("copy_north"), 290)
      assert.strictEqual(yield* live("copy_south"), 200)
      const [version] = yield* sql<{ readonly description: string }>`
        SELECT description FROM copy_south.parts WHERE code = 'P-1'`
      assert.strictEqual(version!.description, "part 1 v2")
    })
  )

  it.effect(
    "a failure after the COPY and before the commit leaves nothing; re-running the window writes no duplicate",
    () =>
      Effect.gen(function* () {
        const sql = yield* SqlClient.SqlClient
        const { copy } = yield* destinations
        yield* copy.ensureEntity(pub("crash"), manifest("crash", partColumns))
        yield* sql`CREATE TABLE public.checkpoints (entity text PRIMARY KEY, cursor text NOT NULL)`
        const rows = range(0, 500).map((i) => part(i))

        /** One window as the pipeline commits it: rows and checkpoint in one transaction, then `after`. */
        const window = <E>(after: Effect.Effect<void, E>) =>
          sql.withTransaction(
            Effect.gen(function* () {
              const written = yield* copy.upsert(pub("crash"), rows, { runId: run1 })
              yield* sql`INSERT INTO public.checkpoints VALUES ('crash', 'page-2')
              ON CONFLICT (entity) DO UPDATE SET cursor = excluded.cursor`
              yield* after
              return written
            })
          )
        const nothingVisible = Effect.gen(function* () {
          assert.deepStrictEqual(yield* count("crash"), { rows: 0, keys: 0 })
          const checkpoints = yield* sql<{ readonly cursor: string }>`SELECT cursor FROM public.checkpoints`
          assert.strictEqual(checkpoints.length, 0)
        })

        // 1. The window fails after the COPY (and after the publish statement) but before the commit.
        assert.isTrue(Exit.isFailure(yield* Effect.exit(window(Effect.fail("crash before commit")))))
        yield* nothingVisible
        // The COPY did happen: its rows sit in a staging table no one will publish.
        assert.deepStrictEqual([(yield* stagingTables).filled, (yield* stagingTables).rows], [1, 500])

        // 2. The window is interrupted at the same point.
        assert.isTrue(Exit.isFailure(yield* Effect.exit(window(Effect.interrupt))))
        yield* nothingVisible
        assert.strictEqual((yield* stagingTables).filled, 2)

        // 3. The window's connection dies (the process crashed, as the server sees it).
        const died = yield* Effect.exit(window(sql`SELECT pg_terminate_backend(pg_backend_pid())`.pipe(Effect.asVoid)))
        assert.isTrue(Exit.isFailure(died))
        yield* nothingVisible
        assert.strictEqual((yield* stagingTables).filled, 3)

        // Re-running the window writes every row once, and the checkpoint with them.
        assert.deepStrictEqual(yield* window(Effect.void), {
          inserted: 500,
          updated: 0,
          unchanged: 0,
          deduplicated: 0
        })
        assert.deepStrictEqual(yield* count("crash"), { rows: 500, keys: 500 })
        const [checkpoint] = yield* sql<{ readonly cursor: string }>`SELECT cursor FROM public.checkpoints`
        assert.strictEqual(checkpoint!.cursor, "page-2")
        // A window re-read after its commit (the crash came later) changes nothing.
        assert.deepStrictEqual(yield* window(Effect.void), {
          inserted: 0,
          updated: 0,
          unchanged: 500,
          deduplicated: 0
        })
        assert.deepStrictEqual(yield* count("crash"), { rows: 500, keys: 500 })

        // The staging tables of the failed attempts are orphans: the sweep drops them (here with no
        // grace period, so the spare goes too), and the next bulk write still finds a table to stage in.
        assert.deepStrictEqual([(yield* stagingTables).filled, (yield* stagingTables).rows], [3, 1500])
        const loader = yield* CopyLoader.make(sql, { stagingSchema: "syncflow" })
        assert.strictEqual(yield* loader.sweep(Duration.hours(1)), 0)
        assert.isAtLeast(yield* loader.sweep(Duration.zero), 3)
        assert.deepStrictEqual([(yield* stagingTables).filled, (yield* stagingTables).rows], [0, 0])
        assert.deepStrictEqual(
          yield* copy.upsert(
            pub("crash"),
            range(500, 600).map((i) => part(i))
          ),
          {
            inserted: 100,
            updated: 0,
            unchanged: 0,
            deduplicated: 0
          }
        )
      })
  )

  it.effect("rejects an invalid value in a bulk chunk, naming row and column, and writes nothing", () =>
    Effect.gen(function* () {
      const { copy } = yield* destinations
      yield* copy.ensureEntity(pub("strict_copy"), manifest("strict_copy", partColumns))
      const rows = range(0, 100).map((i) => part(i))
      const bad = [...rows.slice(0, 57), { ...part(57), qty: 1.5 }, ...rows.slice(58)]
      const error = yield* failureOf(copy.upsert(pub("strict_copy"), bad))
      assert.deepStrictEqual(error.reason._tag === "InvalidValue" ? [error.reason.column, error.reason.row] : [], [
        "qty",
        57
      ])
      // Positions are those of the caller's chunk, before duplicates are folded.
      const duplicated = [part(0), part(0), ...rows.slice(1, 10), { ...part(10), _data_hash: "" }]
      const second = yield* failureOf(copy.upsert(pub("strict_copy"), duplicated))
      assert.deepStrictEqual(second.reason._tag === "InvalidValue" ? [second.reason.column, second.reason.row] : [], [
        "_data_hash",
        11
      ])
      assert.deepStrictEqual(yield* count("strict_copy"), { rows: 0, keys: 0 })
      assert.strictEqual((yield* stagingTables).rows, 0)
      assert.strictEqual(
        (yield* failureOf(copy.upsert(pub("strict_copy"), [{ ...part(1), nope: 1 }]))).reason._tag,
        "UnknownColumn"
      )

      // PostgreSQL refuses the publish (12345678901234.5 overflows numeric(12,2)): nothing is written.
      const overflow = [...rows, { ...part(100), price: "12345678901234.5" }]
      const refused = yield* failureOf(copy.upsert(pub("strict_copy"), overflow))
      assert.strictEqual(refused.reason._tag, "DatabaseFailure")
      assert.deepStrictEqual(yield* count("strict_copy"), { rows: 0, keys: 0 })
      assert.strictEqual((yield* stagingTables).rows, 0)
      assert.strictEqual((yield* copy.upsert(pub("strict_copy"), rows)).inserted, 100)
    })
  )

  it.effect("refuses to publish into a transaction whose snapshot cannot see the staged rows", () =>
    Effect.gen(function* () {
      const sql = yield* SqlClient.SqlClient
      const { copy } = yield* destinations
      yield* copy.ensureEntity(pub("snapshot"), manifest("snapshot", partColumns))
      const error = yield* failureOf(
        sql.withTransaction(
          Effect.gen(function* () {
            yield* sql`SET TRANSACTION ISOLATION LEVEL REPEATABLE READ`
            yield* sql`SELECT 1`
            return yield* copy.upsert(
              pub("snapshot"),
              range(0, 10).map((i) => part(i))
            )
          })
        )
      )
      assert.strictEqual(error.reason._tag, "DatabaseFailure")
      assert.include(error.message, "READ COMMITTED")
      assert.deepStrictEqual(yield* count("snapshot"), { rows: 0, keys: 0 })
    })
  )

  it.effect(
    "adaptive: COPY while chunks are all new, unnest after a chunk with existing keys, small chunks unnest",
    () =>
      Effect.gen(function* () {
        const pool = yield* PgBulkPool
        let copies = 0
        const counting = PgBulkPool.of({
          withConnection: (entity, use) =>
            pool.withConnection(entity, (connection) =>
              use({
                ...connection,
                copyIn: (operation, text, batches) =>
                  Effect.suspend(() => {
                    copies++
                    return connection.copyIn(operation, text, batches)
                  })
              })
            )
        })
        const destination = yield* PostgresDestination.makeBulk({ minRows: 100 }).pipe(
          Effect.provideService(PgBulkPool, counting)
        )
        yield* destination.ensureEntity(pub("adaptive"), manifest("adaptive", partColumns))
        const step = Effect.fnUntraced(function* (rows: ReadonlyArray<IngestRow>) {
          const before = copies
          const result = yield* destination.upsert(pub("adaptive"), rows)
          return { ...result, copied: copies > before }
        })
        const expect = (inserted: number, updated: number, unchanged: number, copied: boolean) => ({
          inserted,
          updated,
          unchanged,
          deduplicated: 0,
          copied
        })
        assert.deepStrictEqual(yield* step(range(0, 50).map((i) => part(i))), expect(50, 0, 0, false))
        assert.deepStrictEqual(yield* step(range(50, 250).map((i) => part(i))), expect(200, 0, 0, true))
        // Existing keys: this chunk was staged already and is upserted from the staging table ...
        assert.deepStrictEqual(yield* step(range(150, 350).map((i) => part(i))), expect(100, 0, 100, true))
        // ... and the next large chunk goes to unnest; it is all new, so the one after that is COPYed again.
        assert.deepStrictEqual(yield* step(range(350, 550).map((i) => part(i))), expect(200, 0, 0, false))
        assert.deepStrictEqual(yield* step(range(550, 750).map((i) => part(i, 2))), expect(200, 0, 0, true))
        assert.deepStrictEqual(
          yield* step(range(0, 750).map((i) => part(i, i < 550 ? 1 : 3))),
          expect(0, 200, 550, true)
        )
        assert.deepStrictEqual(yield* step(range(0, 750).map((i) => part(i, 4))), expect(0, 750, 0, false))
        assert.deepStrictEqual(yield* count("adaptive"), { rows: 750, keys: 750 })
      })
  )

  it.effect("two writers COPYing overlapping new keys at once write each key once", () =>
    Effect.gen(function* () {
      const sql = yield* SqlClient.SqlClient
      const first = yield* PostgresDestination.makeBulk({ minRows: 1 })
      const url = yield* PgTest.databaseUrl
      // Another process: its own pool, loader and SqlClient.
      const other = yield* Layer.build(
        PostgresDestination.layerBulk({ minRows: 1 }).pipe(
          Layer.provide(PgBulkPool.layer({ url })),
          Layer.provide(PgClient.layer({ url, maxConnections: 2 }))
        )
      )
      const second = Context.get(other, TableDestination)
      yield* first.ensureEntity(pub("raced_copy"), manifest("raced_copy", partColumns))
      const results = yield* Effect.all(
        [
          sql.withTransaction(
            first.upsert(
              pub("raced_copy"),
              range(0, 1000).map((i) => part(i))
            )
          ),
          second.upsert(
            pub("raced_copy"),
            range(500, 1500).map((i) => part(i))
          )
        ],
        { concurrency: 2 }
      )
      assert.strictEqual(results[0].inserted + results[1].inserted, 1500)
      assert.strictEqual(results[0].unchanged + results[1].unchanged, 500)
      assert.deepStrictEqual(yield* count("raced_copy"), { rows: 1500, keys: 1500 })
    }).pipe(Effect.scoped)
  )

  it.effect("the pool is ended and spare staging tables dropped when the layer is released", () =>
    Effect.gen(function* () {
      const url = yield* PgTest.databaseUrl
      const sql = yield* SqlClient.SqlClient
      yield* PostgresDestination.make().pipe(
        Effect.flatMap((d) => d.ensureEntity(pub("released"), manifest("released", partColumns)))
      )
      const before = yield* stagingTables
      const pool = yield* Effect.scoped(
        Effect.gen(function* () {
          const built = yield* Layer.build(
            PostgresDestination.layerBulk({ minRows: 1 }).pipe(
              Layer.provideMerge(PgBulkPool.layer({ url })),
              Layer.provide(Layer.succeed(SqlClient.SqlClient, sql))
            )
          )
          const destination = Context.get(built, TableDestination)
          assert.strictEqual((yield* destination.upsert(pub("released"), [part(1), part(2)])).inserted, 2)
          return Context.get(built, PgBulkPool)
        })
      )
      assert.deepStrictEqual(yield* stagingTables, before)
      const ended = yield* failureOf(pool.withConnection("released", () => Effect.void))
      assert.deepStrictEqual(
        ended.reason._tag === "DatabaseFailure" ? ended.reason.operation : ended.reason._tag,
        "connecting for COPY"
      )
    })
  )

  it.effect("reads its URL from configuration, and never shows it", () =>
    Effect.gen(function* () {
      const url = yield* PgTest.databaseUrl
      const sql = yield* SqlClient.SqlClient
      const provider = ConfigProvider.fromUnknown({ BULK_URL: Redacted.value(url) })
      const configured = yield* Layer.build(
        PostgresDestination.layerBulk({ minRows: 1 }).pipe(
          Layer.provide(PgBulkPool.layerConfig({ url: Config.Redacted("BULK_URL") })),
          Layer.provide(Layer.succeed(SqlClient.SqlClient, sql)),
          Layer.provide(ConfigProvider.layer(provider))
        )
      )
      const destination = Context.get(configured, TableDestination)
      yield* destination.ensureEntity(pub("configured"), manifest("configured", partColumns))
      assert.strictEqual((yield* destination.upsert(pub("configured"), [part(1)])).inserted, 1)

      const secret = "sup3r-s3cret-pa55"
      const unreachable = yield* Layer.build(
        PgBulkPool.layer({
          url: Redacted.make(`postgres://syncflow:${secret}@127.0.0.1:1/nowhere`),
          connectTimeoutMillis: 5_000
        })
      )
      const error = yield* failureOf(
        Context.get(unreachable, PgBulkPool).withConnection("configured", () => Effect.void)
      )
      assert.strictEqual(error.reason._tag, "DatabaseFailure")
      assert.notInclude(error.message, secret)
      assert.notInclude(JSON.stringify(error), secret)
      assert.notInclude(String(Redacted.make(secret)), secret)
    }).pipe(Effect.scoped)
  )
})
