/**
 * A definition's operation, on PostgreSQL tables against the fake ERP: after the ERP inserts,
 * updates and deletes items, a reconciling run of an `insert` definition adds only the new rows
 * (changed rows keep their first values, deleted ones stay), and one of an `update` definition
 * (created as `upsert`, so its ledger knows the rows) changes only the rows it knows (no new row,
 * nothing deleted). The tables are compared with the fake's ground truth before and after.
 */
import { assert, layer } from "@effect/vitest"
import type { ColumnManifest } from "@syncflow/adapter-core"
import type { FakeErp } from "@syncflow/apismith/testing"
import { Effect, Layer } from "effect"
import { runDefinition } from "../../src/definitions/runDefinition.ts"
import { SyncDefinitions } from "../../src/definitions/SyncDefinitions.ts"
import { createDefinition, updateDefinition } from "../../src/definitions/saveDefinition.ts"
import { ConnectorStore } from "../../src/state/ConnectorStore.ts"
import { ManifestStore } from "../../src/state/ManifestStore.ts"
import { ConnectorAdapters } from "../../src/workflow/ConnectorAdapters.ts"
import { apiSmithStages, cleanText, engineLayer, fakeErp, storedRows } from "../pipeline/fixtures.ts"

const testLayer = SyncDefinitions.layer.pipe(Layer.provideMerge(engineLayer))

const columns: ReadonlyArray<ColumnManifest> = [
  { name: "part_no", type: "string", nullable: false, businessKey: true },
  { name: "description", type: "string", nullable: true, businessKey: false },
  { name: "list_price", type: "decimal", nullable: true, businessKey: false }
]
const mapping = { part_no: "part_no", description: "description", list_price: "list_price" }

/** The fake's items now: part_no -> the mapped columns as clean text. */
const truth = (fake: FakeErp.FakeErp): ReadonlyMap<string, string> =>
  new Map(
    Array.from(fake.groundTruth.rows("items"), (row) => [
      String(row.values.part_no),
      JSON.stringify(columns.map((c) => cleanText(row.values[c.name])))
    ])
  )

/** The live rows of a table, as `truth` gives them. */
const live = (table: string) =>
  Effect.map(storedRows(table, columns), (rows) =>
    rows.filter((row) => !row.deleted).map((row) => JSON.stringify(row.values))
  )

layer(testLayer, { timeout: 120_000 })("a definition's operation", (it) => {
  it.effect("insert adds only new rows; update changes only the rows its ledger knows", () =>
    Effect.gen(function* () {
      const { fake, adapter, manifests } = yield* fakeErp({ seed: 43, rows: { items: 300, customers: 10, orders: 10 } })
      const connectorStore = yield* ConnectorStore
      const manifestStore = yield* ManifestStore
      yield* connectorStore.createConnector({ id: "erp", adapter: "apismith", name: "ERP" })
      yield* manifestStore.saveManifests("erp", manifests)
      const adapters = Layer.succeed(ConnectorAdapters, {
        runtime: () => Effect.succeed({ adapter, stages: () => apiSmithStages })
      })
      const source = { connectorId: "erp", entity: "items" }
      const inserting = yield* createDefinition({
        id: "items-insert",
        name: "Items, inserted only",
        source,
        destination: { kind: "postgres", table: "items_insert" },
        mapping,
        operation: "insert"
      }).pipe(Effect.provide(adapters))
      assert.strictEqual(inserting.operation, "insert")
      const updating = yield* createDefinition({
        id: "items-update",
        name: "Items, updated only",
        source,
        destination: { kind: "postgres", table: "items_update" },
        mapping
      }).pipe(Effect.provide(adapters))

      const before = truth(fake)
      for (const definition of [inserting, updating]) {
        const first = yield* runDefinition(definition).pipe(Effect.provide(adapters))
        assert.strictEqual(first.counts.inserted, before.size, definition.id)
      }
      const updateOnly = yield* updateDefinition("items-update", { operation: "update" }).pipe(Effect.provide(adapters))
      assert.strictEqual(updateOnly.operation, "update")

      const report = yield* fake.mutate("items", { insert: 4, update: 6, delete: 3 })
      assert.strictEqual(report.inserted.length, 4)
      const after = truth(fake)
      const changed = [...before].filter(([key, value]) => after.has(key) && after.get(key) !== value).length
      assert.isAbove(changed, 0, "the update changed mapped columns")

      // insert: the first values of every known row (changed or deleted since), and the new rows.
      const inserted = yield* runDefinition(inserting, { mode: "reconcile" }).pipe(Effect.provide(adapters))
      assert.deepInclude(inserted.counts, { inserted: 4, updated: 0, deleted: 0, failed: 0 })
      const expectedInsert = [...before.values(), ...[...after].filter(([key]) => !before.has(key)).map(([, v]) => v)]
      assert.sameMembers(yield* live("items_insert"), expectedInsert)

      // update: the known rows only, each with its current values (deleted ones keep their last).
      const updated = yield* runDefinition(updateOnly, { mode: "reconcile" }).pipe(Effect.provide(adapters))
      assert.deepInclude(updated.counts, { inserted: 0, updated: changed, deleted: 0, failed: 0 })
      const expectedUpdate = [...before].map(([key, value]) => after.get(key) ?? value)
      assert.sameMembers(yield* live("items_update"), expectedUpdate)
    }).pipe(Effect.scoped)
  )
})
