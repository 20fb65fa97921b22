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

/** `part_no -> value of column` of the live rows of the items table. */
export const storedColumn = (column: string) =>
  Effect.map(
    rowsOrEmpty<{ readonly key: string; readonly value: string | null }>(
      `SELECT part_no AS key, "${column}"::text AS value FROM public.items WHERE NOT _deleted`
    ),
    (rows) => new Map(rows.map((row) => [row.key, row.value]))
  )
