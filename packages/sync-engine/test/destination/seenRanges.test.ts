/**
 * The seen rows of a complete listing on a real PostgreSQL: the ids of unchanged rows recorded as
 * ranges by `compareHashes`, the business keys recorded by `touch` and by releases before the ranges
 * (a listing in progress across an upgrade), and the soft-delete of exactly the other rows, at both
 * ends of the table and between the ranges.
 */
import { PgTypes } from "@effect/sql-pg"
import { assert, layer } from "@effect/vitest"
import { PgTest } from "@syncflow/testing-pg"
import { Effect, Layer } from "effect"
import { SqlClient } from "effect/sql"
import * as PostgresDestination from "../../src/destination/PostgresDestination.ts"
import { TableDestination } from "../../src/destination/TableDestination.ts"
import { bk, manifest, part, partColumns, pub, range, run1, run2 } from "./fixtures.ts"

/** The row hashes `compareHashes` takes for parts `indices` at `version`. */
const hashes = (indices: ReadonlyArray<number>, version = 1) =>
  indices.map((i) => part(i, version)).map((row) => ({ bkHash: row._bk_hash, dataHash: row._data_hash }))

layer(PostgresDestination.layer.pipe(Layer.provideMerge(PgTest.layer)))("seen ranges", (it) => {
  it.effect("a complete listing soft-deletes exactly the rows it neither wrote, found unchanged, nor touched", () =>
    Effect.gen(function* () {
      const destination = yield* TableDestination
      const sql = yield* SqlClient.SqlClient
      const target = pub("ranged")
      yield* destination.ensureEntity(target, manifest("ranged", partColumns))
      yield* destination.upsert(
        target,
        range(0, 100).map((i) => part(i)),
        { runId: run1 }
      )
      yield* destination.markDeleted(target, [bk(5), bk(80)])

      // Run 2, window by window: 50..59 and 10..39 unchanged, then 40..44 changed and written. The
      // first two windows are not where the comparison expects them (after the window before, from
      // id 1 for the first): their rows are found through the business-key index. The third is.
      assert.deepStrictEqual(yield* destination.compareHashes(target, hashes(range(50, 60)), run2), [])
      assert.deepStrictEqual(yield* destination.compareHashes(target, hashes(range(10, 40)), run2), [])
      assert.deepStrictEqual(yield* destination.compareHashes(target, hashes(range(40, 45), 2), run2), range(0, 5))
      yield* destination.upsert(
        target,
        range(40, 45).map((i) => part(i, 2)),
        { runId: run2 }
      )
      // 60..69 recorded as business keys by a release before the id ranges, 70..71 touched (parked
      // children, failed records), with a key the table does not hold.
      yield* sql.unsafe(
        "INSERT INTO syncflow.destination_seen (run_id, table_name, bk_hashes) VALUES ($1::uuid, $2, $3::text[])",
        [PgTypes.uuid(run2), PgTypes.text("public.ranged"), range(60, 70).map(bk)]
      )
      yield* destination.touch(target, [bk(70), bk(71), bk(1000)], run2)

      // Not seen: 0..9 (before the first range) but 5 (deleted already), 45..49 (between ranges),
      // 72..99 (after the last) but 80.
      const expected = [...range(0, 10), ...range(45, 50), ...range(72, 100)].filter((i) => i !== 5 && i !== 80)
      assert.deepStrictEqual(yield* destination.unseen(target, run2), expected.map(bk).sort())
      assert.strictEqual(yield* destination.markDeletedNotSeen(target, run2), expected.length)
      const live = yield* sql<{ readonly code: string }>`SELECT code FROM public.ranged WHERE NOT _deleted ORDER BY _id`
      assert.deepStrictEqual(
        live.map((row) => row.code),
        range(10, 72)
          .filter((i) => i < 45 || i >= 50)
          .map((i) => `P-${i}`)
      )
      // Consumed: a replayed reconcile deletes nothing more.
      assert.strictEqual(yield* destination.markDeletedNotSeen(target, run2), 0)
      const [left] = yield* sql<{ readonly n: number }>`
        SELECT count(*)::int4 AS n FROM syncflow.destination_seen WHERE run_id = ${run2} AND NOT reconciled`
      assert.strictEqual(left!.n, 0)
    })
  )
})
