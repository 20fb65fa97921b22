/** Helpers of the schema-drift tests: column values of the items table and of the fake's truth. */
import type { FakeErp } from "@syncflow/apismith/testing"
import { Effect, Predicate } from "effect"
import { rowsOrEmpty } from "./processes.ts"

/** A field of stored JSON data. */
export const field = (data: unknown, name: string): unknown => (Predicate.isObject(data) ? data[name] : undefined)

/** `part_no -> value of column` of the fake's ground truth (JSON text, so numbers and texts compare exactly). */
export const truthColumn = (fake: FakeErp.FakeErp, column: string): ReadonlyMap<string, string | null> =>
  new Map(
    Array.from(fake.groundTruth.rows("items"), (row) => {
      const value = row.values[column]
      return [String(row.values.part_no), value === null || value === undefined ? null : String(value)] as const
    })
  )

/**
 * The items table, qualified: wherever the connector's tables go (found in the catalog, so the
 * tests do not depend on the destination's schema rules).
 */
export const itemsTable = Effect.map(
  rowsOrEmpty<{ readonly name: string }>(
    `SELECT format('%I.%I', table_schema, table_name) AS name FROM information_schema.columns
     WHERE table_name = 'items' AND column_name = '_bk_hash' AND table_schema <> 'syncflow'`
  ),
  (rows) => rows[0]?.name ?? "public.items"
)

/** `part_no -> value of column` of the live rows of the items table. */
export const storedColumn = Effect.fnUntraced(function* (column: string) {
  const rows = yield* rowsOrEmpty<{ readonly key: string; readonly value: string | null }>(
    `SELECT part_no AS key, "${column}"::text AS value FROM ${yield* itemsTable} WHERE NOT _deleted`
  )
  return new Map(rows.map((row) => [row.key, row.value]))
})
