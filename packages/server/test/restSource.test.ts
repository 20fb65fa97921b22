/**
 * Declarative REST sources through the server: Planning Center People described as a document and
 * the hand-written `pco` adapter, both created through the API on the same fake and synced to
 * PostgreSQL — the two people tables are equal, and equal the fake's people; an upstream answering
 * a shape the document did not declare fails that run with the invalid-response error naming the
 * field, and the server goes on.
 */
import { readFileSync } from "node:fs"
import { assert, layer } from "@effect/vitest"
import { FakePco } from "@syncflow/pco/testing"
import { readDocument } from "@syncflow/rest"
import { FakeStripe } from "@syncflow/rest/testing"
import { Effect, Option, Redacted, Result } from "effect"
import { SqlClient } from "effect/sql"
import { EntitySyncTriggered } from "../src/api/groups/EntitiesGroup.ts"
import { ExecutionView } from "../src/api/Views.ts"
import { bodyAs, call, eventually, testServerLayer } from "./fixtures.ts"

/** The README's Planning Center document, pointing at `baseUrl`, as the JSON the API takes. */
const pcoDocument = (baseUrl: string) => {
  const text = readFileSync(new URL("../../rest/examples/pco-people.yaml", import.meta.url), "utf8")
  return Result.getOrThrow(readDocument(text.replace(/^baseUrl: .*$/m, `baseUrl: ${baseUrl}`)))
}

/** Syncs one entity and waits for its execution to finish; its (one) run. */
const syncEntity = (connector: string, entity: string) =>
  Effect.gen(function* () {
    assert.strictEqual((yield* call("POST", `/api/v1/connectors/${connector}/discover`)).status, 200)
    const started = yield* call("POST", `/api/v1/connectors/${connector}/entities/${entity}/sync`)
    assert.strictEqual(started.status, 202, JSON.stringify(started.body))
    const { executionId } = bodyAs(started, EntitySyncTriggered)
    const execution = yield* eventually(
      Effect.map(call("GET", `/api/v1/executions/${executionId}`), (reply) => {
        const found = reply.status === 200 ? bodyAs(reply, ExecutionView) : undefined
        return found !== undefined && found.status !== "running" ? Option.some(found) : Option.none()
      })
    )
    const run = execution.runs.find((candidate) => candidate.entity === entity)?.run
    if (run === undefined || run === null) return assert.fail(`the execution of ${entity} has no run`)
    return run
  })

/** A table's rows without the audit columns, by id. */
const rowsOf = (table: string) =>
  Effect.flatMap(SqlClient.SqlClient, (sql) =>
    sql.unsafe<Record<string, unknown>>(`SELECT * FROM ${table} ORDER BY id`)
  ).pipe(
    Effect.map((rows) =>
      rows.map((row) => Object.fromEntries(Object.entries(row).filter(([name]) => !name.startsWith("_"))))
    ),
    Effect.orDie
  )

layer(testServerLayer, { timeout: 120_000, excludeTestServices: true })("declarative REST sources", (it) => {
  it.effect(
    "Planning Center People as a document syncs the same people table as the hand-written adapter",
    () =>
      Effect.gen(function* () {
        const fake = yield* FakePco.make({ people: 140, seed: 17 })
        const credentials = {
          appId: fake.personalAccessToken.username,
          secret: Redacted.value(fake.personalAccessToken.password)
        }
        const handWritten = yield* call("POST", "/api/v1/connectors", {
          body: {
            id: "pco_people",
            adapter: "pco",
            name: "PCO (hand-written)",
            config: { baseUrl: fake.baseUrl },
            credentials: { type: "personalAccessToken", ...credentials }
          }
        })
        assert.strictEqual(handWritten.status, 201, JSON.stringify(handWritten.body))
        const declarative = yield* call("POST", "/api/v1/connectors", {
          body: {
            id: "rest_people",
            adapter: "rest",
            name: "PCO (document)",
            config: pcoDocument(fake.baseUrl),
            credentials: { type: "basic", username: credentials.appId, password: credentials.secret }
          }
        })
        assert.strictEqual(declarative.status, 201, JSON.stringify(declarative.body))
        // Only people: the hand-written adapter's other entities stay off.
        yield* call("POST", "/api/v1/connectors/pco_people/discover")
        const runs = [yield* syncEntity("pco_people", "person"), yield* syncEntity("rest_people", "person")]
        for (const run of runs) assert.strictEqual(run.status, "succeeded", run.error ?? "")
        const byDocument = yield* rowsOf("rest_people.person")
        const byAdapter = yield* rowsOf("pco_people.person")
        assert.strictEqual(byDocument.length, 140)
        assert.deepStrictEqual(byDocument, byAdapter)
        assert.deepStrictEqual(
          byDocument.map((row) => String(row.id)),
          [...fake.truth.ids("Person")].sort()
        )
        for (const row of byDocument) {
          const truth = fake.truth.get("Person", String(row.id))?.attributes
          assert.strictEqual(row.first_name, truth?.first_name)
          assert.strictEqual(row.last_name, truth?.last_name)
        }
      }).pipe(Effect.scoped),
    120_000
  )

  it.effect(
    "an answer of an undeclared shape fails the run with the field named; the server goes on",
    () =>
      Effect.gen(function* () {
        const stripe = yield* FakeStripe.make({ customers: 8 })
        const created = yield* call("POST", "/api/v1/connectors", {
          body: {
            id: "stripe",
            adapter: "rest",
            name: "Stripe",
            config: {
              baseUrl: stripe.baseUrl,
              auth: { type: "bearer" },
              streams: [
                {
                  name: "customers",
                  path: "/v1/customers",
                  records: "data",
                  primaryKey: "id",
                  pagination: {
                    style: "cursor",
                    tokenParam: "starting_after",
                    token: { lastRecord: "id" },
                    hasMore: "has_more"
                  }
                }
              ]
            },
            credentials: { type: "bearer", token: "sk_test" }
          }
        })
        assert.strictEqual(created.status, 201, JSON.stringify(created.body))
        stripe.breakShape(true)
        const failed = yield* syncEntity("stripe", "customers")
        assert.strictEqual(failed.status, "failed")
        assert.include(failed.error ?? "", "InvalidResponse")
        assert.include(failed.error ?? "", "data: Expected array")
        stripe.breakShape(false)
        const succeeded = yield* syncEntity("stripe", "customers")
        assert.strictEqual(succeeded.status, "succeeded", succeeded.error ?? "")
        assert.strictEqual((yield* rowsOf("stripe.customers")).length, 8)
        // A document that does not decode is refused with the field named.
        const refused = yield* call("POST", "/api/v1/connectors", {
          body: {
            id: "broken",
            adapter: "rest",
            name: "Broken",
            config: {
              baseUrl: stripe.baseUrl,
              streams: [{ name: "x", path: "/x", primaryKey: "id", pagination: { style: "scroll" } }]
            },
            credentials: { type: "bearer", token: "t" }
          }
        })
        assert.strictEqual(refused.status, 400)
        assert.deepInclude(refused.body, { field: "config.streams.0.pagination" })
      }).pipe(Effect.scoped),
    120_000
  )
})
