/**
 * How an API spells filters, ordering and includes in its query string. An adapter picks one
 * (or writes its own) so callers can use typed {@link ListOptions} instead of raw parameters.
 */
import type { FilterValue, ListOptions } from "./QuerySpec.ts"

/** Turns typed list options into the API's query parameters. */
export interface QueryStyle {
  readonly encode: (options: ListOptions) => Record<string, string>
}

const operators = ["eq", "gt", "gte", "lt", "lte"] as const

const eachFilter = (
  filter: ListOptions["filter"],
  f: (field: string, operator: (typeof operators)[number] | undefined, value: string) => void
) => {
  for (const [field, value] of Object.entries(filter ?? {}) as Array<[string, FilterValue | undefined]>) {
    if (value === undefined) continue
    if (typeof value === "object") {
      for (const op of operators) {
        const v = value[op]
        if (v !== undefined) f(field, op, String(v))
      }
    } else {
      f(field, undefined, String(value))
    }
  }
}

/** JSON:API style, as Planning Center uses: `where[f]=v`, `where[f][gte]=v`, `order=-f`, `include=a,b`. */
export const jsonApi: QueryStyle = {
  encode: (options) => {
    const out: Record<string, string> = {}
    eachFilter(options.filter, (field, op, value) => {
      out[op === undefined || op === "eq" ? `where[${field}]` : `where[${field}][${op}]`] = value
    })
    if (options.order !== undefined) out.order = options.order
    if (options.include !== undefined && options.include.length > 0) out.include = options.include.join(",")
    return out
  }
}

/** Flat style: `f=v`, `f_gte=v`, `order_by=-f`, `include=a,b`. */
export const flat: QueryStyle = {
  encode: (options) => {
    const out: Record<string, string> = {}
    eachFilter(options.filter, (field, op, value) => {
      out[op === undefined || op === "eq" ? field : `${field}_${op}`] = value
    })
    if (options.order !== undefined) out.order_by = options.order
    if (options.include !== undefined && options.include.length > 0) out.include = options.include.join(",")
    return out
  }
}
