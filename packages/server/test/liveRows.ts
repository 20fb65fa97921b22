/** The live (not soft-deleted) rows of a synced table, to compare with a fake's ground truth. */
import { Effect } from "effect"
import { SqlClient } from "effect/sql"

/** How many live rows `schema.table` holds; 0 when there is no such table (nothing synced yet). */
export const liveRows = (schema: string, table: string) =>
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const found = yield* sql<{ readonly n: number }>`
      SELECT count(*)::int AS n FROM information_schema.tables WHERE table_schema = ${schema} AND table_name = ${table}`
    if (found[0]?.n !== 1) return 0
    const [row] = yield* sql.unsafe<{ readonly n: number }>(
      `SELECT count(*)::int AS n FROM "${schema}"."${table}" WHERE NOT _deleted`
    )
    return row?.n ?? 0
  })
