/**
 * The `aggregate` step: group by `groupBy` into the table `into`, with count, sum, min, max and avg
 * metrics, kept correct incrementally. The rows pass on unchanged.
 *
 * Each input row's contribution (its group and the values its metrics read) is kept in
 * `syncflow.etl_aggregate_inputs`, keyed by the definition, the step and the row's identity. In the
 * window's transaction, the window's rows are compared with their stored contributions: a new row
 * adds its contribution, a changed one removes the old and adds the new, an unchanged one is only
 * marked seen, and a row an earlier step skipped (a filter now false) removes its old one. The
 * removed and added contributions are summed per group in SQL (exact `numeric`) and applied to the
 * groups' state (`_rows`, and per metric the non-null count `_n_i` and sum `_s_i`); min and max take
 * the least/greatest of the added values, and are recomputed from the stored contributions only in
 * groups that lost one. Groups left without rows are deleted. At the end of a complete listing the
 * contributions of rows it did not see (deleted at the source) are removed the same way.
 *
 * A changed step (other groups or metrics) starts a new table: the old one is dropped when the run
 * prepares, and a complete listing fills the new one.
 */
import type { ColumnManifest } from "@syncflow/adapter-core"
import { Effect } from "effect"
import { SqlClient, type SqlError } from "effect/sql"
import { xxhash64 } from "hash-wasm"
import { columnSqlType } from "../destination/ColumnSqlType.ts"
import { withDdlLock } from "../destination/DdlLock.ts"
import { qualified, quote } from "../destination/Identifier.ts"
import { readOwn } from "../stages/Fields.ts"
import { type AggregateMetric, parseMetric } from "./aggregateMetric.ts"
import type { CompiledStep, EtlRow, StepInput } from "./CompiledStep.ts"
import { EtlRunError } from "./EtlRunError.ts"
import type { AggregateStep } from "./EtlStep.ts"

/** A signed contribution: +1 added, -1 removed. */
interface Delta {
  readonly group: string
  readonly sign: 1 | -1
  readonly values: string
}

const numericTypes = new Set(["integer", "decimal"])

/** Compiles an aggregate step. */
export const compileAggregate = Effect.fnUntraced(function* (input: StepInput, step: typeof AggregateStep.Type) {
  const { label, target } = input
  const fail = (message: string) => new EtlRunError({ step: label, message })
  const byName = new Map(input.columns.map((c) => [c.name, c]))
  const groupColumns: Array<ColumnManifest> = []
  for (const [index, name] of step.groupBy.entries()) {
    const column = byName.get(name)
    if (column === undefined) return yield* fail(`groupBy[${index}]: the rows have no field ${JSON.stringify(name)}`)
    groupColumns.push({ ...column, nullable: true, businessKey: false })
  }
  const metrics: Array<AggregateMetric> = []
  for (const [column, text] of Object.entries(step.metrics)) {
    const metric = parseMetric(column, text)
    if (typeof metric === "string") return yield* fail(`metrics.${column}: ${metric}`)
    if (metric.field !== undefined) {
      const source = byName.get(metric.field)
      if (source === undefined)
        return yield* fail(`metrics.${column}: the rows have no field ${JSON.stringify(metric.field)}`)
      if (metric.fn !== "count" && !numericTypes.has(source.type)) {
        return yield* fail(`metrics.${column}: ${metric.fn} needs a number, ${metric.field} is ${source.type}`)
      }
    }
    if (step.groupBy.includes(column)) return yield* fail(`metrics.${column}: ${column} is a groupBy field`)
    metrics.push(metric)
  }
  // The values a contribution keeps: the group's fields, then each metric field once.
  const fields = [...new Set(metrics.flatMap((m) => (m.field === undefined ? [] : [m.field])))]
  const position = (field: string) => step.groupBy.length + fields.indexOf(field)
  const schema = step.into.schema ?? target.schema
  const table = qualified(schema, step.into.table)
  const digest = yield* Effect.promise(() => xxhash64(JSON.stringify([step.groupBy, step.metrics])))
  const stepKey = `${schema}.${step.into.table}#${digest}`
  const definitionId = target.definitionId
  const extremes = metrics.flatMap((m, i) => (m.fn === "min" || m.fn === "max" ? [{ ...m, i }] : []))

  const metricSqlType = (m: AggregateMetric) => (m.fn === "count" ? "bigint" : "numeric")
  const stateColumns = metrics.flatMap((m, i) =>
    m.field === undefined ? [] : [`"_n_${i}" bigint NOT NULL DEFAULT 0`, `"_s_${i}" numeric`]
  )

  const prepare = Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    yield* withDdlLock(
      sql,
      Effect.gen(function* () {
        yield* sql.unsafe(`CREATE SCHEMA IF NOT EXISTS ${quote(schema)}`)
        const comments = yield* sql.unsafe<{ readonly comment: string | null }>(
          `SELECT obj_description(to_regclass($1), 'pg_class') AS comment`,
          [table]
        )
        const comment = comments[0]?.comment
        if (comment !== undefined && comment !== null && comment !== stepKey) {
          // Another step (groups or metrics changed) made this table: start again.
          yield* sql.unsafe(`DROP TABLE ${table}`)
          yield* sql.unsafe(`DELETE FROM syncflow.etl_aggregate_inputs WHERE definition_id = $1 AND step_key = $2`, [
            definitionId,
            comment
          ])
        }
        yield* sql.unsafe(`CREATE TABLE IF NOT EXISTS ${table} (
  "_group_key" text COLLATE "C" PRIMARY KEY,
  ${groupColumns.map((c) => `${quote(c.name)} ${columnSqlType(c)}`).join(",\n  ")},
  ${metrics.map((m) => `${quote(m.column)} ${metricSqlType(m)}`).join(",\n  ")},
  "_rows" bigint NOT NULL DEFAULT 0,
  ${[...stateColumns, `"_updated_at" timestamptz NOT NULL DEFAULT now()`].join(",\n  ")}
)`)
        yield* sql.unsafe(`COMMENT ON TABLE ${table} IS '${stepKey.replaceAll("'", "''")}'`)
      })
    ).pipe(Effect.mapError((e) => fail(e.message)))
  })

  const valueAt = (p: number) => `(x.v->>${p})`
  const groupValue = (c: ColumnManifest, p: number) =>
    c.type === "json" ? `(x.v->${p})` : `${valueAt(p)}::${columnSqlType(c)}`

  /** Applies signed contributions to the groups' state, recomputes what they need, drops empty groups. */
  const applyDeltas = (sql: SqlClient.SqlClient, deltas: ReadonlyArray<Delta>) =>
    Effect.gen(function* () {
      if (deltas.length === 0) return
      const perMetric = metrics.flatMap((m, i) => {
        if (m.field === undefined) return []
        const v = `${valueAt(position(m.field))}::numeric`
        return [
          `sum(x.s * (${valueAt(position(m.field))} IS NOT NULL)::int) AS "_n_${i}"`,
          `sum(x.s * ${v}) AS "_s_${i}"`,
          ...(m.fn === "min" ? [`min(${v}) FILTER (WHERE x.s > 0) AS "m_${i}"`] : []),
          ...(m.fn === "max" ? [`max(${v}) FILTER (WHERE x.s > 0) AS "m_${i}"`] : [])
        ]
      })
      const insertColumns = [
        `"_group_key"`,
        ...groupColumns.map((c) => quote(c.name)),
        `"_rows"`,
        ...metrics.flatMap((m, i) => (m.field === undefined ? [] : [`"_n_${i}"`, `"_s_${i}"`])),
        ...extremes.map((m) => quote(m.column))
      ]
      const selected = [
        "d.g",
        ...groupColumns.map((c, p) => groupValue(c, p).replaceAll("x.v", "d.v")),
        "d.rows",
        ...metrics.flatMap((m, i) => (m.field === undefined ? [] : [`d."_n_${i}"`, `d."_s_${i}"`])),
        ...extremes.map((m) => `d."m_${m.i}"`)
      ]
      const updates = [
        `"_rows" = t."_rows" + excluded."_rows"`,
        ...metrics.flatMap((m, i) =>
          m.field === undefined
            ? []
            : [
                `"_n_${i}" = t."_n_${i}" + excluded."_n_${i}"`,
                `"_s_${i}" = COALESCE(t."_s_${i}", 0) + COALESCE(excluded."_s_${i}", 0)`
              ]
        ),
        ...extremes.map(
          (m) =>
            `${quote(m.column)} = ${m.fn === "min" ? "LEAST" : "GREATEST"}(t.${quote(m.column)}, excluded.${quote(m.column)})`
        )
      ]
      yield* sql.unsafe(
        `WITH x AS (SELECT g, s, vt::jsonb AS v FROM unnest($1::text[], $2::int[], $3::text[]) AS u(g, s, vt)),
d AS (SELECT x.g, sum(x.s)::bigint AS rows, (array_agg(x.v ORDER BY x.s DESC))[1] AS v${perMetric.length === 0 ? "" : `, ${perMetric.join(", ")}`}
      FROM x GROUP BY x.g)
INSERT INTO ${table} AS t (${insertColumns.join(", ")})
SELECT ${selected.join(", ")} FROM d
ON CONFLICT ("_group_key") DO UPDATE SET ${updates.join(", ")}`,
        [deltas.map((d) => d.group), deltas.map((d) => d.sign), deltas.map((d) => d.values)]
      )
      const affected = [...new Set(deltas.map((d) => d.group))]
      const shrunk = [...new Set(deltas.flatMap((d) => (d.sign < 0 ? [d.group] : [])))]
      if (extremes.length > 0 && shrunk.length > 0) {
        // A group that lost a contribution may have lost its min or max: recompute those groups only.
        yield* sql.unsafe(
          `UPDATE ${table} AS t SET ${extremes.map((m) => `${quote(m.column)} = r."m_${m.i}"`).join(", ")}
FROM (SELECT group_key, ${extremes
            .map((m) => `${m.fn}((vals->>${position(m.field ?? "")})::numeric) AS "m_${m.i}"`)
            .join(", ")}
      FROM syncflow.etl_aggregate_inputs
      WHERE definition_id = $1 AND step_key = $2 AND group_key = ANY($3::text[]) GROUP BY group_key) r
WHERE t."_group_key" = r.group_key`,
          [definitionId, stepKey, shrunk]
        )
      }
      const finals = metrics.map((m, i) => {
        const column = quote(m.column)
        if (m.field === undefined) return `${column} = "_rows"`
        switch (m.fn) {
          case "count":
            return `${column} = "_n_${i}"`
          case "sum":
            return `${column} = CASE WHEN "_n_${i}" > 0 THEN "_s_${i}" END`
          case "avg":
            return `${column} = CASE WHEN "_n_${i}" > 0 THEN "_s_${i}" / "_n_${i}" END`
          default:
            return `${column} = CASE WHEN "_n_${i}" > 0 THEN ${column} END`
        }
      })
      yield* sql.unsafe(
        `UPDATE ${table} SET ${[...finals, `"_updated_at" = now()`].join(", ")} WHERE "_group_key" = ANY($1::text[])`,
        [affected]
      )
      yield* sql.unsafe(`DELETE FROM ${table} WHERE "_group_key" = ANY($1::text[]) AND "_rows" <= 0`, [affected])
    })

  const contribution = (row: EtlRow) => {
    const groupValues = step.groupBy.map((f) => readOwn(row.mapped, f) ?? null)
    const values = [...groupValues, ...fields.map((f) => readOwn(row.mapped, f) ?? null)]
    return { group: JSON.stringify(groupValues), values: JSON.stringify(values) }
  }

  const commitWindow = (
    rows: ReadonlyArray<EtlRow>,
    skippedBefore: ReadonlyArray<EtlRow>,
    runId: string
  ): Effect.Effect<void, SqlError.SqlError, SqlClient.SqlClient> =>
    Effect.gen(function* () {
      const sql = (yield* SqlClient.SqlClient).withoutTransforms()
      const incoming = new Map<string, { readonly group: string; readonly values: string }>()
      for (const row of rows) incoming.set(row.keyHash, contribution(row))
      const removed = skippedBefore.map((row) => row.keyHash).filter((key) => !incoming.has(key))
      const keys = [...incoming.keys(), ...removed]
      if (keys.length === 0) return
      const stored = yield* sql.unsafe<{ readonly key: string; readonly group: string; readonly values: unknown }>(
        `SELECT row_key AS key, group_key AS "group", vals AS values FROM syncflow.etl_aggregate_inputs
         WHERE definition_id = $1 AND step_key = $2 AND row_key = ANY($3::text[]) FOR UPDATE`,
        [definitionId, stepKey, keys]
      )
      const old = new Map(stored.map((s) => [s.key, { group: s.group, values: JSON.stringify(s.values) }]))
      const deltas: Array<Delta> = []
      const unchanged: Array<string> = []
      const replaced: Array<string> = []
      const added: Array<{ readonly key: string; readonly group: string; readonly values: string }> = []
      for (const [key, now] of incoming) {
        const before = old.get(key)
        if (before !== undefined && before.group === now.group && before.values === now.values) {
          unchanged.push(key)
          continue
        }
        if (before !== undefined) {
          deltas.push({ group: before.group, sign: -1, values: before.values })
          replaced.push(key)
        }
        deltas.push({ group: now.group, sign: 1, values: now.values })
        added.push({ key, ...now })
      }
      for (const key of removed) {
        const before = old.get(key)
        if (before === undefined) continue
        deltas.push({ group: before.group, sign: -1, values: before.values })
        replaced.push(key)
      }
      if (replaced.length > 0) {
        yield* sql.unsafe(
          `DELETE FROM syncflow.etl_aggregate_inputs WHERE definition_id = $1 AND step_key = $2 AND row_key = ANY($3::text[])`,
          [definitionId, stepKey, replaced]
        )
      }
      if (added.length > 0) {
        yield* sql.unsafe(
          `INSERT INTO syncflow.etl_aggregate_inputs (definition_id, step_key, row_key, group_key, vals, run_id)
           SELECT $1, $2, k, g, v::jsonb, $6::uuid FROM unnest($3::text[], $4::text[], $5::text[]) AS u(k, g, v)`,
          [definitionId, stepKey, added.map((a) => a.key), added.map((a) => a.group), added.map((a) => a.values), runId]
        )
      }
      if (unchanged.length > 0) {
        yield* sql.unsafe(
          `UPDATE syncflow.etl_aggregate_inputs SET run_id = $4::uuid
           WHERE definition_id = $1 AND step_key = $2 AND row_key = ANY($3::text[])`,
          [definitionId, stepKey, unchanged, runId]
        )
      }
      yield* applyDeltas(sql, deltas)
    })

  const endListing = (runId: string) =>
    Effect.gen(function* () {
      const sql = (yield* SqlClient.SqlClient).withoutTransforms()
      while (true) {
        const gone = yield* sql.unsafe<{ readonly group: string; readonly values: unknown }>(
          `DELETE FROM syncflow.etl_aggregate_inputs WHERE (definition_id, step_key, row_key) IN (
             SELECT definition_id, step_key, row_key FROM syncflow.etl_aggregate_inputs
             WHERE definition_id = $1 AND step_key = $2 AND run_id IS DISTINCT FROM $3::uuid LIMIT 10000)
           RETURNING group_key AS "group", vals AS values`,
          [definitionId, stepKey, runId]
        )
        if (gone.length === 0) return
        yield* applyDeltas(
          sql,
          gone.map((g) => ({ group: g.group, sign: -1, values: JSON.stringify(g.values) }))
        )
      }
    })

  const compiled: CompiledStep = {
    label,
    columns: input.columns,
    key: input.key,
    prepare,
    apply: (rows, window) =>
      Effect.succeed({
        rows,
        failures: [],
        skipped: [],
        commit: commitWindow(rows, window.skippedBefore, window.runId)
      }),
    endListing
  }
  return compiled
})
