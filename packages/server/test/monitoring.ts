/**
 * Checks of what the server ships for monitoring against the metrics a real scrape had: the
 * Prometheus alerting rules (`monitoring/prometheus-rules.yml`, parsed as YAML), the Grafana
 * dashboard (`monitoring/grafana-dashboard.json`) and the README's list of metrics.
 */
import { readFileSync } from "node:fs"
import { assert } from "@effect/vitest"
import { Schema } from "effect"
import { parse } from "yaml"
import { labelValuesMetric, metricsIn } from "./promql.ts"

const RulesFile = Schema.Struct({
  groups: Schema.NonEmptyArray(
    Schema.Struct({
      name: Schema.String,
      rules: Schema.NonEmptyArray(
        Schema.Struct({
          alert: Schema.String,
          expr: Schema.String,
          for: Schema.optional(Schema.String),
          labels: Schema.Struct({ severity: Schema.Literals(["critical", "warning", "info"]) }),
          annotations: Schema.Struct({ summary: Schema.String, description: Schema.optional(Schema.String) })
        })
      )
    })
  )
})

const Target = Schema.Struct({ expr: Schema.String, refId: Schema.String })
const Panel = Schema.Struct({
  id: Schema.Number,
  type: Schema.String,
  title: Schema.String,
  targets: Schema.optional(Schema.Array(Target))
})
const Dashboard = Schema.Struct({
  uid: Schema.String,
  title: Schema.String,
  panels: Schema.NonEmptyArray(Panel),
  templating: Schema.Struct({
    list: Schema.Array(
      Schema.Struct({
        name: Schema.String,
        query: Schema.optional(Schema.Unknown),
        definition: Schema.optional(Schema.String)
      })
    )
  })
})

const read = (path: string) => readFileSync(new URL(path, import.meta.url), "utf8")

const assertKnown = (seen: ReadonlySet<string>, metrics: ReadonlySet<string>, where: string) => {
  assert.isAbove(metrics.size, 0, `${where} reads no metric`)
  for (const metric of metrics) assert.isTrue(seen.has(metric), `${where} reads ${metric}, which no scrape had`)
}

/** Metrics the README lists that this test's scrapes cannot have (the upstream reports no remaining count), or have only after what other tests do. */
const conditional = new Set([
  "syncflow_rate_limit_upstream_remaining",
  // Present once an alert has been recorded (test/alertsApi.test.ts scrapes it).
  "syncflow_alerts_firing",
  // Present once a two-way definition has met a conflict (test/twoWayApi.test.ts scrapes them).
  "syncflow_two_way_conflicts_total",
  "syncflow_two_way_conflicts_held"
])

/** Asserts the rules, the dashboard and the README name only metrics in `seen`, and the README all of SyncFlow's. */
export const checkMonitoring = (seen: ReadonlySet<string>): void => {
  const rules = Schema.decodeUnknownSync(RulesFile)(parse(read("../monitoring/prometheus-rules.yml")))
  const alerts = rules.groups.flatMap((group) => group.rules.map((rule) => rule.alert))
  assert.strictEqual(new Set(alerts).size, alerts.length, "alert names are unique")
  for (const rule of rules.groups.flatMap((group) => group.rules)) assertKnown(seen, metricsIn(rule.expr), rule.alert)

  const dashboard = Schema.decodeUnknownSync(Dashboard)(JSON.parse(read("../monitoring/grafana-dashboard.json")))
  const ids = dashboard.panels.map((panel) => panel.id)
  assert.strictEqual(new Set(ids).size, ids.length, "panel ids are unique")
  for (const panel of dashboard.panels) {
    if (panel.type === "row") continue
    assert.isNotEmpty(panel.targets ?? [], panel.title)
    for (const target of panel.targets ?? []) assertKnown(seen, metricsIn(target.expr), `panel "${panel.title}"`)
  }
  for (const variable of dashboard.templating.list) {
    if (variable.definition !== undefined) assertKnown(seen, labelValuesMetric(variable.definition), variable.name)
  }

  const readme = read("../README.md")
  const section = readme.slice(readme.indexOf("## Operating SyncFlow"))
  const listed = new Set(
    section
      .split("\n")
      .filter((line) => line.startsWith("| `"))
      .flatMap((line) => [...(line.split(" | ")[0] ?? "").matchAll(/`([a-z0-9_:]+)`/g)].map((match) => match[1] ?? ""))
      // Metrics only: the alerts' table lists rule names (`long_run`, ...) the same way.
      .filter((name) => /^(syncflow|process|nodejs)_/.test(name))
  )
  for (const metric of listed) {
    if (!conditional.has(metric)) assert.isTrue(seen.has(metric), `the README lists ${metric}, which no scrape had`)
  }
  const ours = [...seen].filter(
    (name) =>
      /^(syncflow|process|nodejs)_/.test(name) &&
      !/_(bucket|sum|count)$/.test(name) &&
      !name.startsWith("syncflow_alerts")
  )
  for (const metric of ours) assert.isTrue(listed.has(metric), `the README does not list ${metric}`)
}
