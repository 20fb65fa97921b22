/**
 * A mapping entry's `lookup` into another synced table, compiled: the values it found for the keys of
 * the current window (read in one query per window and lookup, `loadTableLookups`), and `find`, the
 * synchronous read the Transform stage makes per row. The table is resolved at the first window (it
 * must have been synced); the cache is dropped at each window's start, so memory stays bounded by a
 * window's distinct keys and a changed row of the other table is seen by the next window.
 */
import { Effect } from "effect"
import type { SqlClient } from "effect/sql"
import type { EtlRunError } from "../etl/EtlRunError.ts"
import { columnOf, fetchByKey, keyText, resolveSyncedTable, type SyncedTable } from "../etl/SyncedTable.ts"
import { readOwn } from "../stages/Fields.ts"
import type { Row } from "../stages/Row.ts"
import type { TableLookupTransform } from "./FieldMapping.ts"

/** What `find` answers: the value of the key's row, `missing` (no live row has the key), or `unloaded`. */
export type LookupAnswer =
  | { readonly _tag: "found"; readonly value: unknown }
  | { readonly _tag: "missing" }
  | { readonly _tag: "unloaded" }

const missing: LookupAnswer = { _tag: "missing" }
const unloaded: LookupAnswer = { _tag: "unloaded" }

/** A table lookup, ready for a run. */
export interface TableLookup {
  /** `entries[i].transform`, for messages. */
  readonly label: string
  readonly transform: TableLookupTransform
  /** The key of a clean record (the entry's source value as text), or null. */
  readonly keyOf: (row: Row) => string | null
  /** The answer for a key of the current window. */
  readonly find: (key: string) => LookupAnswer
  /** Reads the keys of `rows` not known yet this window. */
  readonly load: (rows: ReadonlyArray<Row>) => Effect.Effect<void, EtlRunError, SqlClient.SqlClient>
  /** Forgets the window's keys (called at each window's start). */
  readonly newWindow: () => void
}

/** A table lookup for the entry at `label`, reading its key with `read`. */
export const makeTableLookup = (
  label: string,
  transform: TableLookupTransform,
  read: (row: Row) => unknown
): TableLookup => {
  const cache = new Map<string, LookupAnswer>()
  let table: SyncedTable | undefined
  const keyOf = (row: Row) => keyText(read(row))
  const resolve = Effect.gen(function* () {
    if (table !== undefined) return table
    const found = yield* resolveSyncedTable(label, transform.from)
    yield* columnOf(label, found, transform.key)
    table = found
    return found
  })
  return {
    label,
    transform,
    keyOf,
    find: (key) => cache.get(key) ?? unloaded,
    load: (rows) =>
      Effect.gen(function* () {
        const wanted = new Set<string>()
        for (const row of rows) {
          const key = keyOf(row)
          if (key !== null && !cache.has(key)) wanted.add(key)
        }
        if (wanted.size === 0) return
        const other = yield* resolve
        const column = yield* columnOf(label, other, transform.field)
        const found = yield* fetchByKey(label, other, transform.key, [column], [...wanted])
        for (const key of wanted) {
          const row = found.get(key)
          cache.set(key, row === undefined ? missing : { _tag: "found", value: readOwn(row, transform.field) ?? null })
        }
      }),
    newWindow: () => cache.clear()
  }
}

/** Loads every lookup's keys of `rows` (one query per lookup and window). */
export const loadTableLookups = (lookups: ReadonlyArray<TableLookup>, rows: ReadonlyArray<Row>) =>
  Effect.forEach(lookups, (lookup) => lookup.load(rows), { discard: true })
