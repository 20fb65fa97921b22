/**
 * The PostgreSQL destination on a real PostgreSQL: tables from manifests, exact upsert counts, value
 * types through array parameters, soft deletes of unseen rows, and transactions.
 */
import { PgClient } from "@effect/sql-pg"
import { assert, layer } from "@effect/vitest"
import { PgTest } from "@syncflow/testing-pg"
import { Cause, Context, Effect, Exit, Layer } from "effect"
import { SqlClient } from "effect/sql"
import type { DestinationError } from "../../src/destination/DestinationError.ts"
import * as PostgresDestination from "../../src/destination/PostgresDestination.ts"
import { type IngestRow, TableDestination } from "../../src/destination/TableDestination.ts"
import { bk, column, dh, manifest, part, partColumns, pub, range, run1, run2, run3, run4 } from "./fixtures.ts"

const parts = manifest("parts", partColumns)

/** The `DestinationError` reason tag (or other error tag) a failed effect failed with. */
const failureTag = <A, E, R>(effect: Effect.Effect<A, E, R>) =>
  Effect.map(Effect.flip(effect), (error) => {
    const tagged = error as { readonly _tag: string; readonly reason?: { readonly _tag: string } }
    return tagged._tag === "DestinationError" ? tagged.reason!._tag : tagged._tag
  })

layer(PostgresDestination.layer.pipe(Layer.provideMerge(PgTest.layer)))("PostgresDestination", (it) => {
  it.effect("creates the table from the manifest: typed columns, audit columns, a unique business-key hash", () =>
    Effect.gen(function* () {
      const destination = yield* TableDestination
      const sql = yield* SqlClient.SqlClient
      const all = manifest("all_types", [
        column("code", "string", { businessKey: true, nullable: false, length: 50 }),
        column("amount", "decimal", { precision: 12, scale: 2 }),
        column("ratio", "decimal"),
        column("count", "integer"),
        column("huge", "integer", { precision: 38 }),
        column("active", "boolean"),
        column("day", "date"),
        column("at", "timestamp"),
        column("attrs", "json"),
        column("blob", "binary")
      ])
      const result = yield* destination.ensureEntity(pub(all.entity), all)
      assert.deepStrictEqual(result, {
        table: '"public"."all_types"',
        created: true,
        addedColumns: [],
        typeMismatches: []
      })
      const columns = yield* sql<{ readonly name: string; readonly type: string; readonly notnull: boolean }>`
        SELECT a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type, a.attnotnull AS notnull
        FROM pg_attribute a WHERE a.attrelid = 'public.all_types'::regclass AND a.attnum > 0 AND NOT a.attisdropped
        ORDER BY a.attnum`
      assert.deepStrictEqual(
        columns.map((c) => [c.name, c.type, c.notnull]),
        [
          ["_id", "bigint", true],
          ["code", "text", false],
          ["amount", "numeric(12,2)", false],
          ["ratio", "numeric", false],
          ["count", "bigint", false],
          ["huge", "numeric(38,0)", false],
          ["active", "boolean", false],
          ["day", "date", false],
          ["at", "timestamp with time zone", false],
          ["attrs", "jsonb", false],
          ["blob", "bytea", false],
          ["_bk_hash", "text", true],
          ["_data_hash", "text", true],
          ["_row_version", "text", false],
          ["_created_at", "timestamp with time zone", true],
          ["_updated_at", "timestamp with time zone", true],
          ["_deleted", "boolean", true],
          ["_deleted_at", "timestamp with time zone", false],
          ["_last_seen_run", "uuid", false],
          ["_parent_missing", "boolean", true]
        ]
      )
      const indexes = yield* sql<{ readonly def: string }>`
        SELECT indexdef AS def FROM pg_indexes WHERE schemaname = 'public' AND tablename = 'all_types' ORDER BY indexname`
      assert.isTrue(indexes.some((index) => /UNIQUE INDEX .* \(_bk_hash\)/.test(index.def)))
      assert.isTrue(indexes.some((index) => /UNIQUE INDEX .* \(_id\)/.test(index.def)))
      const [identity] = yield* sql<{ readonly identity: string }>`
        SELECT attidentity AS identity FROM pg_attribute WHERE attrelid = 'public.all_types'::regclass AND attname = '_id'`
      assert.strictEqual(identity!.identity, "a")

      // Idempotent.
      assert.deepStrictEqual(yield* destination.ensureEntity(pub(all.entity), all), { ...result, created: false })
    })
  )

  it.effect("two processes ensuring the same entity at once create it once", () =>
    Effect.gen(function* () {
      const url = yield* PgTest.databaseUrl
      const ours = yield* TableDestination
      // Another process: its own destination and client (and connections) on the same database.
      const other = yield* Layer.build(
        PostgresDestination.layerWith({}).pipe(Layer.provide(PgClient.layer({ url, maxConnections: 2 })))
      )
      const theirs = Context.get(other, TableDestination)
      const entity = manifest("raced", parts.columns)
      const results = yield* Effect.all(
        [
          ours.ensureEntity(pub(entity.entity), entity),
          theirs.ensureEntity(pub(entity.entity), entity),
          ours.ensureEntity(pub(entity.entity), entity),
          theirs.ensureEntity(pub(entity.entity), entity)
        ],
        { concurrency: 4 }
      )
      assert.strictEqual(results.filter((result) => result.created).length, 1)
      assert.strictEqual((yield* theirs.upsert(pub("raced"), [part(1)])).inserted, 1)
      assert.strictEqual((yield* ours.upsert(pub("raced"), [part(1)])).unchanged, 1)
    }).pipe(Effect.scoped)
  )

  it.effect("adds the columns a source gains, reports changed types, never drops or retypes", () =>
    Effect.gen(function* () {
      const destination = yield* TableDestination
      const sql = yield* SqlClient.SqlClient
      const evolving = manifest("evolving", [
        column("code", "string"),
        column("qty", "integer"),
        column("old", "string")
      ])
      yield* destination.ensureEntity(pub(evolving.entity), evolving)
      yield* destination.upsert(pub("evolving"), [
        { code: "A", qty: 1, old: "x", _bk_hash: bk(1), _data_hash: dh(1, 1) }
      ])

      const next = manifest("evolving", [
        column("code", "string"),
        column("qty", "decimal", { precision: 10, scale: 3 }),
        column("color", "string"),
        column("weight", "decimal", { precision: 8, scale: 2 })
      ])
      const result = yield* destination.ensureEntity(pub(next.entity), next)
      assert.deepStrictEqual(result, {
        table: '"public"."evolving"',
        created: false,
        addedColumns: ["color", "weight"],
        typeMismatches: [{ column: "qty", expected: "numeric(10,3)", actual: "bigint" }]
      })
      const columns = yield* sql<{ readonly name: string; readonly type: string }>`
        SELECT column_name AS name, data_type AS type FROM information_schema.columns
        WHERE table_schema = 'public' AND table_name = 'evolving' AND column_name NOT LIKE '\\_%' ORDER BY ordinal_position`
      assert.deepStrictEqual(
        columns.map((c) => [c.name, c.type]),
        [
          ["code", "text"],
          ["qty", "bigint"],
          ["old", "text"],
          ["color", "text"],
          ["weight", "numeric"]
        ]
      )
      // The new columns are writable at once; the dropped-from-manifest one keeps its value.
      const written = yield* destination.upsert(pub("evolving"), [
        { code: "A", qty: 2, color: "red", weight: "1.25", _bk_hash: bk(1), _data_hash: dh(1, 2) }
      ])
      assert.deepStrictEqual(written, { inserted: 0, updated: 1, unchanged: 0, deduplicated: 0 })
      const [row] = yield* sql<{ readonly old: string; readonly color: string; readonly weight: string }>`
        SELECT old, color, weight::text AS weight FROM public.evolving`
      assert.deepStrictEqual({ ...row }, { old: "x", color: "red", weight: "1.25" })
    })
  )

  it.effect("counts inserts, updates and unchanged rows exactly, and un-deletes a row that reappears", () =>
    Effect.gen(function* () {
      const destination = yield* TableDestination
      const sql = yield* SqlClient.SqlClient
      yield* destination.ensureEntity(pub(parts.entity), parts)
      const all = range(0, 1000)

      assert.deepStrictEqual(
        yield* destination.upsert(
          pub("parts"),
          all.map((i) => part(i)),
          { runId: run1 }
        ),
        {
          inserted: 1000,
          updated: 0,
          unchanged: 0,
          deduplicated: 0
        }
      )
      assert.deepStrictEqual(
        yield* destination.upsert(
          pub("parts"),
          all.map((i) => part(i)),
          { runId: run1 }
        ),
        {
          inserted: 0,
          updated: 0,
          unchanged: 1000,
          deduplicated: 0
        }
      )
      const changed = new Set(all.filter((i) => i % 27 === 0)) // 38 rows
      const [before] = yield* sql<{ readonly updated: Date }>`
        SELECT _updated_at AS updated FROM public.parts WHERE code = 'P-1'`
      assert.deepStrictEqual(
        yield* destination.upsert(
          pub("parts"),
          all.map((i) => part(i, changed.has(i) ? 2 : 1)),
          { runId: run2 }
        ),
        { inserted: 0, updated: changed.size, unchanged: 1000 - changed.size, deduplicated: 0 }
      )
      const rewritten = yield* sql<{ readonly code: string }>`
        SELECT code FROM public.parts WHERE _last_seen_run = ${run2} ORDER BY _id`
      assert.deepStrictEqual(
        rewritten.map((row) => row.code),
        [...changed].map((i) => `P-${i}`)
      )
      const [p27] = yield* sql<{ readonly description: string; readonly price: string; readonly version: string }>`
        SELECT description, price::text AS price, _row_version AS version FROM public.parts WHERE code = 'P-27'`
      assert.deepStrictEqual({ ...p27 }, { description: "part 27 v2", price: "27.20", version: "v2" })
      const [after] = yield* sql<{
        readonly updated: Date
      }>`SELECT _updated_at AS updated FROM public.parts WHERE code = 'P-1'`
      assert.strictEqual(after!.updated.getTime(), before!.updated.getTime())

      // A mixed chunk: 5 new, 5 changed, 5 unchanged.
      const mixed = [
        ...range(1000, 1005).map((i) => part(i)),
        ...range(1, 6).map((i) => part(i, 3)),
        ...range(6, 11).map((i) => part(i))
      ]
      assert.deepStrictEqual(yield* destination.upsert(pub("parts"), mixed, { runId: run2 }), {
        inserted: 5,
        updated: 5,
        unchanged: 5,
        deduplicated: 0
      })

      // Run 3 sees only rows 0..899: rows 900..1004 are soft-deleted.
      yield* destination.touch(pub("parts"), range(0, 900).map(bk), run3)
      assert.strictEqual(yield* destination.markDeletedNotSeen(pub("parts"), run3), 105)
      const [deleted] = yield* sql<{ readonly n: number }>`
        SELECT count(*)::int4 AS n FROM public.parts WHERE _deleted AND _deleted_at IS NOT NULL`
      assert.strictEqual(deleted!.n, 105)

      // Rows 900..909 reappear unchanged: they are un-deleted, and that counts as an update.
      assert.deepStrictEqual(
        yield* destination.upsert(
          pub("parts"),
          range(900, 910).map((i) => part(i)),
          { runId: run4 }
        ),
        {
          inserted: 0,
          updated: 10,
          unchanged: 0,
          deduplicated: 0
        }
      )
      const states = yield* destination.existingHashes(pub("parts"), [bk(900), bk(950), bk(27), "f".repeat(32)])
      assert.deepStrictEqual(Object.fromEntries(states), {
        [bk(900)]: { dataHash: dh(900, 1), rowVersion: "v1", deleted: false, lastSeenRun: run4 },
        [bk(950)]: { dataHash: dh(950, 1), rowVersion: "v1", deleted: true, lastSeenRun: run1 },
        [bk(27)]: { dataHash: dh(27, 2), rowVersion: "v2", deleted: false, lastSeenRun: run2 }
      })
      const [undeleted] = yield* sql<{ readonly n: number }>`
        SELECT count(*)::int4 AS n FROM public.parts WHERE code = 'P-900' AND NOT _deleted AND _deleted_at IS NULL`
      assert.strictEqual(undeleted!.n, 1)
    })
  )

  it.effect("soft-deletes only the rows a complete listing neither wrote nor touched", () =>
    Effect.gen(function* () {
      const destination = yield* TableDestination
      const sql = yield* SqlClient.SqlClient
      const entity = manifest("seen", parts.columns)
      yield* destination.ensureEntity(pub(entity.entity), entity)
      yield* destination.upsert(
        pub("seen"),
        range(0, 100).map((i) => part(i)),
        { runId: run1 }
      )

      // Run 2: rows 0..9 changed (written by the run), 10..59 unchanged (touched in two windows).
      yield* destination.upsert(
        pub("seen"),
        range(0, 10).map((i) => part(i, 2)),
        { runId: run2 }
      )
      yield* destination.touch(pub("seen"), range(10, 30).map(bk), run2)
      yield* destination.touch(pub("seen"), range(25, 60).map(bk), run2)
      yield* destination.touch(pub("seen"), [], run2)
      assert.strictEqual(yield* destination.markDeletedNotSeen(pub("seen"), run2), 40)
      const live = yield* sql<{ readonly code: string }>`SELECT code FROM public.seen WHERE NOT _deleted ORDER BY _id`
      assert.deepStrictEqual(
        live.map((row) => row.code),
        range(0, 60).map((i) => `P-${i}`)
      )
      const [staged] = yield* sql<{ readonly n: number }>`
        SELECT sum(cardinality(bk_hashes))::int4 AS n FROM syncflow.destination_seen WHERE run_id = ${run2}`
      assert.strictEqual(staged!.n, 0)
      // Reconciling the same run again (a replayed step) deletes nothing more.
      assert.strictEqual(yield* destination.markDeletedNotSeen(pub("seen"), run2), 0)
      const [stillLive] = yield* sql<{
        readonly n: number
      }>`SELECT count(*)::int4 AS n FROM public.seen WHERE NOT _deleted`
      assert.strictEqual(stillLive!.n, 60)
      yield* destination.forgetSeen(pub("seen"), run2)

      // A run that will not reconcile forgets its seen keys.
      yield* destination.touch(pub("seen"), range(0, 60).map(bk), run3)
      yield* destination.forgetSeen(pub("seen"), run3)
      const [forgotten] = yield* sql<{ readonly n: number }>`
        SELECT count(*)::int4 AS n FROM syncflow.destination_seen WHERE table_name = 'public.seen'`
      assert.strictEqual(forgotten!.n, 0)
    })
  )

  it.effect("compares data hashes in one round trip: the rows to write come back, unchanged rows count as seen", () =>
    Effect.gen(function* () {
      const destination = yield* TableDestination
      const sql = yield* SqlClient.SqlClient
      yield* destination.ensureEntity(pub("compared"), manifest("compared", parts.columns))
      yield* destination.upsert(
        pub("compared"),
        range(0, 20).map((i) => part(i)),
        { runId: run1 }
      )
      // Run 2 saw rows 0..14 only: 15..19 are soft-deleted.
      yield* destination.touch(pub("compared"), range(0, 15).map(bk), run2)
      assert.strictEqual(yield* destination.markDeletedNotSeen(pub("compared"), run2), 5)

      const incoming = [part(7), part(1, 2), part(15), part(100), part(2), part(2), part(3, 5)]
      const rows = incoming.map((row) => ({ bkHash: row._bk_hash, dataHash: row._data_hash }))
      // Changed (1), soft-deleted (15), new (100) and changed (3) must be written; 7 and 2 (twice) are unchanged.
      assert.deepStrictEqual(yield* destination.compareHashes(pub("compared"), rows, run3), [1, 2, 3, 6])
      assert.deepStrictEqual(yield* destination.compareHashes(pub("compared"), [], run3), [])

      // Run 3 wrote nothing, and saw 7 and 2 unchanged: every other live row is soft-deleted.
      assert.strictEqual(yield* destination.markDeletedNotSeen(pub("compared"), run3), 13)
      const live = yield* sql<{
        readonly code: string
      }>`SELECT code FROM public.compared WHERE NOT _deleted ORDER BY _id`
      assert.deepStrictEqual(
        live.map((row) => row.code),
        ["P-2", "P-7"]
      )
    })
  )

  it.effect("writes every column type through array parameters, nulls included, without losing precision", () =>
    Effect.gen(function* () {
      const destination = yield* TableDestination
      const sql = yield* SqlClient.SqlClient
      yield* destination.ensureEntity(
        pub("typed"),
        manifest("typed", [
          column("code", "string"),
          column("big", "integer"),
          column("amount", "decimal", { precision: 30, scale: 4 }),
          column("ratio", "decimal"),
          column("flag", "boolean"),
          column("day", "date"),
          column("at", "timestamp"),
          column("doc", "json"),
          column("blob", "binary")
        ])
      )
      const rows: Array<IngestRow> = [
        {
          code: "full",
          big: 9_007_199_254_740_993n,
          amount: "12345678901234567890.1234",
          ratio: 0.1,
          flag: true,
          day: "2025-12-08",
          at: "2025-12-08T10:30:00.123456Z",
          doc: { nested: { list: [1, "two", null] }, quote: 'it\'s "quoted"' },
          blob: new Uint8Array([0, 1, 254, 255]),
          _bk_hash: bk(1),
          _data_hash: dh(1, 1)
        },
        {
          code: "strings",
          big: "-42",
          amount: "-0.0001",
          ratio: "1e-7",
          flag: false,
          day: "2024-02-29T23:59:59Z",
          at: "2025-12-08T12:30:00.5+02:00",
          doc: "just a string",
          blob: "\\xdeadbeef",
          _bk_hash: bk(2),
          _data_hash: dh(2, 1)
        },
        // All-null arrays for every column (and a row that omits every field).
        {
          code: null,
          big: null,
          amount: null,
          ratio: null,
          flag: null,
          day: null,
          at: null,
          doc: null,
          blob: null,
          _bk_hash: bk(3),
          _data_hash: dh(3, 1)
        },
        { _bk_hash: bk(4), _data_hash: dh(4, 1) }
      ]
      assert.deepStrictEqual(yield* destination.upsert(pub("typed"), rows.slice(2)), {
        inserted: 2,
        updated: 0,
        unchanged: 0,
        deduplicated: 0
      })
      assert.strictEqual((yield* destination.upsert(pub("typed"), rows.slice(0, 2))).inserted, 2)
      // Dates as JS Dates travel as binary timestamptz.
      yield* destination.upsert(pub("typed"), [
        {
          code: "dates",
          at: new Date("2025-12-08T10:30:00.123Z"),
          day: new Date("2025-12-08T00:00:00Z"),
          _bk_hash: bk(5),
          _data_hash: dh(5, 1)
        }
      ])
      const read = yield* sql<Record<string, string | null>>`
        SELECT code, big::text AS big, amount::text AS amount, ratio::text AS ratio, flag::text AS flag, day::text AS day,
          to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US') AS at, doc::text AS doc, encode(blob, 'hex') AS blob
        FROM public.typed ORDER BY _bk_hash`
      assert.deepStrictEqual(
        read.map((row) => ({ ...row })),
        [
          {
            code: "full",
            big: "9007199254740993",
            amount: "12345678901234567890.1234",
            ratio: "0.1",
            flag: "true",
            day: "2025-12-08",
            at: "2025-12-08T10:30:00.123456",
            doc: '{"quote": "it\'s \\"quoted\\"", "nested": {"list": [1, "two", null]}}',
            blob: "0001feff"
          },
          {
            code: "strings",
            big: "-42",
            amount: "-0.0001",
            ratio: "0.0000001",
            flag: "false",
            day: "2024-02-29",
            at: "2025-12-08T10:30:00.500000",
            doc: '"just a string"',
            blob: "deadbeef"
          },
          { code: null, big: null, amount: null, ratio: null, flag: null, day: null, at: null, doc: null, blob: null },
          { code: null, big: null, amount: null, ratio: null, flag: null, day: null, at: null, doc: null, blob: null },
          {
            code: "dates",
            big: null,
            amount: null,
            ratio: null,
            flag: null,
            day: "2025-12-08",
            at: "2025-12-08T10:30:00.123000",
            doc: null,
            blob: null
          }
        ]
      )
    })
  )

  it.effect("rejects a value that does not fit its column, naming the row and column, and writes nothing", () =>
    Effect.gen(function* () {
      const destination = yield* TableDestination
      const sql = yield* SqlClient.SqlClient
      yield* destination.ensureEntity(pub("strict"), manifest("strict", parts.columns))
      const rows = range(0, 10).map((i) => part(i))
      const bad = [...rows.slice(0, 7), { ...part(7), qty: 1.5 }, ...rows.slice(8)]
      const error = (yield* Effect.flip(destination.upsert(pub("strict"), bad))) as DestinationError
      assert.strictEqual(error._tag, "DestinationError")
      assert.deepStrictEqual(error.reason._tag === "InvalidValue" ? [error.reason.column, error.reason.row] : [], [
        "qty",
        7
      ])
      assert.include(error.message, "row 7, column qty")
      const [count] = yield* sql<{ readonly n: number }>`SELECT count(*)::int4 AS n FROM public.strict`
      assert.strictEqual(count!.n, 0)

      const cases: ReadonlyArray<readonly [string, Partial<IngestRow>]> = [
        ["price", { price: "1,000.50" }],
        ["price", { price: Number.NaN }],
        ["qty", { qty: "12abc" }],
        ["qty", { qty: 2n ** 64n }],
        ["description", { description: { not: "text" } }],
        ["description", { description: "nul\u0000byte" }],
        ["_bk_hash", { _bk_hash: "" }],
        ["_data_hash", { _data_hash: 42 as unknown as string }]
      ]
      for (const [expected, patch] of cases) {
        const failed = (yield* Effect.flip(
          destination.upsert(pub("strict"), [{ ...part(1), ...patch } as IngestRow])
        )) as DestinationError
        assert.strictEqual(failed.reason._tag === "InvalidValue" ? failed.reason.column : failed.reason._tag, expected)
      }
      const badRun = yield* failureTag(destination.upsert(pub("strict"), rows, { runId: "not-a-uuid" }))
      assert.strictEqual(badRun, "InvalidArgument")
    })
  )

  it.effect("rejects fields that are not columns, and writes rows of different shapes", () =>
    Effect.gen(function* () {
      const destination = yield* TableDestination
      const sql = yield* SqlClient.SqlClient
      yield* destination.ensureEntity(pub("shapes"), manifest("shapes", parts.columns))
      assert.strictEqual(
        yield* failureTag(destination.upsert(pub("shapes"), [{ ...part(1), nope: 1 }])),
        "UnknownColumn"
      )
      assert.strictEqual(
        yield* failureTag(destination.upsert(pub("shapes"), [{ ...part(1), _deleted: true }])),
        "UnknownColumn"
      )
      // A mapper that omits null fields: the second row has a field the first lacks.
      const sparse: Array<IngestRow> = [
        { code: "A", _bk_hash: bk(1), _data_hash: dh(1, 1) },
        { code: "B", qty: 5, _bk_hash: bk(2), _data_hash: dh(2, 1) },
        { description: "only", _bk_hash: bk(3), _data_hash: dh(3, 1) }
      ]
      assert.strictEqual((yield* destination.upsert(pub("shapes"), sparse)).inserted, 3)
      const read = yield* sql<{
        readonly code: string | null
        readonly qty: string | null
        readonly description: string | null
      }>`
        SELECT code, qty::text AS qty, description FROM public.shapes ORDER BY _id`
      assert.deepStrictEqual(
        read.map((row) => [row.code, row.qty, row.description]),
        [
          ["A", null, null],
          ["B", "5", null],
          [null, null, "only"]
        ]
      )
    })
  )

  it.effect("keeps the last row of a business key repeated in a chunk", () =>
    Effect.gen(function* () {
      const destination = yield* TableDestination
      const sql = yield* SqlClient.SqlClient
      yield* destination.ensureEntity(pub("dups"), manifest("dups", parts.columns))
      const result = yield* destination.upsert(pub("dups"), [part(1, 1), part(2, 1), part(1, 2), part(1, 3)])
      assert.deepStrictEqual(result, { inserted: 2, updated: 0, unchanged: 0, deduplicated: 2 })
      const [row] = yield* sql<{ readonly description: string }>`SELECT description FROM public.dups WHERE code = 'P-1'`
      assert.strictEqual(row!.description, "part 1 v3")
    })
  )

  it.effect("splits a chunk larger than the statement limit and still counts exactly", () =>
    Effect.gen(function* () {
      const destination = yield* PostgresDestination.make({ maxRowsPerStatement: 7 })
      yield* destination.ensureEntity(pub("split"), manifest("split", parts.columns))
      const rows = range(0, 50).map((i) => part(i))
      // Duplicates across statement boundaries are still folded first.
      assert.deepStrictEqual(yield* destination.upsert(pub("split"), [...rows, part(3, 2)]), {
        inserted: 50,
        updated: 0,
        unchanged: 0,
        deduplicated: 1
      })
      // Rows 20..49 changed, and row 3 (stored as its last duplicate, version 2) changed back.
      assert.deepStrictEqual(
        yield* destination.upsert(
          pub("split"),
          range(0, 50).map((i) => part(i, i < 20 ? 1 : 2))
        ),
        {
          inserted: 0,
          updated: 31,
          unchanged: 19,
          deduplicated: 0
        }
      )
      // A bad value in the fifth statement: nothing of the call is written.
      const error = (yield* Effect.flip(
        destination.upsert(pub("split"), [...range(100, 130).map((i) => part(i)), { ...part(130), qty: "x" }])
      )) as DestinationError
      assert.deepStrictEqual(error.reason._tag === "InvalidValue" ? error.reason.row : -1, 30)
      const sql = yield* SqlClient.SqlClient
      const [count] = yield* sql<{ readonly n: number }>`SELECT count(*)::int4 AS n FROM public.split`
      assert.strictEqual(count!.n, 50)
      // PostgreSQL refuses the fifth statement (numeric(12,2) overflow): the first four roll back with it.
      const refused = (yield* Effect.flip(
        destination.upsert(pub("split"), [...range(200, 230).map((i) => part(i)), { ...part(230), price: "1e15" }])
      )) as DestinationError
      assert.strictEqual(refused.reason._tag, "DatabaseFailure")
      const [after] = yield* sql<{ readonly n: number }>`SELECT count(*)::int4 AS n FROM public.split`
      assert.strictEqual(after!.n, 50)
      assert.strictEqual((yield* destination.upsert(pub("split"), [part(200)])).inserted, 1)
    })
  )

  it.effect("joins the caller's transaction: a failure after the upsert leaves no row behind", () =>
    Effect.gen(function* () {
      const destination = yield* TableDestination
      const sql = yield* SqlClient.SqlClient
      yield* destination.ensureEntity(pub("tx"), manifest("tx", parts.columns))
      const exit = yield* Effect.exit(
        sql.withTransaction(
          Effect.gen(function* () {
            yield* destination.upsert(
              pub("tx"),
              range(0, 10).map((i) => part(i))
            )
            return yield* Effect.fail("boom")
          })
        )
      )
      assert.isTrue(Exit.isFailure(exit))
      const [count] = yield* sql<{ readonly n: number }>`SELECT count(*)::int4 AS n FROM public.tx`
      assert.strictEqual(count!.n, 0)
      // The plan survives a rolled-back statement elsewhere; the table is writable afterwards.
      assert.strictEqual((yield* destination.upsert(pub("tx"), [part(1)])).inserted, 1)
    })
  )

  it.effect("fails with typed reasons for unknown entities, manifests without columns, and conflicting columns", () =>
    Effect.gen(function* () {
      const destination = yield* TableDestination
      const sql = yield* SqlClient.SqlClient
      assert.strictEqual(yield* failureTag(destination.upsert(pub("missing"), [part(1)])), "UnknownEntity")
      assert.strictEqual(yield* failureTag(destination.existingHashes(pub("missing"), [bk(1)])), "UnknownEntity")
      assert.strictEqual(
        yield* failureTag(destination.ensureEntity(pub("nocolumns"), manifest("nocolumns", undefined))),
        "MissingColumns"
      )
      assert.strictEqual(
        yield* failureTag(destination.ensureEntity(pub("audit"), manifest("audit", [column("_deleted", "boolean")]))),
        "ColumnConflict"
      )
      assert.strictEqual(
        yield* failureTag(
          destination.ensureEntity(pub("twice"), manifest("twice", [column("a", "string"), column("a", "integer")]))
        ),
        "ColumnConflict"
      )
      yield* sql`CREATE TABLE public.legacy (id int PRIMARY KEY, name text)`
      yield* sql`INSERT INTO public.legacy VALUES (1, 'kept')`
      assert.strictEqual(
        yield* failureTag(destination.ensureEntity(pub("legacy"), manifest("legacy", parts.columns))),
        "ForeignTable"
      )
      assert.strictEqual(yield* failureTag(destination.upsert(pub("legacy"), [part(1)])), "ForeignTable")
      const legacy = yield* sql<{ readonly id: number; readonly name: string }>`SELECT * FROM public.legacy`
      assert.deepStrictEqual(
        legacy.map((row) => ({ ...row })),
        [{ id: 1, name: "kept" }]
      )
      const message = Cause.pretty(Cause.fail(yield* Effect.flip(destination.upsert(pub("missing"), [part(1)]))))
      assert.include(message, "ensureEntity")
    })
  )
})
