import { readFileSync } from "node:fs"
import { assert, layer } from "@effect/vitest"
import { FakeErp } from "@syncflow/apismith/testing"
import { Effect, Option, Redacted } from "effect"
import { SqlClient } from "effect/sql"
import { connectErp } from "../examples/adminClient.ts"
import { apiKey, call, eventually, TestServer, testServerLayer } from "./fixtures.ts"

layer(testServerLayer, { timeout: 120_000, excludeTestServices: true })("server README", (it) => {
  it("shows the example file verbatim", () => {
    const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8")
    const example = readFileSync(new URL("../examples/adminClient.ts", import.meta.url), "utf8")
    assert.include(readme, example.trim())
  })

  it.effect("its problem examples are what the server answers", () =>
    Effect.gen(function* () {
      const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8")
      const shown = (marker: string): unknown => {
        const lines = readme.split("\n")
        const at = lines.findIndex((line) => line.startsWith("$ curl") && line.includes(marker))
        const answer = lines.slice(at + 1).find((line) => line.startsWith("{"))
        return JSON.parse(answer ?? "null")
      }
      const badCron = yield* call("PATCH", "/api/v1/connectors/erp/entities/customers", {
        body: { cron: "61 * * * *" }
      })
      assert.deepStrictEqual(badCron.body, shown("PATCH"))
      const unknown = yield* call("GET", "/api/v1/nothing", { token: null })
      assert.deepStrictEqual(unknown.body, shown("/api/v1/nothing"))
    })
  )

  it.effect("its example connects a (fake) ERP over the API, and the sync it starts fills the tables", () =>
    Effect.gen(function* () {
      const fake = yield* FakeErp.make({ seed: 3, rows: { items: 200, customers: 20, orders: 30 } })
      const { baseUrl } = yield* TestServer
      const result = yield* connectErp({
        server: baseUrl,
        apiKey,
        erpUrl: fake.baseUrl,
        erpSecret: Redacted.value(fake.secret)
      })
      assert.includeMembers(result.entities, ["items", "customers", "orders", "order_lines"])
      assert.isNotEmpty(result.executionId)
      const sql = yield* SqlClient.SqlClient
      yield* eventually(
        Effect.map(
          sql
            .unsafe<{ readonly n: number }>(`SELECT count(*)::int AS n FROM erp.order_lines`)
            .pipe(Effect.orElseSucceed(() => [{ n: -1 }])),
          ([row]) => (row?.n === fake.groundTruth.count("order_lines") ? Option.some(row.n) : Option.none())
        )
      )
    }).pipe(Effect.scoped)
  )
})
