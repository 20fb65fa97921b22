/**
 * A sync definition with a mapping and filters, run against the fake ERP into its own PostgreSQL
 * table: the table holds exactly the fake's ground-truth rows that pass the filters (applied here,
 * independently of the engine), with only the mapped columns under their new names; a second run
 * writes nothing; the runs are the definition's own, and the entity's default table is untouched.
 */
import { assert, layer } from "@effect/vitest"
import { Effect, Layer, Option } from "effect"
import { SqlClient } from "effect/sql"
import { runDefinition } from "../../src/definitions/runDefinition.ts"
import { SyncDefinitions } from "../../src/definitions/SyncDefinitions.ts"
import { createDefinition } from "../../src/definitions/saveDefinition.ts"
import { ConnectorStore } from "../../src/state/ConnectorStore.ts"
import { ManifestStore } from "../../src/state/ManifestStore.ts"
import { RunStore } from "../../src/state/RunStore.ts"
import { ConnectorAdapters } from "../../src/workflow/ConnectorAdapters.ts"
import { apiSmithStages, cleanText, engineLayer, fakeErp, storedRows } from "../pipeline/fixtures.ts"

const testLayer = SyncDefinitions.layer.pipe(Layer.provideMerge(engineLayer))

layer(testLayer, { timeout: 120_000 })("a sync definition into PostgreSQL", (it) => {
  it.effect("maps and filters the ERP's items into its own table, equal to the filtered, mapped truth", () =>
    Effect.gen(function* () {
      const { fake, adapter, manifests } = yield* fakeErp({ seed: 31, rows: { items: 800, customers: 10, orders: 10 } })
      const connectorStore = yield* ConnectorStore
      const manifestStore = yield* ManifestStore
      const runStore = yield* RunStore
      yield* connectorStore.createConnector({ id: "erp", adapter: "apismith", name: "ERP" })
      yield* manifestStore.saveManifests("erp", manifests)
      const adapters = Layer.succeed(ConnectorAdapters, {
        runtime: () => Effect.succeed({ adapter, stages: () => apiSmithStages })
      })

      const definition = yield* createDefinition({
        id: "active-items",
        name: "Active items",
        source: { connectorId: "erp", entity: "items" },
        destination: { kind: "postgres", table: "active_items" },
        mapping: { part_no: "sku", description: "description", list_price: "price" },
        filters: [
          { field: "is_active", op: "eq", value: true },
          { field: "list_price", op: "gte", value: 1000 }
        ]
      }).pipe(Effect.provide(adapters))
      const summary = yield* runDefinition(definition).pipe(Effect.provide(adapters))

      // The truth, filtered and mapped here.
      const expected = [...fake.groundTruth.rows("items")]
        .filter((row) => row.values.is_active === true && row.values.list_price !== null)
        .filter((row) => Number(row.values.list_price) >= 1000)
        .map((row) =>
          JSON.stringify([row.values.part_no, row.values.description, row.values.list_price].map(cleanText))
        )
      assert.isAbove(expected.length, 0)
      assert.isBelow(expected.length, fake.groundTruth.count("items"))
      const stored = yield* storedRows("active_items", [
        { name: "sku", type: "string", nullable: false, businessKey: true },
        { name: "description", type: "string", nullable: true, businessKey: false },
        { name: "price", type: "decimal", nullable: true, businessKey: false }
      ])
      assert.sameMembers(
        stored.filter((row) => !row.deleted).map((row) => JSON.stringify(row.values)),
        expected
      )
      assert.deepInclude(summary.counts, {
        fetched: fake.groundTruth.count("items"),
        inserted: expected.length,
        failed: 0
      })

      // Only the mapped columns (and the audit columns), under their new names.
      const sql = yield* SqlClient.SqlClient
      const columns = yield* sql<{ readonly name: string }>`
        SELECT column_name AS name FROM information_schema.columns
        WHERE table_schema = 'erp' AND table_name = 'active_items' AND column_name NOT LIKE '\\_%'`
      assert.sameMembers(
        columns.map((c) => c.name),
        ["sku", "description", "price"]
      )

      // A second run writes nothing; the runs are the definition's; the default table was never made.
      const again = yield* runDefinition(definition).pipe(Effect.provide(adapters))
      assert.deepInclude(again.counts, { inserted: 0, updated: 0, deleted: 0, failed: 0 })
      const runs = yield* runStore.listRuns({ connectorId: "erp", entity: "items", definitionId: "active-items" })
      assert.strictEqual(runs.length, 2)
      assert.isTrue(runs.every((run) => Option.getOrNull(run.definitionId) === "active-items"))
      // Not the entity's default sync: that one never ran.
      assert.deepStrictEqual(yield* runStore.listRuns({ connectorId: "erp", entity: "items" }), [])
      const defaultTable =
        yield* sql`SELECT 1 FROM information_schema.tables WHERE table_schema = 'erp' AND table_name = 'items'`
      assert.strictEqual(defaultTable.length, 0)
    }).pipe(Effect.scoped)
  )
})
