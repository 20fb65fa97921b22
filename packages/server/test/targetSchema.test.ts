/**
 * Where a connector's tables go, through the admin API: each connector's own schema (its id by
 * default), a schema already used by another connector or a hostile one refused with the field
 * named, and the tables of the old layout (`public`) moved with their rows by `move-tables`, then
 * synced in place with nothing re-inserted; every table equals the fake ERP's truth.
 */
import { assert, layer } from "@effect/vitest"
import { FakeErp } from "@syncflow/apismith/testing"
import { Effect, Redacted, Schema } from "effect"
import { SqlClient } from "effect/sql"
import { MovedTableView } from "../src/api/groups/ConnectorsGroup.ts"
import { ConnectorView } from "../src/api/Views.ts"
import { finishedRun } from "./finishedRun.ts"
import { bodyAs, call, testServerLayer } from "./fixtures.ts"
import { liveRows } from "./liveRows.ts"

layer(testServerLayer, { timeout: 180_000, excludeTestServices: true })("where tables go (admin API)", (it) => {
  it.effect(
    "a connector's schema is its own; tables of the old layout are moved with their rows and synced in place",
    () =>
      Effect.gen(function* () {
        const fake = yield* FakeErp.make({ seed: 41, rows: { items: 200, customers: 20, orders: 30 } })
        const connector = (id: string, extra: object = {}) =>
          call("POST", "/api/v1/connectors", {
            body: {
              id,
              adapter: "apismith",
              name: id,
              config: { baseUrl: fake.baseUrl },
              credentials: { type: "serviceJwt", secret: Redacted.value(fake.secret) },
              ...extra
            }
          })

        const north = yield* connector("ERP-North")
        assert.strictEqual(north.status, 201)
        assert.deepInclude(bodyAs(north, ConnectorView), { targetSchema: null, schema: "erp_north" })
        // Another connector may not write into that schema; hostile and reserved names are refused.
        const taken = yield* connector("intruder", { targetSchema: "erp_north" })
        assert.strictEqual(taken.status, 409)
        assert.deepInclude(taken.body, { field: "targetSchema" })
        for (const bad of ['x"; drop table y; --', "Sales", "syncflow", "pg_temp"]) {
          const refused = yield* connector("intruder", { targetSchema: bad })
          assert.strictEqual(refused.status, 400, bad)
          assert.deepInclude(refused.body, { field: "targetSchema" }, bad)
        }
        assert.strictEqual((yield* call("GET", "/api/v1/connectors/intruder")).status, 404)

        // The old layout: tables in public (what migration 4 keeps for a connector that had them).
        assert.strictEqual((yield* connector("legacy", { targetSchema: "public" })).status, 201)
        assert.strictEqual((yield* call("POST", "/api/v1/connectors/legacy/discover")).status, 200)
        const badTable = yield* call("PATCH", "/api/v1/connectors/legacy/entities/items", {
          body: { targetTable: "Items; drop" }
        })
        assert.strictEqual(badTable.status, 400)
        assert.deepInclude(badTable.body, { field: "targetTable" })
        assert.strictEqual((yield* call("POST", "/api/v1/connectors/legacy/sync", { body: {} })).status, 202)
        const entities = ["items", "customers", "orders", "order_lines"]
        const first = new Map<string, string>()
        for (const entity of entities) {
          const run = yield* finishedRun("legacy", entity)
          assert.strictEqual(run.status, "succeeded", entity)
          assert.strictEqual(run.counts.inserted, fake.groundTruth.count(entity), entity)
          assert.strictEqual(yield* liveRows("public", entity), fake.groundTruth.count(entity), entity)
          first.set(entity, run.id)
        }

        const moved = yield* call("POST", "/api/v1/connectors/legacy/move-tables", { body: {} })
        assert.strictEqual(moved.status, 200)
        const tables = bodyAs(moved, Schema.Array(MovedTableView))
        for (const entity of entities) {
          assert.deepInclude(
            tables.find((table) => table.entity === entity),
            { from: `public.${entity}`, to: `legacy.${entity}`, moved: true },
            entity
          )
        }
        const after = bodyAs(yield* call("GET", "/api/v1/connectors/legacy"), ConnectorView)
        assert.deepInclude(after, { targetSchema: null, schema: "legacy" })

        // Synced in place: a reconciliation re-inserts nothing, and every table equals the truth.
        yield* fake.mutate("items", { update: 4 })
        const again = yield* call("POST", "/api/v1/connectors/legacy/sync", { body: { mode: "full-refresh" } })
        assert.strictEqual(again.status, 202)
        for (const entity of entities) {
          const run = yield* finishedRun("legacy", entity, first.get(entity))
          assert.strictEqual(run.status, "succeeded", entity)
          assert.deepInclude(run.counts, { inserted: 0, updated: entity === "items" ? 4 : 0, deleted: 0 }, entity)
          assert.strictEqual(yield* liveRows("legacy", entity), fake.groundTruth.count(entity), entity)
        }
        const sql = yield* SqlClient.SqlClient
        const left = yield* sql<{ readonly n: number }>`
          SELECT count(*)::int AS n FROM information_schema.tables WHERE table_schema = 'public' AND table_name = 'items'`
        assert.strictEqual(left[0]?.n, 0)
      }).pipe(Effect.scoped),
    180_000
  )
})
