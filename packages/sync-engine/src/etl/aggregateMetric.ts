/**
 * An aggregate step's metric, parsed from its text: `count(*)`, `count(field)`, `sum(field)`,
 * `min(field)`, `max(field)`, `avg(field)` (function names in any case), as in seed 000's
 * `metrics: { total_tickets: "COUNT(ticket_id)" }`.
 */

/** An aggregate function. */
export type AggregateFunction = "count" | "sum" | "min" | "max" | "avg"

/** A parsed metric: its output column, function and input field (`undefined` for `count(*)`). */
export interface AggregateMetric {
  readonly column: string
  readonly fn: AggregateFunction
  readonly field: string | undefined
}

const functions: ReadonlyArray<AggregateFunction> = ["count", "sum", "min", "max", "avg"]

const pattern = /^\s*(count|sum|min|max|avg)\s*\(\s*(\*|[^()\s]+)\s*\)\s*$/i

/** Parses `text`, or returns why it is not a metric. */
export const parseMetric = (column: string, text: string): AggregateMetric | string => {
  const match = pattern.exec(text)
  if (match === null)
    return `${JSON.stringify(text)} is not count(*), count(field), sum(field), min(field), max(field) or avg(field)`
  const fn = functions.find((name) => name === (match[1] ?? "").toLowerCase())
  if (fn === undefined) return `${JSON.stringify(text)} names no aggregate function`
  const field = match[2] === "*" ? undefined : match[2]
  if (field === undefined && fn !== "count") return `${fn}(*) is not a metric: name a field`
  return { column, fn, field }
}
