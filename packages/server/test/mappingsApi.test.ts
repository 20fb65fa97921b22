/**
 * A sync definition's field mapping through the admin API over real HTTP (real PostgreSQL, the fake
 * ERP): a mapping that does not fit is a 400 problem naming the entry and field and stores nothing;
 * a mapping is set (version 1), read, changed (version 2), listed in its versions; the definition's
 * run uses the latest version (its run says which, with the Transform stage's records and time), and its
 * table holds the transformed truth; a definition's ETL steps are in its run, each with its rows in,
 * out, skipped and failed and its time.
 */
import { assert, layer } from "@effect/vitest"
import { FakeErp } from "@syncflow/apismith/testing"
import { Effect, Option, Redacted, Schema } from "effect"
import { SqlClient } from "effect/sql"
import { DefinitionRunTriggered } from "../src/api/groups/DefinitionsGroup.ts"
import { MappingVersionView } from "../src/api/groups/MappingsGroup.ts"
import { RunView } from "../src/api/Views.ts"
import { bodyAs, call, eventually, testServerLayer } from "./fixtures.ts"

const mapping = (format: "upper" | "lower") => ({
  entries: [
    { source: "customer_id", target: "id" },
    { source: "name", target: "name", transform: { kind: "format", format } },
    {
      source: "country_code",
      target: "country",
      transform: { kind: "lookup", values: { SE: "Sweden" }, fallback: "elsewhere" }
    }
  ]
})

layer(testServerLayer, { timeout: 120_000, excludeTestServices: true })("field mappings API", (it) => {
  it.effect(
    "refused naming the entry and field; set, read, changed, versioned; a run uses the latest",
    () =>
      Effect.gen(function* () {
        const fake = yield* FakeErp.make({ seed: 19, rows: { items: 10, customers: 40, orders: 10 } })
        assert.strictEqual(
          (yield* call("POST", "/api/v1/connectors", {
            body: {
              id: "erp",
              adapter: "apismith",
              name: "ERP",
              config: { baseUrl: fake.baseUrl, pageSize: 100 },
              credentials: { type: "serviceJwt", secret: Redacted.value(fake.secret) }
            }
          })).status,
          201
        )
        assert.strictEqual((yield* call("POST", "/api/v1/connectors/erp/discover")).status, 200)
        const definition = yield* call("POST", "/api/v1/definitions", {
          body: {
            id: "customers-mapped",
            name: "Customers mapped",
            source: { connectorId: "erp", entity: "customers" },
            destination: { kind: "postgres", table: "customers_mapped" }
          }
        })
        assert.strictEqual(definition.status, 201)
        const path = "/api/v1/definitions/customers-mapped/mapping"
        assert.strictEqual((yield* call("GET", path)).status, 404)

        // Refused, naming the entry and field.
        const unknown = yield* call("PUT", path, {
          body: {
            entries: [
              { source: "customer_id", target: "id" },
              { source: "address.city", target: "city" }
            ]
          }
        })
        assert.strictEqual(unknown.status, 400)
        assert.deepInclude(unknown.body, { field: "entries[1].source" })
        const badExpression = yield* call("PUT", path, {
          body: {
            entries: [
              { source: "customer_id", target: "id" },
              { target: "limit", transform: { kind: "calculate", expression: "credit_limit.__proto__" } }
            ]
          }
        })
        assert.strictEqual(badExpression.status, 400)
        assert.deepInclude(badExpression.body, { field: "entries[1].transform.expression" })
        assert.include(JSON.stringify(badExpression.body), "__proto__")
        const badBody = yield* call("PUT", path, { body: { entries: [{ source: "name" }] } })
        assert.strictEqual(badBody.status, 400)
        assert.deepStrictEqual(bodyAs(yield* call("GET", `${path}/versions`), Schema.Array(MappingVersionView)), [])

        // Set, read, changed: two versions, newest first.
        const first = yield* call("PUT", path, { body: mapping("upper") })
        assert.strictEqual(first.status, 200)
        assert.strictEqual(bodyAs(first, MappingVersionView).version, 1)
        const read = bodyAs(yield* call("GET", path), MappingVersionView)
        assert.strictEqual(read.version, 1)
        assert.deepStrictEqual<unknown>(read.entries, mapping("upper").entries)
        assert.strictEqual(bodyAs(yield* call("PUT", path, { body: mapping("lower") }), MappingVersionView).version, 2)
        const versions = bodyAs(yield* call("GET", `${path}/versions`), Schema.Array(MappingVersionView))
        assert.deepStrictEqual(
          versions.map((v) => [v.version, v.entries[1]?.transform]),
          [
            [2, { kind: "format", format: "lower" }],
            [1, { kind: "format", format: "upper" }]
          ]
        )

        // The run uses version 2, and says so; the table holds the transformed truth.
        const trigger = bodyAs(yield* call("POST", "/api/v1/definitions/customers-mapped/run"), DefinitionRunTriggered)
        const run = yield* eventually(
          Effect.map(call("GET", `/api/v1/runs/${trigger.runId}`), (reply) => {
            if (reply.status !== 200) return Option.none()
            const view = bodyAs(reply, RunView)
            return view.status !== "running" ? Option.some(view) : Option.none()
          })
        )
        assert.deepInclude(run, { status: "succeeded", mappingVersion: 2 })
        // The Transform stage is in the run's counts and timings: every customer passed through it.
        assert.strictEqual(run.counts.transformed, 40)
        assert.isNumber(run.transformMs)
        assert.notProperty(run, "etlSteps")
        const sql = yield* SqlClient.SqlClient
        const rows = (yield* sql<{ readonly id: string; readonly name: string | null; readonly country: string }>`
        SELECT id, name, country FROM erp.customers_mapped WHERE NOT _deleted`).map((r) => [r.id, r.name, r.country])
        const expected = [...fake.groundTruth.rows("customers")].map((row) => [
          String(row.values.customer_id),
          row.values.name === null ? null : String(row.values.name).toLowerCase(),
          row.values.country_code === "SE" ? "Sweden" : "elsewhere"
        ])
        assert.sameDeepMembers(rows, expected)

        // A definition with ETL steps: each step's rows in, out, skipped and failed, and its time, in the run.
        assert.strictEqual(
          (yield* call("POST", "/api/v1/definitions", {
            body: {
              id: "swedish-customers",
              name: "Swedish customers",
              source: { connectorId: "erp", entity: "customers" },
              destination: { kind: "postgres", table: "swedish_customers" },
              pipeline: [
                { type: "filter", condition: "country_code == 'SE'" },
                { type: "map", compute: { shout: { expression: "name + '!'", type: "string" } } }
              ]
            }
          })).status,
          201
        )
        const stepsTrigger = bodyAs(
          yield* call("POST", "/api/v1/definitions/swedish-customers/run"),
          DefinitionRunTriggered
        )
        const stepsRun = yield* eventually(
          Effect.map(call("GET", `/api/v1/runs/${stepsTrigger.runId}`), (reply) => {
            if (reply.status !== 200) return Option.none()
            const view = bodyAs(reply, RunView)
            return view.status !== "running" ? Option.some(view) : Option.none()
          })
        )
        const swedish = [...fake.groundTruth.rows("customers")].filter((row) => row.values.country_code === "SE").length
        assert.strictEqual(stepsRun.status, "succeeded")
        assert.notProperty(stepsRun.counts, "transformed")
        assert.deepStrictEqual(
          (stepsRun.etlSteps ?? []).map((step) => [step.step, step.input, step.output, step.skipped, step.failed]),
          [
            ["pipeline[0] filter", 40, swedish, 40 - swedish, 0],
            ["pipeline[1] map", swedish, swedish, 0, 0]
          ]
        )
        assert.isTrue((stepsRun.etlSteps ?? []).every((step) => typeof step.ms === "number"))
        const swedishRows = yield* sql<{ readonly n: number }>`
        SELECT count(*)::int AS n FROM erp.swedish_customers WHERE NOT _deleted`
        assert.strictEqual(swedishRows[0]?.n, swedish)
      }).pipe(Effect.scoped),
    120_000
  )
})
