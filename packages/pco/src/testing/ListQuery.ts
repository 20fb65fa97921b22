/**
 * A list request as the fake understands it: `per_page` (default 25, capped at 100, the `0` trap),
 * `offset`, `where[field]` / `where[field][op]`, `order`, `include` (with nested paths), `fields[Type]`
 * and named `filter`s. Keys a type does not support are dropped here, silently, as Planning Center
 * does.
 */
import type { TypeSpec } from "./ResourceTypes.ts"

/** A comparison operator of `where[field][op]`; `eq` is the bare `where[field]`. */
export type Operator = "eq" | "gt" | "gte" | "lt" | "lte"

/** One `where` condition. */
export interface Condition {
  readonly field: string
  readonly operator: Operator
  readonly value: string
}

/** One `order` key. */
export interface OrderKey {
  readonly field: string
  readonly descending: boolean
}

/** The relationships to side-load, each with the relationships to side-load from it. */
export interface IncludeTree extends ReadonlyMap<string, IncludeTree> {}

interface MutableIncludeTree extends Map<string, MutableIncludeTree> {}

/** A parsed list request. */
export interface ListQuery {
  /** Records per page: 1..100, or 0 for the `per_page=0` trap. */
  readonly perPage: number
  readonly offset: number
  readonly where: ReadonlyArray<Condition>
  readonly order: ReadonlyArray<OrderKey>
  readonly include: IncludeTree
  /** `fields[Type]=a,b`: the attributes to keep per type. */
  readonly fields: ReadonlyMap<string, ReadonlySet<string>>
  readonly filters: ReadonlyArray<string>
}

/** Planning Center's default page size. */
export const defaultPerPage = 25
/** Planning Center's largest page size. */
export const maxPerPage = 100

const integer = (text: string | null): number | undefined => {
  if (text === null || !/^-?\d+$/.test(text.trim())) return undefined
  return Number(text.trim())
}

/** Reads `per_page`: default 25, at most 100, `0` (or less) kept as 0. */
export const parsePerPage = (params: URLSearchParams): number => {
  const value = integer(params.get("per_page"))
  if (value === undefined) return defaultPerPage
  return value <= 0 ? 0 : Math.min(maxPerPage, value)
}

/** Reads `offset`: 0 when absent, negative or not a number. */
export const parseOffset = (params: URLSearchParams): number => Math.max(0, integer(params.get("offset")) ?? 0)

const operatorOf = (text: string | undefined): Operator =>
  text === "gt" || text === "gte" || text === "lt" || text === "lte" ? text : "eq"

const wherePattern = /^where\[([^\]]+)\](?:\[(gt|gte|lt|lte)\])?$/

const parseIncludes = (value: string | null, allowed: ReadonlyArray<string>): IncludeTree => {
  const root: MutableIncludeTree = new Map()
  for (const path of (value ?? "")
    .split(",")
    .map((p) => p.trim())
    .filter((p) => p !== "")) {
    const [first] = path.split(".")
    if (first === undefined || !allowed.includes(first)) continue
    let node = root
    for (const name of path.split(".")) {
      const child: MutableIncludeTree = node.get(name) ?? new Map()
      node.set(name, child)
      node = child
    }
  }
  return root
}

/** Parses a list request's query parameters for a type. */
export const parse = (params: URLSearchParams, spec: TypeSpec): ListQuery => {
  const where: Array<Condition> = []
  const fields = new Map<string, ReadonlySet<string>>()
  for (const [key, value] of params) {
    const match = wherePattern.exec(key)
    if (match !== null) {
      const field = match[1] ?? ""
      if (field in spec.queryable) where.push({ field, operator: operatorOf(match[2]), value })
      continue
    }
    const fieldsMatch = /^fields\[([^\]]+)\]$/.exec(key)
    if (fieldsMatch?.[1] !== undefined) {
      fields.set(fieldsMatch[1], new Set(value.split(",").map((f) => f.trim())))
    }
  }
  const order = (params.get("order") ?? "")
    .split(",")
    .map((key) => key.trim())
    .filter((key) => key !== "")
    .map((key) => ({ field: key.replace(/^-/, ""), descending: key.startsWith("-") }))
    .filter((key) => spec.orderable.includes(key.field))
  const filters = (params.get("filter") ?? "")
    .split(",")
    .map((f) => f.trim())
    .filter((f) => spec.filters.includes(f))
  return {
    perPage: parsePerPage(params),
    offset: parseOffset(params),
    where,
    order,
    include: parseIncludes(params.get("include"), spec.includes),
    fields,
    filters
  }
}
