/**
 * Which records a list request selects, in which order: the `where` conditions applied to the
 * current data, sorted by the `order` keys with ties broken by ascending id (the default order is
 * id). A selection is a list of ids, cached until the data changes, so paging through a large
 * listing costs one scan, and a change between two pages shifts offsets as it does upstream.
 *
 * Timestamps compare in whole seconds; a date-only value (`2026-01-15`) means that whole day in the
 * organization's time zone; a value that is neither makes the result empty.
 */
import { DateTime, Option } from "effect"
import type { Dataset, Scope } from "./Dataset.ts"
import type { FakeRecord } from "./FakeRecord.ts"
import type { Condition, ListQuery } from "./ListQuery.ts"
import { type FakeType, typeSpecs } from "./ResourceTypes.ts"

const timestampPattern = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})$/
const dayPattern = /^(\d{4})-(\d{2})-(\d{2})$/

/** The instant range `[from, to)` a timestamp value covers, in epoch seconds. */
const instantRange = (value: string, timeZone: string): { readonly from: number; readonly to: number } | undefined => {
  if (timestampPattern.test(value)) {
    const millis = Date.parse(value)
    if (Number.isNaN(millis)) return undefined
    const second = Math.floor(millis / 1000)
    return { from: second, to: second + 1 }
  }
  const day = dayPattern.exec(value)
  if (day === null) return undefined
  const [, year, month, date] = day
  const startOf = (d: number) =>
    DateTime.makeZoned(
      { year: Number(year), month: Number(month), day: d },
      { timeZone, adjustForTimeZone: true }
    ).pipe(Option.map((zoned) => Math.floor(DateTime.toEpochMillis(zoned) / 1000)))
  const start = Option.getOrUndefined(startOf(Number(date)))
  const end = Option.getOrUndefined(startOf(Number(date) + 1))
  return start === undefined || end === undefined ? undefined : { from: start, to: end }
}

/** The value a condition or order key reads from a record. */
export const fieldValue = (record: FakeRecord, field: string): unknown => {
  if (field === "updated_at") return record.updatedAt
  if (field === "created_at") return record.createdAt
  if (field === "id") return record.id
  if (field in record.attributes) return record.attributes[field]
  const ref = field.endsWith("_id") ? record.refs[field.slice(0, -3)] : undefined
  return ref
}

type Predicate = (record: FakeRecord) => boolean

/** A condition as a predicate, or `undefined` when its value cannot be converted (an empty result). */
const compile = (type: FakeType, condition: Condition, timeZone: string): Predicate | undefined => {
  const kind = typeSpecs[type].queryable[condition.field]
  const { operator, value } = condition
  switch (kind) {
    case "timestamp": {
      const range = instantRange(value.trim(), timeZone)
      if (range === undefined) return undefined
      return (record) => {
        const at = fieldValue(record, condition.field)
        if (typeof at !== "number") return false
        switch (operator) {
          case "eq":
            return at >= range.from && at < range.to
          case "gt":
            return at >= range.to
          case "gte":
            return at >= range.from
          case "lt":
            return at < range.from
          case "lte":
            return at < range.to
        }
      }
    }
    case "integer": {
      if (!/^-?\d+$/.test(value.trim())) return undefined
      const n = Number(value)
      return (record) => {
        const v = Number(fieldValue(record, condition.field))
        return operator === "eq"
          ? v === n
          : operator === "gt"
            ? v > n
            : operator === "gte"
              ? v >= n
              : operator === "lt"
                ? v < n
                : v <= n
      }
    }
    case "boolean": {
      if (value !== "true" && value !== "false") return undefined
      return (record) => fieldValue(record, condition.field) === (value === "true")
    }
    case "search": {
      const terms = value
        .toLowerCase()
        .split(/\s+/)
        .filter((t) => t !== "")
      return (record) => {
        const words = String(record.attributes.name ?? "")
          .toLowerCase()
          .split(/\s+/)
        return terms.every((term) => words.some((word) => word.startsWith(term)))
      }
    }
    case "string":
      return (record) => String(fieldValue(record, condition.field) ?? "").toLowerCase() === value.toLowerCase()
    case undefined:
      return () => true
  }
}

const compare = (a: unknown, b: unknown): number => {
  if (a === b) return 0
  if (a === null || a === undefined) return -1
  if (b === null || b === undefined) return 1
  if (typeof a === "number" && typeof b === "number") return a - b
  const x = String(a).toLowerCase()
  const y = String(b).toLowerCase()
  return x < y ? -1 : x > y ? 1 : 0
}

/** Selects the ids of a list request, in order. */
export const select = (
  dataset: Dataset,
  type: FakeType,
  scope: Scope,
  query: ListQuery,
  timeZone: string
): ReadonlyArray<number> => {
  const predicates: Array<Predicate> = []
  for (const condition of query.where) {
    const predicate = compile(type, condition, timeZone)
    if (predicate === undefined) return []
    predicates.push(predicate)
  }
  if (type === "FieldDefinition" && !query.filters.includes("include_deleted")) {
    predicates.push((record) => record.attributes.deleted_at === null)
  }
  const needsRecords = predicates.length > 0 || query.order.length > 0
  if (!needsRecords) return Array.from(dataset.ids(type, scope))
  const rows: Array<{ readonly id: number; readonly keys: ReadonlyArray<unknown> }> = []
  for (const id of dataset.ids(type, scope)) {
    const record = dataset.get(type, id)
    if (record === undefined || !predicates.every((p) => p(record))) continue
    rows.push({ id, keys: query.order.map((key) => fieldValue(record, key.field)) })
  }
  if (query.order.length > 0) {
    rows.sort((a, b) => {
      for (const [index, key] of query.order.entries()) {
        const c = compare(a.keys[index], b.keys[index])
        if (c !== 0) return key.descending ? -c : c
      }
      return a.id - b.id
    })
  }
  return rows.map((row) => row.id)
}

/** Caches selections until the data changes: a listing's pages share one scan. */
export const makeCache = (dataset: Dataset, timeZone: string, capacity = 16) => {
  const entries = new Map<string, ReadonlyArray<number>>()
  let version = dataset.version()
  return (type: FakeType, scope: Scope, query: ListQuery): ReadonlyArray<number> => {
    if (dataset.version() !== version) {
      entries.clear()
      version = dataset.version()
    }
    const key = JSON.stringify([type, scope, query.where, query.order, query.filters])
    const hit = entries.get(key)
    if (hit !== undefined) return hit
    const ids = select(dataset, type, scope, query, timeZone)
    if (entries.size >= capacity) {
      const oldest = entries.keys().next()
      if (oldest.done !== true) entries.delete(oldest.value)
    }
    entries.set(key, ids)
    return ids
  }
}
