/**
 * Schema drift through the whole server: a connector with `discoveryTtlSeconds: 0`, synced by API
 * triggers (the durable workflows the scheduler also starts). The source then gains a column and
 * retypes another (NUMBER to VARCHAR2): the next sync adds and fills the new column without a
 * discover, reports the type change on the run, the entity and `/metrics`, writes what the old
 * column type can hold and lists the rest as failed records (stage `ingest`, raw data kept).
 * The table is compared with the fake ERP's ground truth.
 */
import { assert, layer } from "@effect/vitest"
import { FakeErp } from "@syncflow/apismith/testing"
import { Effect, Option, Predicate, Redacted, Schema } from "effect"
import { SqlClient } from "effect/sql"
import { EntityView, FailedRecordView, RunView } from "../src/api/Views.ts"
import { finishedRun } from "./finishedRun.ts"
import { bodyAs, call, eventually, testServerLayer } from "./fixtures.ts"

/** The execution a sync trigger answered 202 with. */
const executionOf = (reply: { readonly status: number; readonly body: unknown }): string => {
  assert.strictEqual(reply.status, 202)
  return String(field(reply.body, "executionId"))
}

const field = (data: unknown, name: string): unknown => (Predicate.isObject(data) ? data[name] : undefined)

/** Text without control characters (C0 but tab and LF, DEL, C1, BOM), as Oracle text is cleaned. */
const withoutControls = (text: string): string =>
  Array.from(text)
    .filter((c) => {
      const code = c.codePointAt(0) ?? 0
      return (code >= 32 || code === 9 || code === 10) && (code < 0x7f || code > 0x9f) && code !== 0xfeff
    })
    .join("")

layer(testServerLayer, { timeout: 120_000, excludeTestServices: true })("schema drift", (it) => {
  it.effect(
    "a new column and a retyped column reach the run, the entity, the metrics and the failed records",
    () =>
      Effect.gen(function* () {
        const fake = yield* FakeErp.make({ seed: 95, rows: { items: 400, customers: 20, orders: 20 } })
        const created = yield* call("POST", "/api/v1/connectors", {
          body: {
            id: "erp",
            adapter: "apismith",
            name: "ERP",
            config: { baseUrl: fake.baseUrl, pageSize: 100, discoveryTtlSeconds: 0 },
            credentials: { type: "serviceJwt", secret: Redacted.value(fake.secret) }
          }
        })
        assert.strictEqual(created.status, 201)
        const discovered = bodyAs(yield* call("POST", "/api/v1/connectors/erp/discover"), Schema.Array(EntityView))
        // Only our triggers run.
        for (const entity of discovered) {
          yield* call("PATCH", `/api/v1/connectors/erp/entities/${entity.entity}`, { body: { enabled: false } })
        }
        assert.deepStrictEqual(discovered.find((e) => e.entity === "items")?.typeMismatches, [])

        const firstExecution = executionOf(yield* call("POST", "/api/v1/connectors/erp/entities/items/sync"))
        const first = yield* finishedRun("erp", "items")
        assert.deepInclude(first, { status: "succeeded", typeMismatches: [] })
        assert.deepInclude(first.counts, { inserted: 400, failed: 0 })

        // Upstream: a new column, and weight_kg retyped from NUMBER to VARCHAR2(20).
        const report = yield* fake.mutate("items", { addColumn: true, retypeColumn: true, update: 60, insert: 10 })
        assert.deepInclude(report, { addedColumn: "planner_code", retypedColumn: "weight_kg" })
        // A trigger while the first execution still closes (after its run finished) joins it: retry until
        // a new execution starts.
        yield* eventually(
          Effect.map(call("POST", "/api/v1/connectors/erp/entities/items/sync"), (reply) =>
            executionOf(reply) === firstExecution ? Option.none() : Option.some(reply)
          )
        )
        const second = yield* finishedRun("erp", "items", first.id)

        // Which rows cannot be stored, decided from the truth alone.
        const truth = Array.from(fake.groundTruth.rows("items"))
        const changed = new Set([...report.updated, ...report.inserted].map((keys) => String(keys.PART_NO)))
        const inserted = new Set(report.inserted.map((keys) => String(keys.PART_NO)))
        const unstorable = new Map(
          truth.flatMap((row) => {
            const key = String(row.values.part_no)
            const weight = row.values.weight_kg
            return changed.has(key) && typeof weight === "string" && !/^\d+(\.\d+)?$/.test(weight)
              ? [[key, weight] as const]
              : []
          })
        )
        assert.isAbove(unstorable.size, 3)

        // The run: succeeded, the mismatch listed, the unstorable rows counted as failed.
        const mismatch = { column: "weight_kg", expected: "text", actual: "numeric" }
        assert.strictEqual(second.status, "succeeded")
        assert.deepStrictEqual(second.typeMismatches, [mismatch])
        assert.strictEqual(second.counts.failed, unstorable.size)
        assert.strictEqual(second.counts.inserted, 10 - [...unstorable.keys()].filter((k) => inserted.has(k)).length)
        const shownRun = bodyAs(yield* call("GET", `/api/v1/runs/${second.id}`), RunView)
        assert.deepStrictEqual(shownRun.typeMismatches, [mismatch])
        // The entity: the mismatch as it is now, and the manifest rediscovered without a discover call.
        const entity = bodyAs(yield* call("GET", "/api/v1/connectors/erp/entities/items"), EntityView)
        assert.deepStrictEqual(entity.typeMismatches, [mismatch])
        assert.deepInclude(
          entity.manifest.columns?.find((c) => c.name === "weight_kg"),
          { type: "string", sourceType: "VARCHAR2(20)" }
        )

        // The failed records: one per unstorable row, stage ingest, with the reason and the raw data.
        const failed = bodyAs(
          yield* call("GET", "/api/v1/connectors/erp/failed-records?entity=items&limit=1000"),
          Schema.Array(FailedRecordView)
        )
        assert.strictEqual(failed.length, unstorable.size)
        for (const record of failed) {
          assert.deepInclude(record, { stage: "ingest", errorType: "UnstorableValue", runId: second.id })
          assert.include(record.message, "weight_kg")
          const key = String(field(record.mappedData, "part_no"))
          assert.strictEqual(withoutControls(String(field(record.rawData, "weight_kg"))).trim(), unstorable.get(key))
        }

        // /metrics: the mismatch per entity, the unresolved failed records per entity.
        const metrics = String((yield* call("GET", "/metrics", { token: null })).body)
        assert.match(metrics, /^syncflow_type_mismatches\{(?=[^}]*connector="erp")(?=[^}]*entity="items")[^}]*\} 1$/m)
        assert.match(metrics, /^syncflow_type_mismatches\{(?=[^}]*connector="erp")(?=[^}]*entity="orders")[^}]*\} 0$/m)
        assert.match(
          metrics,
          new RegExp(
            `^syncflow_failed_records\\{(?=[^}]*connector="erp")(?=[^}]*entity="items")[^}]*\\} ${unstorable.size}$`,
            "m"
          )
        )

        // The table equals the truth but for the unstorable rows (an updated one keeps its previous
        // version, an inserted one is absent): the new column, and weight_kg compared as numbers.
        const sql = yield* SqlClient.SqlClient
        // Wherever the connector's tables go (found in the catalog).
        const [located] = yield* sql.unsafe<{ readonly name: string }>(
          `SELECT format('%I.%I', table_schema, table_name) AS name FROM information_schema.columns
           WHERE table_name = 'items' AND column_name = '_bk_hash' AND table_schema <> 'syncflow'`
        )
        const rows = yield* sql.unsafe<{
          readonly key: string
          readonly weight: string | null
          readonly planner: string | null
        }>(
          `SELECT part_no AS key, weight_kg::text AS weight, planner_code AS planner FROM ${located?.name ?? "public.items"} WHERE NOT _deleted`
        )
        const stored = new Map(rows.map((row) => [row.key, row]))
        assert.strictEqual(stored.size, 410 - [...unstorable.keys()].filter((k) => inserted.has(k)).length)
        let compared = 0
        for (const row of truth) {
          const key = String(row.values.part_no)
          if (unstorable.has(key)) {
            assert.strictEqual(stored.has(key), !inserted.has(key), key)
            continue
          }
          const got = stored.get(key)
          assert.isDefined(got, key)
          const weight = row.values.weight_kg
          if (weight === null) assert.isNull(got?.weight ?? null, key)
          else assert.strictEqual(Number(got?.weight), Number(weight), key)
          assert.strictEqual(got?.planner ?? null, row.values.planner_code ?? null, key)
          compared++
        }
        assert.strictEqual(compared, 410 - unstorable.size)
      }),
    120_000
  )
})
