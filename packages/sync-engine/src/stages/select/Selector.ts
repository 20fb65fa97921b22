/**
 * The Select stage compiled for one entity: the field predicates as one function of a clean record,
 * and what the Map stage writes (the selected columns, their destination names, the match key).
 */
import type { ColumnManifest } from "@syncflow/adapter-core"
import { Effect } from "effect"
import { readOwn } from "../Fields.ts"
import type { Row } from "../Row.ts"
import { StageConfigError } from "../StageConfigError.ts"
import type { FieldPredicate, PredicateValue, SelectOptions } from "./SelectOptions.ts"

/** A compiled Select stage: use it with `selectChunk`, and give `spec`/`columnNames` to the Map stage. */
export interface Selector {
  /** Whether a clean record goes to the destination (every predicate holds); `undefined`: all go. */
  readonly keep: ((row: Row) => boolean) | undefined
  /** The columns the Map stage writes (logical names) and the match key (logical names). */
  readonly spec: {
    readonly columns: ReadonlyArray<ColumnManifest>
    readonly businessKey: ReadonlyArray<string>
    readonly meta?: ReadonlySet<string>
  }
  /** Logical field -> destination column name. */
  readonly columnNames: Readonly<Record<string, string>>
}

const numeric = (value: unknown): number | undefined => {
  if (typeof value === "number") return Number.isFinite(value) ? value : undefined
  if (typeof value === "string" && value.trim() !== "") {
    const n = Number(value)
    return Number.isFinite(n) ? n : undefined
  }
  return undefined
}

/**
 * How a clean value compares with a predicate's value: negative, zero or positive; `undefined` when
 * they cannot be compared (null, or a boolean with anything but a boolean). When both read as
 * numbers (decimal columns' clean values are canonical text) they compare as numbers; otherwise as
 * text (ISO dates and timestamps order correctly as text).
 */
export const compareValue = (value: unknown, other: PredicateValue): number | undefined => {
  if (value == null) return undefined
  if (typeof other === "boolean" || typeof value === "boolean") {
    return typeof value === typeof other ? Number(value) - Number(other) : undefined
  }
  const a = numeric(value)
  const b = numeric(other)
  if (a !== undefined && b !== undefined) return a - b
  const text = typeof value === "string" ? value : JSON.stringify(value)
  const otherText = String(other)
  return text < otherText ? -1 : text > otherText ? 1 : 0
}

const test = (predicate: FieldPredicate, value: unknown): boolean => {
  switch (predicate.op) {
    case "isNull":
      return value == null
    case "notNull":
      return value != null
    case "in":
      return predicate.values.some((candidate) => compareValue(value, candidate) === 0)
    case "ne": {
      const c = compareValue(value, predicate.value)
      return c === undefined ? value == null : c !== 0
    }
    default: {
      const c = compareValue(value, predicate.value)
      if (c === undefined) return false
      switch (predicate.op) {
        case "eq":
          return c === 0
        case "gt":
          return c > 0
        case "gte":
          return c >= 0
        case "lt":
          return c < 0
        case "lte":
          return c <= 0
      }
    }
  }
}

/**
 * Compiles the Select stage of an entity from its logical columns and business key (the
 * normalizer's). Fails with `StageConfigError` on a field the entity does not declare, two fields
 * given one name, or a key field that is not selected.
 */
export const makeSelector = Effect.fnUntraced(function* (
  spec: {
    readonly columns: ReadonlyArray<ColumnManifest>
    readonly businessKey: ReadonlyArray<string>
    readonly meta?: ReadonlySet<string>
  },
  options: SelectOptions = {}
): Effect.fn.Return<Selector, StageConfigError> {
  const declared = new Set(spec.columns.map((column) => column.name))
  const unknown = (what: string, field: string) =>
    new StageConfigError({
      stage: "select",
      message: `${what} names ${JSON.stringify(field)}, which the entity does not have`
    })
  for (const predicate of options.where ?? []) {
    if (spec.columns.length > 0 && !declared.has(predicate.field)) return yield* unknown("a filter", predicate.field)
  }
  const predicates = options.where ?? []
  const keep =
    predicates.length === 0
      ? undefined
      : (row: Row) => predicates.every((predicate) => test(predicate, readOwn(row, predicate.field)))

  const fields = options.fields
  const columnNames: Record<string, string> = {}
  let columns = spec.columns
  if (fields !== undefined) {
    if (spec.columns.length === 0) {
      return yield* new StageConfigError({ stage: "select", message: "the entity declares no fields to select" })
    }
    for (const field of Object.keys(fields)) if (!declared.has(field)) return yield* unknown("the mapping", field)
    columns = spec.columns.filter((column) => Object.hasOwn(fields, column.name))
    const taken = new Set<string>()
    for (const column of columns) {
      const name = fields[column.name] ?? column.name
      if (taken.has(name)) {
        return yield* new StageConfigError({ stage: "select", message: `two fields map to ${JSON.stringify(name)}` })
      }
      taken.add(name)
      columnNames[column.name] = name
    }
  }
  const destinationOf = (field: string) => columnNames[field] ?? field
  const fieldOf = new Map(columns.map((column) => [destinationOf(column.name), column.name]))
  let businessKey = spec.businessKey
  if (options.key !== undefined) {
    const logical: Array<string> = []
    for (const name of options.key) {
      const field = fieldOf.get(name)
      if (field === undefined) {
        return yield* new StageConfigError({
          stage: "select",
          message: `the match key names ${JSON.stringify(name)}, which is not a destination field`
        })
      }
      logical.push(field)
    }
    businessKey = logical
  } else {
    for (const field of businessKey) {
      if (!fieldOf.has(destinationOf(field)) && columns.length > 0) {
        return yield* new StageConfigError({
          stage: "select",
          message: `the business key field ${JSON.stringify(field)} is not selected: select it or give a match key`
        })
      }
    }
  }
  return {
    keep,
    spec: { columns, businessKey, ...(spec.meta === undefined ? {} : { meta: spec.meta }) },
    columnNames
  }
})
