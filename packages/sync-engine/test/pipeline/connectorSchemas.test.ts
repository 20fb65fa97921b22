/**
 * One schema per connector: two ERPs with the same entity names sync at the same time into one
 * database, each into its own schema, and each table equals its own fake's ground truth; a
 * reconciliation of one deletes nothing of the other; a third connector pointed at a schema in use
 * is refused before it writes. Tables of the old layout (`public.<entity>`) are moved, rows and
 * all, and synced in place afterwards without a single re-insert.
 */
import { assert, layer } from "@effect/vitest"
import { Effect, Exit, Option } from "effect"
import { SqlClient } from "effect/sql"
import { moveTables } from "../../src/pipeline/moveTables.ts"
import { SyncEngine } from "../../src/pipeline/SyncEngine.ts"
import { ConnectorStore } from "../../src/state/ConnectorStore.ts"
import { EntityLeases } from "../../src/state/EntityLeases.ts"
import { ManifestStore } from "../../src/state/ManifestStore.ts"
import { apiSmithStages, engineLayer, expectedIdentities, fakeErp, storedIdentities } from "./fixtures.ts"
import { syncInOrder } from "./syncInOrder.ts"

/** The schemas holding a table of this name. */
const schemasWith = (table: string) =>
  Effect.flatMap(SqlClient.SqlClient, (sql) =>
    sql.unsafe<{ readonly schema: string }>(
      `SELECT table_schema AS schema FROM information_schema.tables WHERE table_name = $1 ORDER BY 1`,
      [table]
    )
  ).pipe(Effect.map((rows) => rows.map((row) => row.schema)))

layer(engineLayer, { timeout: 120_000 })("one schema per connector", (it) => {
  it.effect(
    "two connectors with the same entities sync at once, each into its own schema, equal to its own truth",
    () =>
      Effect.gen(function* () {
        const north = yield* fakeErp({ seed: 31, rows: { items: 400, customers: 40, orders: 60 } })
        const south = yield* fakeErp({ seed: 32, rows: { items: 300, customers: 30, orders: 50 } })
        const connectorStore = yield* ConnectorStore
        yield* connectorStore.createConnector({ id: "ERP-North", adapter: "apismith", name: "North" })
        yield* connectorStore.createConnector({ id: "erp-south", adapter: "apismith", name: "South" })
        const sync = (connectorId: string, erp: typeof north, mode: "incremental" | "full-refresh") =>
          syncInOrder({
            connectorId,
            adapter: erp.adapter,
            mode,
            stages: apiSmithStages,
            windowRows: 100
          })
        const entities = north.manifests.map((m) => m.entity)
        assert.includeMembers(entities, ["items", "customers", "orders", "order_lines"])
        assert.sameMembers(
          south.manifests.map((m) => m.entity),
          entities
        )

        const [first, second] = yield* Effect.all(
          [sync("ERP-North", north, "incremental"), sync("erp-south", south, "incremental")],
          { concurrency: 2 }
        )
        /** Every table of both connectors equals its own fake's ground truth; returns the live row counts. */
        const checkBoth = Effect.gen(function* () {
          const seen: Record<string, number> = {}
          for (const [schema, erp] of [
            ["erp_north", north],
            ["erp_south", south]
          ] as const) {
            for (const manifest of erp.manifests) {
              const stored = yield* storedIdentities(manifest.entity, schema)
              assert.deepStrictEqual(
                stored,
                yield* expectedIdentities(erp.fake, manifest),
                `${schema}.${manifest.entity}`
              )
              seen[`${schema}.${manifest.entity}`] = stored.size
            }
          }
          return seen
        })
        const initial = yield* checkBoth
        assert.strictEqual(initial["erp_north.items"], 400)
        assert.strictEqual(initial["erp_south.items"], 300)
        assert.strictEqual(
          first.reduce((n, s) => n + s.counts.inserted, 0),
          north.manifests.reduce((n, m) => n + north.fake.groundTruth.count(m.entity), 0)
        )
        assert.strictEqual(
          second.reduce((n, s) => n + s.counts.inserted, 0),
          south.manifests.reduce((n, m) => n + south.fake.groundTruth.count(m.entity), 0)
        )
        // Never in public, never beside each other.
        assert.deepStrictEqual(yield* schemasWith("items"), ["erp_north", "erp_south"])

        // North loses 7 items, South changes some: both reconcile at once; North's deletes stay North's.
        yield* north.fake.mutate("items", { delete: 7 })
        yield* south.fake.mutate("items", { update: 11, insert: 4 })
        const [northAgain, southAgain] = yield* Effect.all(
          [sync("ERP-North", north, "full-refresh"), sync("erp-south", south, "full-refresh")],
          { concurrency: 2 }
        )
        const deleted = (summaries: typeof first, entity: string) =>
          summaries.find((s) => s.entity === entity)?.counts.deleted
        assert.strictEqual(deleted(northAgain, "items"), 7)
        assert.strictEqual(deleted(southAgain, "items"), 0)
        assert.deepInclude(southAgain.find((s) => s.entity === "items")?.counts, { inserted: 4, updated: 11 })
        for (const summary of [...northAgain, ...southAgain]) {
          if (summary.entity !== "items") assert.strictEqual(summary.counts.deleted, 0, summary.entity)
        }
        const after = yield* checkBoth
        assert.strictEqual(after["erp_north.items"], 393)
        assert.strictEqual(after["erp_south.items"], 304)

        // A third connector told to write into North's schema is refused before it writes anything.
        yield* connectorStore.createConnector({
          id: "intruder",
          adapter: "apismith",
          name: "Intruder",
          targetSchema: "erp_north"
        })
        const refused = yield* Effect.exit(sync("intruder", south, "full-refresh"))
        assert.isTrue(Exit.isFailure(refused))
        assert.include(String(refused), "TableTaken")
        assert.include(String(refused), "erp_north.")
        yield* checkBoth
      }).pipe(Effect.scoped)
  )

  it.effect(
    "tables of the old layout (public) are moved with their rows and synced in place: nothing re-inserted",
    () =>
      Effect.gen(function* () {
        const erp = yield* fakeErp({ seed: 33, rows: { items: 500, customers: 30, orders: 40 } })
        const connectorStore = yield* ConnectorStore
        const sql = yield* SqlClient.SqlClient
        // The old layout: what migration 4 keeps for a connector whose tables are in public.
        yield* connectorStore.createConnector({
          id: "legacy",
          adapter: "apismith",
          name: "Legacy",
          targetSchema: "public"
        })
        const sync = (mode: "incremental" | "full-refresh") =>
          syncInOrder({ connectorId: "legacy", adapter: erp.adapter, mode, stages: apiSmithStages })
        const loaded = yield* sync("incremental")
        const total = erp.manifests.reduce((n, m) => n + erp.fake.groundTruth.count(m.entity), 0)
        assert.strictEqual(
          loaded.reduce((n, s) => n + s.counts.inserted, 0),
          total
        )
        for (const manifest of erp.manifests) {
          assert.deepStrictEqual(
            yield* storedIdentities(manifest.entity, "public"),
            yield* expectedIdentities(erp.fake, manifest)
          )
        }
        const [before] = yield* sql<{
          readonly ids: string
        }>`SELECT string_agg(_id::text, ',' ORDER BY _id) AS ids FROM public.items`

        // Not while one of its syncs runs (it holds the entity's lease): nothing moves.
        const leases = yield* EntityLeases.make()
        yield* leases.acquire({ connectorId: "legacy", entity: "items" }, "a running sync")
        const busy = yield* Effect.flip(moveTables({ connectorId: "legacy" }))
        assert.strictEqual(busy._tag, "EntityBusy")
        assert.include(yield* schemasWith("customers"), "public")
        assert.include(yield* schemasWith("items"), "public")
        yield* leases.release({ connectorId: "legacy", entity: "items" }, "a running sync")

        const moved = yield* moveTables({ connectorId: "legacy" })
        assert.sameMembers(
          moved.map((m) => [m.entity, m.from, m.to, m.moved].join(" ")),
          erp.manifests.map((m) => `${m.entity} public.${m.entity} legacy.${m.entity} true`)
        )
        assert.strictEqual(Option.getOrThrow(yield* connectorStore.getConnector("legacy")).targetSchema, null)
        const where = yield* schemasWith("items")
        assert.include(where, "legacy")
        assert.notInclude(where, "public")
        // The same rows (the same physical table), not copies.
        const [after] = yield* sql<{
          readonly ids: string
        }>`SELECT string_agg(_id::text, ',' ORDER BY _id) AS ids FROM legacy.items`
        assert.strictEqual(after?.ids, before?.ids)

        // Synced in place: an incremental sync continues from its checkpoint, a full refresh re-inserts nothing.
        yield* erp.fake.mutate("items", { insert: 3, update: 5 })
        const incremental = yield* sync("incremental")
        assert.deepInclude(incremental.find((s) => s.entity === "items")?.counts, { inserted: 3, updated: 5 })
        const full = yield* sync("full-refresh")
        for (const summary of full) {
          assert.deepInclude(summary.counts, { inserted: 0, updated: 0, deleted: 0 }, summary.entity)
        }
        for (const manifest of erp.manifests) {
          assert.deepStrictEqual(
            yield* storedIdentities(manifest.entity, "legacy"),
            yield* expectedIdentities(erp.fake, manifest)
          )
        }
        // Moving again does nothing: the tables are where the connector's schema says.
        const again = yield* moveTables({ connectorId: "legacy" })
        assert.isTrue(again.every((m) => !m.moved))
      }).pipe(Effect.scoped)
  )

  it.effect("an entity's targetTable names its table; a new target is filled completely by the next sync", () =>
    Effect.gen(function* () {
      const erp = yield* fakeErp({ seed: 34, rows: { items: 250 } })
      const engine = yield* SyncEngine
      const connectorStore = yield* ConnectorStore
      const manifestStore = yield* ManifestStore
      yield* connectorStore.createConnector({ id: "shop", adapter: "apismith", name: "Shop" })
      yield* manifestStore.saveManifests("shop", erp.manifests)
      yield* manifestStore.updateEntitySettings("shop", "items", { targetTable: "articles" })
      const items = erp.manifest("items")
      const sync = engine.syncEntity({
        connectorId: "shop",
        adapter: erp.adapter,
        manifest: items,
        stages: apiSmithStages
      })
      assert.deepInclude((yield* sync).counts, { inserted: 250 })
      const expected = yield* expectedIdentities(erp.fake, items)
      assert.deepStrictEqual(yield* storedIdentities("articles", "shop"), expected)
      assert.notInclude(yield* schemasWith("items"), "shop")

      // Another schema without moving: the incremental sync lists everything into the new, empty table.
      yield* erp.fake.mutate("items", { update: 2 })
      yield* connectorStore.updateConnector("shop", { targetSchema: "shop_v2" })
      assert.deepInclude((yield* sync).counts, { fetched: 250, inserted: 250 })
      assert.deepStrictEqual(yield* storedIdentities("articles", "shop_v2"), yield* expectedIdentities(erp.fake, items))

      // Two entities of one connector are never given one table either: the second is refused, naming the first.
      yield* manifestStore.updateEntitySettings("shop", "customers", { targetTable: "articles" })
      const clash = yield* Effect.flip(
        engine.syncEntity({
          connectorId: "shop",
          adapter: erp.adapter,
          manifest: erp.manifest("customers"),
          stages: apiSmithStages
        })
      )
      assert.strictEqual(clash._tag, "TableTaken")
      assert.include(clash.message, "shop_v2.articles holds shop/items")
      assert.deepStrictEqual(yield* storedIdentities("articles", "shop_v2"), yield* expectedIdentities(erp.fake, items))
    }).pipe(Effect.scoped)
  )
})
