/**
 * A destination and its row ledger, round trip, for the three pairs the engine uses: the memory
 * destination with the memory ledger (users' tests), the memory destination with the SQL ledger
 * (`syncflow.row_ledger`, as an API destination uses it) and the PostgreSQL table with its own audit
 * columns as ledger. The same listings give the same destination contents: creates, updates by
 * target id, unchanged rows not rewritten, unseen rows deleted by a complete listing, a deleted row
 * that reappears created again, and a replayed window writing nothing.
 */
import { assert, layer } from "@effect/vitest"
import { PgTest } from "@syncflow/testing-pg"
import { Effect, Layer } from "effect"
import { SqlClient } from "effect/sql"
import type { Destination } from "../../src/destination/Destination.ts"
import * as PostgresDestination from "../../src/destination/PostgresDestination.ts"
import { type IngestRow, TableDestination } from "../../src/destination/TableDestination.ts"
import type { TableTarget } from "../../src/destination/TableTarget.ts"
import * as TableWriteSide from "../../src/destination/TableWriteSide.ts"
import type { LedgerScope, RowLedger } from "../../src/ledger/RowLedger.ts"
import * as SqlRowLedger from "../../src/ledger/SqlRowLedger.ts"
import * as TableRowLedger from "../../src/ledger/TableRowLedger.ts"
import { planChanges } from "../../src/stages/delta/planChanges.ts"
import { applyChanges } from "../../src/stages/ingest/applyChanges.ts"
import { reconcileUnseen } from "../../src/stages/track/reconcileUnseen.ts"
import { trackApplied } from "../../src/stages/track/trackApplied.ts"
import { migrate } from "../../src/state/StateMigrations.ts"
import { MemoryDestination, MemoryRowLedger } from "../../src/testing/index.ts"
import { manifest, part, partColumns, pub, run1, run2, run3 } from "../destination/fixtures.ts"

const parts = manifest("parts", partColumns)

interface Pair {
  readonly destination: Destination["Service"]
  readonly ledger: RowLedger["Service"]
  /** The live rows in the destination: code and description, by code. */
  readonly contents: Effect.Effect<ReadonlyArray<readonly [unknown, unknown]>, unknown, SqlClient.SqlClient>
}

/** One window through stages 6, 8 and 9, the ledger's part in one transaction. */
const pushWindow = (
  pair: Pair,
  target: TableTarget,
  scope: LedgerScope,
  rows: ReadonlyArray<IngestRow>,
  runId: string
) =>
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    return yield* sql.withTransaction(
      Effect.gen(function* () {
        const plan = yield* planChanges(pair.ledger, scope, rows, runId)
        const applied = yield* applyChanges(pair.destination, target, plan.changes, {
          syncId: scope.syncId,
          runId,
          window: "0"
        })
        yield* trackApplied(pair.ledger, scope, applied, runId)
        return { unchanged: plan.unchanged, inserted: applied.inserted, updated: applied.updated }
      })
    )
  })

const roundTrip = (pair: Pair, target: TableTarget) =>
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const scope: LedgerScope = { syncId: `sync-${target.table}`, target }
    yield* pair.destination.prepareEntity(target, parts)
    assert.isTrue(yield* pair.ledger.isEmpty(scope))

    const first = yield* pushWindow(
      pair,
      target,
      scope,
      [0, 1, 2, 3, 4].map((i) => part(i)),
      run1
    )
    assert.deepStrictEqual(first, { unchanged: 0, inserted: 5, updated: 0 })
    yield* sql.withTransaction(reconcileUnseen(pair.ledger, pair.destination, target, scope, run1))
    assert.isFalse(yield* pair.ledger.isEmpty(scope))
    const known = yield* pair.ledger.lookup(scope, [part(0)._bk_hash, part(9)._bk_hash])
    assert.deepStrictEqual([...known.keys()], [part(0)._bk_hash])
    assert.strictEqual(known.get(part(0)._bk_hash)?.dataHash, part(0)._data_hash)
    assert.isNotNull(known.get(part(0)._bk_hash)?.targetId)

    // Run 2 lists 0 (unchanged), 1 (changed) and 5 (new): 2, 3 and 4 are gone at the source.
    const second = yield* pushWindow(pair, target, scope, [part(0), part(1, 2), part(5)], run2)
    assert.strictEqual(second.unchanged, 1)
    assert.strictEqual(second.inserted + second.updated, 2)
    const deleted = yield* sql.withTransaction(reconcileUnseen(pair.ledger, pair.destination, target, scope, run2))
    assert.strictEqual(deleted, 3)
    assert.deepStrictEqual(yield* pair.contents, [
      ["P-0", "part 0 v1"],
      ["P-1", "part 1 v2"],
      ["P-5", "part 5 v1"]
    ])

    // Run 3: part 2 comes back (created again), and the same window replayed writes nothing.
    const third = yield* pushWindow(pair, target, scope, [part(0), part(1, 2), part(2), part(5)], run3)
    assert.deepStrictEqual(third, { unchanged: 3, inserted: 1, updated: 0 })
    const replayed = yield* pushWindow(pair, target, scope, [part(0), part(1, 2), part(2), part(5)], run3)
    assert.deepStrictEqual(replayed, { unchanged: 4, inserted: 0, updated: 0 })
    assert.strictEqual(
      yield* sql.withTransaction(reconcileUnseen(pair.ledger, pair.destination, target, scope, run3)),
      0
    )
    assert.deepStrictEqual(yield* pair.contents, [
      ["P-0", "part 0 v1"],
      ["P-1", "part 1 v2"],
      ["P-2", "part 2 v1"],
      ["P-5", "part 5 v1"]
    ])
  })

const memoryContents = (memory: MemoryDestination.MemoryDestination, target: TableTarget) =>
  Effect.sync(() =>
    memory
      .records(target)
      .map((record) => [record.row.code, record.row.description] as const)
      .sort((a, b) => String(a[0]).localeCompare(String(b[0])))
  )

layer(Layer.merge(PostgresDestination.layer, Layer.effectDiscard(migrate)).pipe(Layer.provideMerge(PgTest.layer)))(
  "Destination and RowLedger",
  (it) => {
    it.effect("memory destination, memory ledger", () =>
      Effect.gen(function* () {
        const memory = MemoryDestination.make({ maxBatch: 2 })
        const target = pub("memory_parts")
        yield* roundTrip(
          { destination: memory.destination, ledger: MemoryRowLedger.make(), contents: memoryContents(memory, target) },
          target
        )
      })
    )

    it.effect("memory destination, SQL ledger (syncflow.row_ledger)", () =>
      Effect.gen(function* () {
        const memory = MemoryDestination.make()
        const target = pub("api_parts")
        yield* roundTrip(
          {
            destination: memory.destination,
            ledger: yield* SqlRowLedger.make,
            contents: memoryContents(memory, target)
          },
          target
        )
        const sql = yield* SqlClient.SqlClient
        const rows = yield* sql<{ readonly n: number }>`
          SELECT count(*)::int AS n FROM syncflow.row_ledger WHERE sync_id = 'sync-api_parts' AND target_id IS NOT NULL`
        assert.strictEqual(rows[0]?.n, 6)
      })
    )

    it.effect("PostgreSQL table, its audit columns as ledger", () =>
      Effect.gen(function* () {
        const tables = yield* TableDestination
        const sql = yield* SqlClient.SqlClient
        const target = pub("table_parts")
        yield* roundTrip(
          {
            destination: TableWriteSide.make(tables),
            ledger: TableRowLedger.make(tables),
            contents: sql<{ readonly code: string; readonly description: string }>`
              SELECT code, description FROM public.table_parts WHERE NOT _deleted ORDER BY code`.pipe(
              Effect.map((rows) => rows.map((row) => [row.code, row.description] as const))
            )
          },
          target
        )
      })
    )
  }
)
