/**
 * A `Destination` in memory, for tests of syncs that push somewhere (exported from
 * `@syncflow/sync-engine/testing`): records per target, each under an id the destination gives
 * (`m1`, `m2`, ...). An insert of a business key it already holds updates that record (as an API's
 * idempotent create would), so a replayed window never duplicates a row. `refuse` makes it refuse
 * rows (`failed` outcomes); `parentOf` makes it park rows whose parent it does not hold yet.
 */
import { Effect } from "effect"
import { Destination, type RowOutcome } from "../destination/Destination.ts"
import type { IngestRow } from "../destination/TableDestination.ts"
import { keyOf, type TableTarget } from "../destination/TableTarget.ts"

/** Settings of {@link make}. */
export interface MemoryDestinationOptions {
  /** Changes per `apply` call the engine should send. Default 1,000. */
  readonly maxBatch?: number | undefined
  /** A reason to refuse the row with (a `failed` outcome), or `undefined` to write it. */
  readonly refuse?: ((target: TableTarget, row: IngestRow) => string | undefined) | undefined
  /** The parent a row names (its entity's target and business-key hash), if any: a row whose parent is absent is parked. */
  readonly parentOf?:
    | ((
        target: TableTarget,
        row: IngestRow
      ) => { readonly entity: string; readonly target: TableTarget; readonly bkHash: string } | undefined)
    | undefined
}

/** A record the memory destination holds. */
export interface MemoryRecord {
  readonly id: string
  readonly row: IngestRow
}

/** The memory destination and what it holds. */
export interface MemoryDestination {
  readonly destination: Destination["Service"]
  /** The live records of a target, in id order. */
  readonly records: (target: TableTarget) => ReadonlyArray<MemoryRecord>
  /** How many `apply` calls it has served. */
  readonly applyCalls: () => number
}

/** Builds an empty memory destination. */
export const make = (options: MemoryDestinationOptions = {}): MemoryDestination => {
  const tables = new Map<string, Map<string, MemoryRecord>>()
  let nextId = 1
  let calls = 0
  const tableOf = (target: TableTarget) => {
    const key = keyOf(target)
    let table = tables.get(key)
    if (table === undefined) {
      table = new Map()
      tables.set(key, table)
    }
    return table
  }
  const idOfKey = (table: Map<string, MemoryRecord>, bkHash: string) => {
    for (const record of table.values()) if (record.row._bk_hash === bkHash) return record.id
    return undefined
  }

  const write = (target: TableTarget, row: IngestRow, id: string | undefined): RowOutcome => {
    const table = tableOf(target)
    const reason = options.refuse?.(target, row)
    if (reason !== undefined) return { _tag: "failed", bkHash: row._bk_hash, row, reason }
    const parent = options.parentOf?.(target, row)
    if (parent !== undefined && idOfKey(tableOf(parent.target), parent.bkHash) === undefined) {
      return { _tag: "parked", bkHash: row._bk_hash, row, parentEntity: parent.entity, parentBkHash: parent.bkHash }
    }
    const known = id !== undefined && table.has(id) ? id : idOfKey(table, row._bk_hash)
    const targetId = known ?? `m${nextId++}`
    table.set(targetId, { id: targetId, row })
    return { _tag: "written", bkHash: row._bk_hash, targetId, operation: known === undefined ? "inserted" : "updated" }
  }

  const destination = Destination.of({
    capabilities: { transactional: false, maxBatch: options.maxBatch ?? 1_000 },
    prepareEntity: () => Effect.void,
    apply: (target, changes) =>
      Effect.sync(() => {
        calls++
        const outcomes: Array<RowOutcome> = []
        for (const row of changes.inserts) outcomes.push(write(target, row, undefined))
        for (const update of changes.updates) outcomes.push(write(target, update.row, update.targetId))
        for (const row of changes.deletes) {
          tableOf(target).delete(row.targetId)
          outcomes.push({ _tag: "deleted", bkHash: row.bkHash })
        }
        return outcomes
      })
  })

  return {
    destination,
    records: (target) => [...tableOf(target).values()].sort((a, b) => Number(a.id.slice(1)) - Number(b.id.slice(1))),
    applyCalls: () => calls
  }
}
