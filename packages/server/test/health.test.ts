/**
 * Health end to end, the whole server over a real PostgreSQL and the fake ERP as the upstream:
 * liveness and readiness answer without a token (and their former paths still do); readiness is a
 * 503 problem when a migration is missing; the connectors' health needs the admin token, and with
 * the upstream down answers a 503 problem naming the connector, probed again and again without a
 * single upstream request past the first (the probe is cached, not retried), and without costing
 * the syncs anything: the next sync runs at once.
 */
import { assert, layer } from "@effect/vitest"
import { FakeErp } from "@syncflow/apismith/testing"
import { StateMigrations } from "@syncflow/sync-engine"
import { Effect, Redacted, Schema } from "effect"
import { SqlClient } from "effect/sql"
import { HealthReport } from "../src/api/groups/HealthGroup.ts"
import { finishedRun } from "./finishedRun.ts"
import { bodyAs, call, type Reply, testServerLayerWith } from "./fixtures.ts"

/** An unhealthy answer: a 503 problem document with every check. */
const UnhealthyProblem = Schema.Struct({
  type: Schema.Literal("urn:syncflow:problem:unhealthy"),
  title: Schema.String,
  status: Schema.Literal(503),
  detail: Schema.String,
  version: Schema.String,
  checks: HealthReport.fields.checks
})

const unhealthy = (reply: Reply) => {
  assert.strictEqual(reply.status, 503, JSON.stringify(reply.body))
  assert.match(reply.headers.get("content-type") ?? "", /^application\/problem\+json/)
  return bodyAs(reply, UnhealthyProblem)
}

// A cache longer than the test: every probe after the first must be answered from it.
layer(testServerLayerWith({}, { healthTtlSeconds: 3600 }), { timeout: 120_000, excludeTestServices: true })(
  "health",
  (it) => {
    it.effect("liveness and readiness answer without a token; the former paths still answer", () =>
      Effect.gen(function* () {
        for (const path of ["/api/v1/health/live", "/api/v1/health"]) {
          const live = yield* call("GET", path, { token: null })
          assert.strictEqual(live.status, 200)
          assert.deepInclude(bodyAs(live, HealthReport), { status: "ok", checks: [] })
        }
        for (const path of ["/api/v1/health/ready", "/api/v1/health/db"]) {
          const ready = bodyAs(yield* call("GET", path, { token: null }), HealthReport)
          assert.deepStrictEqual(
            ready.checks.map((check) => [check.name, check.status]),
            [
              ["database", "ok"],
              ["migrations", "ok"]
            ]
          )
        }
      })
    )

    it.effect("readiness is a 503 problem while a migration of this build is not applied", () =>
      Effect.gen(function* () {
        const sql = yield* SqlClient.SqlClient
        const last = StateMigrations.migrations[StateMigrations.migrations.length - 1]
        assert.isDefined(last)
        const id = last?.id ?? 0
        const [row] = yield* sql<{ readonly name: string }>`
          DELETE FROM syncflow.schema_migrations WHERE id = ${id} RETURNING name`
        const problem = unhealthy(yield* call("GET", "/api/v1/health/ready", { token: null }))
        assert.include(problem.detail, `migrations not applied: ${id}`)
        assert.deepInclude(problem.checks[0], { name: "database", status: "ok" })
        assert.deepInclude(problem.checks[1], { name: "migrations", status: "down" })
        // Liveness does not depend on it.
        assert.strictEqual((yield* call("GET", "/api/v1/health/live", { token: null })).status, 200)
        yield* sql`INSERT INTO syncflow.schema_migrations (id, name) VALUES (${id}, ${row?.name ?? ""})`
        assert.strictEqual((yield* call("GET", "/api/v1/health/ready", { token: null })).status, 200)
      })
    )

    it.effect(
      "the connectors' health: admin token, a 503 problem with the upstream down, one probe per cache period",
      () =>
        Effect.gen(function* () {
          const fake = yield* FakeErp.make({ seed: 3, rows: { items: 120, customers: 5, orders: 5 } })
          const created = yield* call("POST", "/api/v1/connectors", {
            body: {
              id: "erp",
              adapter: "apismith",
              name: "ERP",
              config: { baseUrl: fake.baseUrl },
              credentials: { type: "serviceJwt", secret: Redacted.value(fake.secret) }
            }
          })
          assert.strictEqual(created.status, 201)

          // Without the admin token: refused, and nothing about the connectors is told.
          for (const token of [null, "wrong"]) {
            const refused = yield* call("GET", "/api/v1/health/connectors", { token })
            assert.strictEqual(refused.status, 401)
            assert.notInclude(JSON.stringify(refused.body), "erp")
            assert.notInclude(JSON.stringify(refused.body), new URL(fake.baseUrl).host)
          }
          assert.strictEqual((yield* fake.requests).length, 0)

          // The upstream goes down: the first probe sends one request (not retried) and reports it.
          yield* fake.faults.setDatabaseAvailable(false)
          const problem = unhealthy(yield* call("GET", "/api/v1/health/connectors"))
          assert.include(problem.detail, "connector:erp")
          assert.strictEqual(problem.checks.length, 1)
          assert.deepInclude(problem.checks[0], { name: "connector:erp", status: "down" })
          assert.isString(problem.checks[0]?.checkedAt)
          assert.strictEqual((yield* fake.requests).length, 1)

          // Probed again and again (and liveness, readiness along): answered from the cache, no request.
          for (let i = 0; i < 25; i++) {
            const again = unhealthy(yield* call("GET", "/api/v1/health/connectors"))
            assert.deepStrictEqual(again.checks, problem.checks)
            assert.strictEqual((yield* call("GET", "/api/v1/health/live", { token: null })).status, 200)
            assert.strictEqual((yield* call("GET", "/api/v1/health/ready", { token: null })).status, 200)
          }
          assert.strictEqual((yield* fake.requests).length, 1)

          // The upstream is back: the probe spent none of the syncs' budget and opened no circuit, so
          // discovery and a sync run at once, and the table equals the source.
          yield* fake.faults.setDatabaseAvailable(true)
          assert.strictEqual((yield* call("POST", "/api/v1/connectors/erp/discover")).status, 200)
          assert.strictEqual((yield* call("POST", "/api/v1/connectors/erp/entities/items/sync")).status, 202)
          const run = yield* finishedRun("erp", "items")
          assert.strictEqual(run.status, "succeeded")
          assert.deepInclude(run.counts, { fetched: fake.groundTruth.count("items"), inserted: 120 })
        }).pipe(Effect.scoped),
      90_000
    )
  }
)
