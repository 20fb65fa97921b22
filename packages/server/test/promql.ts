/**
 * The metric names a PromQL expression reads, for tests that check alerting rules and dashboards
 * against a real scrape: identifiers left once strings, label matchers, ranges and label lists
 * (`by (...)`, `on (...)`, ...) are removed, that are neither functions nor keywords.
 */

const keywords = new Set([
  "and",
  "or",
  "unless",
  "by",
  "without",
  "on",
  "ignoring",
  "group_left",
  "group_right",
  "bool",
  "offset",
  "inf",
  "nan"
])

/** The metrics `expr` reads. */
export const metricsIn = (expr: string): ReadonlySet<string> => {
  const cleaned = expr
    .replace(/"(?:\\.|[^"\\])*"/g, '""')
    .replace(/\{[^}]*\}/g, "")
    .replace(/\[[^\]]*\]/g, "")
    .replace(/\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, "")
  const names = cleaned.match(/\b[a-zA-Z_:][a-zA-Z0-9_:]*\b(?!\s*\()/g) ?? []
  return new Set(names.filter((name) => !keywords.has(name.toLowerCase())))
}

/** The metric of a Grafana variable query `label_values(metric{...}, label)` (none for other queries). */
export const labelValuesMetric = (query: string): ReadonlySet<string> => {
  const match = /^\s*label_values\(\s*([a-zA-Z_:][a-zA-Z0-9_:]*)/.exec(query)
  return new Set(match?.[1] === undefined ? [] : [match[1]])
}
