/**
 * What has happened to one fake entity since it was generated, and how its rows are listed.
 *
 * Memory holds only what mutations changed: the rows updated or inserted (`overrides`) and the
 * rows deleted. Original rows are identified by index and computed on demand, so an entity of a
 * billion rows costs nothing until rows change.
 *
 * Listing order is APISmith's `ORDER BY row_version, key`: original rows first (their versions
 * grow with their index, one second per `rowsPerSecond` rows), then changed rows by version and
 * index. A `rowversion_gt` filter keeps the rows whose version is strictly greater.
 */
import { fromEpochSeconds } from "../../rows/RowVersion.ts"
import { hash3 } from "./ErpHash.ts"
import { addedLater, type FakeColumn, retypedLater } from "./FakeColumn.ts"
import type { FakeEntity } from "./FakeEntities.ts"

/** The state of a row that a mutation changed (updated, touched or inserted). */
export interface Override {
  readonly version: string
  readonly revision: number
  readonly changedAt: number
}

/** A changed row in listing order. */
interface ChangedRow {
  readonly index: number
  readonly version: string
}

/** One entity's mutable state. */
export interface EntityState {
  readonly entity: FakeEntity
  readonly rowsPerSecond: number
  /** Rows inserted by mutations (indices `baseCount` .. `baseCount + inserted - 1`). */
  inserted: number
  readonly overrides: Map<number, Override>
  readonly deleted: Set<number>
  /** Sorted original indices that are not listed among the original rows (changed or deleted). */
  excluded: ReadonlyArray<number>
  /** Live changed rows, sorted by (version, index). */
  changed: ReadonlyArray<ChangedRow>
  /** Columns added by mutations, with the mutation that added them. */
  readonly added: Array<FakeColumn>
  /** Columns retyped by mutations (see `retypedLater`), by name: they replace the originals. */
  readonly retyped: Map<string, FakeColumn>
}

/** The latest row version an original row may have: the second before the first mutation. */
const lastOriginalSecond = (mutationEpoch: number) => mutationEpoch - 3600

/** A new state for an entity, with no changes. */
export const makeEntityState = (entity: FakeEntity, mutationEpoch: number): EntityState => {
  const span = Math.max(1, lastOriginalSecond(mutationEpoch) - entity.versionEpoch)
  return {
    entity,
    rowsPerSecond: Math.max(entity.rowsPerSecond, Math.ceil(entity.baseCount / span)),
    inserted: 0,
    overrides: new Map(),
    deleted: new Set(),
    excluded: [],
    changed: [],
    added: [],
    retyped: new Map()
  }
}

/** The entity's columns now: the generated ones (retyped ones replaced), then the added ones. */
export const currentColumns = (state: EntityState): ReadonlyArray<FakeColumn> => [
  ...state.entity.columns.map((column) => state.retyped.get(column.name) ?? column),
  ...state.added
]

/** The row-version second of an original row. */
export const originalSecond = (state: EntityState, index: number): number =>
  state.entity.versionEpoch + Math.floor(index / state.rowsPerSecond)

/** The row version of an original row. */
export const originalVersion = (state: EntityState, index: number): string =>
  fromEpochSeconds(originalSecond(state, index))

/** The current row version of a live row. */
export const versionOf = (state: EntityState, index: number): string =>
  state.overrides.get(index)?.version ?? originalVersion(state, index)

/** The newest row version of the entity (of any row, deleted ones included). */
export const newestVersion = (state: EntityState): string => {
  const last = state.changed[state.changed.length - 1]?.version
  const original = originalVersion(state, Math.max(0, state.entity.baseCount - 1))
  return last !== undefined && last > original ? last : original
}

/** Rows in the table, deleted ones included: original plus inserted. */
export const indexCount = (state: EntityState): number => state.entity.baseCount + state.inserted

/** How many entries mutations have left in memory (changed plus deleted rows). */
export const stateSize = (state: EntityState): number => state.overrides.size + state.deleted.size

/** The first position in sorted `values` whose value is `>= x`. */
const lowerBound = (values: ReadonlyArray<number>, x: number): number => {
  let lo = 0
  let hi = values.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if ((values[mid] ?? 0) < x) lo = mid + 1
    else hi = mid
  }
  return lo
}

/** A listing: where its original rows start, how many are live, where its changed rows start. */
export interface Listing {
  readonly originalStart: number
  readonly originalLive: number
  readonly changedStart: number
  readonly total: number
}

/** The listing of an entity, all rows or those whose version is strictly greater than `rowversionGt`. */
export const listing = (state: EntityState, rowversionGt: string | undefined): Listing => {
  const base = state.entity.baseCount
  let originalStart = 0
  let changedStart = 0
  if (rowversionGt !== undefined) {
    let lo = 0
    let hi = base
    while (lo < hi) {
      const mid = Math.floor((lo + hi) / 2)
      if (originalVersion(state, mid) > rowversionGt) hi = mid
      else lo = mid + 1
    }
    originalStart = lo
    lo = 0
    hi = state.changed.length
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      if ((state.changed[mid]?.version ?? "") > rowversionGt) hi = mid
      else lo = mid + 1
    }
    changedStart = lo
  }
  const excludedAfter = state.excluded.length - lowerBound(state.excluded, originalStart)
  const originalLive = base - originalStart - excludedAfter
  return { originalStart, originalLive, changedStart, total: originalLive + state.changed.length - changedStart }
}

/**
 * The indices of the rows at listing positions `offset` .. `offset + limit - 1` (fewer at the end),
 * computed without walking the rows before them.
 */
export const indicesAt = (state: EntityState, list: Listing, offset: number, limit: number): Array<number> => {
  const out: Array<number> = []
  const end = Math.min(list.total, offset + limit)
  let position = offset
  if (position < list.originalLive) {
    const excluded = state.excluded
    const from = lowerBound(excluded, list.originalStart)
    // Live original rows in [originalStart, x]: monotone in x; the first x reaching position + 1 is live.
    const liveThrough = (x: number) => x - list.originalStart + 1 - (lowerBound(excluded, x + 1) - from)
    let lo = list.originalStart
    let hi = state.entity.baseCount - 1
    while (lo < hi) {
      const mid = Math.floor((lo + hi) / 2)
      if (liveThrough(mid) >= position + 1) hi = mid
      else lo = mid + 1
    }
    let index = lo
    let next = lowerBound(excluded, index)
    while (position < end && position < list.originalLive) {
      while (next < excluded.length && excluded[next] === index) {
        index++
        next++
      }
      out.push(index)
      index++
      position++
    }
  }
  for (let i = list.changedStart + position - list.originalLive; position < end; i++, position++) {
    const row = state.changed[i]
    if (row !== undefined) out.push(row.index)
  }
  return out
}

/** Recomputes the sorted views after a mutation. */
const reindex = (state: EntityState): void => {
  const base = state.entity.baseCount
  const excluded = new Set<number>()
  for (const index of state.overrides.keys()) if (index < base) excluded.add(index)
  for (const index of state.deleted) if (index < base) excluded.add(index)
  state.excluded = Array.from(excluded).sort((a, b) => a - b)
  state.changed = Array.from(state.overrides, ([index, o]) => ({ index, version: o.version }))
    .filter((row) => !state.deleted.has(row.index))
    .sort((a, b) => (a.version < b.version ? -1 : a.version > b.version ? 1 : a.index - b.index))
}

/** What a mutation asks for. */
export interface Mutation {
  /** Rows to insert (new keys, after the existing ones). */
  readonly insert?: number | undefined
  /** Live rows whose data changes (their row version is bumped). */
  readonly update?: number | undefined
  /** Live rows whose row version is bumped with their data unchanged. */
  readonly touch?: number | undefined
  /** Live rows that vanish. */
  readonly delete?: number | undefined
  /** Add the entity's next later column to the metadata (rows changed from now on carry values). */
  readonly addColumn?: boolean | undefined
  /**
   * Retype the entity's next retypable `NUMBER` column to text (`items`: `weight_kg`, `customers`:
   * `credit_limit`, to `VARCHAR2(20)`): rows changed from now on carry texts, some not numbers.
   */
  readonly retypeColumn?: boolean | undefined
  /**
   * Give the changed rows the entity's newest existing row version instead of a new second: a
   * change committed in the same second as rows a previous listing already saw.
   */
  readonly sameSecond?: boolean | undefined
}

/** The indices a mutation changed, by kind. */
export interface MutationIndices {
  readonly version: string
  readonly inserted: ReadonlyArray<number>
  readonly updated: ReadonlyArray<number>
  readonly touched: ReadonlyArray<number>
  readonly deleted: ReadonlyArray<number>
  readonly addedColumn: string | undefined
  readonly retypedColumn: string | undefined
}

/**
 * Applies a mutation: columns first (added, then retyped), then deletes, updates, touches (distinct live rows picked by
 * the seed and the mutation number) and inserts. Throws a `RangeError` when fewer live rows exist
 * than asked for, or when no later column is left to add.
 */
export const mutate = (
  state: EntityState,
  mutation: Mutation,
  context: { readonly seed: number; readonly sequence: number; readonly second: number }
): MutationIndices => {
  const version = mutation.sameSecond === true ? newestVersion(state) : fromEpochSeconds(context.second)
  let addedColumn: string | undefined
  if (mutation.addColumn === true) {
    const next = state.entity.laterColumns[state.added.length]
    if (next === undefined) throw new RangeError(`${state.entity.slug}: no more columns to add`)
    state.added.push(addedLater(next, context.sequence))
    addedColumn = next.name
  }
  let retypedColumn: string | undefined
  if (mutation.retypeColumn === true) {
    const retype = state.entity.retypes[state.retyped.size]
    const column = state.entity.columns.find((c) => c.name === retype?.name)
    if (retype === undefined || column === undefined) {
      throw new RangeError(`${state.entity.slug}: no more columns to retype`)
    }
    state.retyped.set(retype.name, retypedLater(column, retype, context.sequence))
    retypedColumn = retype.name
  }
  const counts = [mutation.delete ?? 0, mutation.update ?? 0, mutation.touch ?? 0]
  const wanted = counts.reduce((a, b) => a + b, 0)
  const total = indexCount(state)
  const live = total - state.deleted.size
  if (wanted > live) throw new RangeError(`${state.entity.slug}: ${wanted} rows asked for, ${live} live`)
  const picked = new Set<number>()
  const pick = (n: number): Array<number> => {
    const out: Array<number> = []
    let attempt = 0
    while (out.length < n) {
      const candidate =
        attempt < 64 * n + 1024
          ? hash3(context.seed, context.sequence, attempt) % total
          : (hash3(context.seed, context.sequence, 0) + attempt) % total
      attempt++
      if (state.deleted.has(candidate) || picked.has(candidate)) continue
      picked.add(candidate)
      out.push(candidate)
    }
    return out
  }
  const [deleteCount = 0, updateCount = 0, touchCount = 0] = counts
  const deleted = pick(deleteCount)
  const updated = pick(updateCount)
  const touched = pick(touchCount)
  for (const index of deleted) state.deleted.add(index)
  for (const index of updated) {
    const before = state.overrides.get(index)
    state.overrides.set(index, { version, revision: (before?.revision ?? 0) + 1, changedAt: context.sequence })
  }
  for (const index of touched) {
    const before = state.overrides.get(index)
    state.overrides.set(index, { version, revision: before?.revision ?? 0, changedAt: before?.changedAt ?? -1 })
  }
  const inserted: Array<number> = []
  for (let q = 0; q < (mutation.insert ?? 0); q++) {
    const index = total + q
    state.overrides.set(index, { version, revision: 0, changedAt: context.sequence })
    inserted.push(index)
  }
  state.inserted += inserted.length
  reindex(state)
  return { version, inserted, updated, touched, deleted, addedColumn, retypedColumn }
}
