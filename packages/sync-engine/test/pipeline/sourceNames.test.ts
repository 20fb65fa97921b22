/**
 * Names from metadata, end to end: an ERP that publishes `Order-Lines`, `PART_NO`, `Line No`...
 * is discovered and synced into PostgreSQL under the normalized names (`order_lines`, `part_no`,
 * `line_no`), and every table equals the fake's ground truth; two slugs that normalize to one
 * name are refused with a typed error naming both, and the other entities are still discovered.
 */
import { NodeHttpClient } from "@effect/platform-node"
import { assert, layer } from "@effect/vitest"
import { AdapterHttp, TokenManager, TokenStore } from "@syncflow/adapter-core"
import { ApiSmithAdapter, ApiSmithClient } from "@syncflow/apismith"
import { ErpDataset, FakeErp } from "@syncflow/apismith/testing"
import { Context, Effect, Layer } from "effect"
import { SqlClient } from "effect/sql"
import { ConnectorStore } from "../../src/state/ConnectorStore.ts"
import { ManifestStore } from "../../src/state/ManifestStore.ts"
import { apiSmithStages, engineLayer, expectedIdentities, storedIdentities } from "./fixtures.ts"
import { syncInOrder } from "./syncInOrder.ts"

const HttpStack = Layer.mergeAll(TokenManager.layer, AdapterHttp.layerMemory()).pipe(
  Layer.provideMerge(TokenStore.layerMemory),
  Layer.provideMerge(NodeHttpClient.layerUndici)
)

/** A fake ERP publishing non-identifier names, and the APISmith adapter on it (with its discovery report). */
const renamedErp = (options: FakeErp.FakeErpOptions) =>
  Effect.gen(function* () {
    const fake = yield* FakeErp.make({ ...options, publishedNames: ErpDataset.NON_IDENTIFIER_NAMES })
    const services = yield* Layer.build(
      ApiSmithAdapter.layer().pipe(
        Layer.provide(ApiSmithClient.layer({ baseUrl: fake.baseUrl, credentials: fake.credentials() })),
        Layer.provide(HttpStack)
      )
    )
    return { fake, adapter: Context.get(services, ApiSmithAdapter) }
  })

/** The columns of an entity's table, wherever the destination put it, and the table's qualified name. */
const tableOf = Effect.fnUntraced(function* (entity: string) {
  const sql = yield* SqlClient.SqlClient
  const tables = yield* sql<{ readonly schema: string }>`
    SELECT table_schema AS schema FROM information_schema.tables WHERE table_name = ${entity}`
  assert.strictEqual(tables.length, 1, `one table ${entity}`)
  const schema = tables[0]?.schema ?? ""
  const columns = yield* sql<{ readonly name: string }>`
    SELECT column_name AS name FROM information_schema.columns
    WHERE table_schema = ${schema} AND table_name = ${entity} ORDER BY ordinal_position`
  return { qualified: `"${schema}"."${entity}"`, columns: columns.map((c) => c.name) }
})

/** Whether a text column of a live row equals the truth, for every row: `[key, value]` pairs of table and truth. */
const textPairs = Effect.fnUntraced(function* (entity: string, key: string, column: string) {
  const sql = yield* SqlClient.SqlClient
  const { qualified } = yield* tableOf(entity)
  const rows = yield* sql.unsafe<{ readonly k: string; readonly v: string | null }>(
    `SELECT ${key}::text AS k, ${column}::text AS v FROM ${qualified} WHERE NOT _deleted`
  )
  return rows.map((row) => `${row.k}=${row.v}`).sort()
})

const ENTITIES = ["units", "items", "customers", "orders", "order_lines"]

layer(engineLayer, { timeout: 60_000 })("names from metadata", (it) => {
  it.effect("an ERP with non-identifier slugs and columns syncs under normalized names; tables equal the truth", () =>
    Effect.gen(function* () {
      const { fake, adapter } = yield* renamedErp({ seed: 12, rows: { items: 400, customers: 60, orders: 120 } })
      const connectorStore = yield* ConnectorStore
      const manifestStore = yield* ManifestStore
      yield* connectorStore.createConnector({ id: "erp-names", adapter: "apismith", name: "ERP with quoted aliases" })
      const sync = syncInOrder({ connectorId: "erp-names", adapter, stages: apiSmithStages })

      const first = yield* sync
      assert.deepStrictEqual(first.map((s) => s.entity).sort(), [...ENTITIES].sort())
      for (const summary of first) {
        assert.strictEqual(summary.counts.inserted, fake.groundTruth.count(summary.entity), summary.entity)
        assert.strictEqual(summary.counts.failed, 0, summary.entity)
      }

      // The stored manifests carry the mapping; the tables have the normalized columns only.
      const manifests = new Map((yield* manifestStore.listManifests("erp-names")).map((e) => [e.entity, e.manifest]))
      assert.strictEqual(manifests.get("order_lines")?.sourceName, "Order-Lines")
      assert.deepStrictEqual(
        manifests
          .get("order_lines")
          ?.columns?.filter((c) => c.sourceName !== undefined)
          .map((c) => `${c.sourceName} -> ${c.name}`),
        ["ORDER_NO -> order_no", "Line No -> line_no", "PART_NO -> part_no", "Unit-Price -> unit_price"]
      )
      const lines = yield* tableOf("order_lines")
      assert.includeMembers(lines.columns, ["order_no", "line_no", "part_no", "quantity", "unit_price"])
      assert.isFalse(
        lines.columns.some((c) => /[A-Z -]/.test(c)),
        lines.columns.join(", ")
      )
      assert.includeMembers((yield* tableOf("items")).columns, ["part_no", "list_price", "weight_kg"])

      yield* fake.mutate("order_lines", { insert: 7, update: 11 })
      yield* fake.mutate("items", { update: 9 })
      yield* fake.mutate("customers", { insert: 3, update: 4, delete: 2 })
      const second = yield* sync
      const counts = new Map(second.map((s) => [s.entity, s.counts]))
      assert.deepInclude(counts.get("order_lines"), { inserted: 7, updated: 11, failed: 0 })
      assert.deepInclude(counts.get("items"), { updated: 9, failed: 0 })
      assert.deepInclude(counts.get("customers"), { inserted: 3, updated: 4, deleted: 2, failed: 0 })

      // Every table equals the fake's ground truth (keyed by the normalized names): whole rows by
      // hash, and the renamed key and text columns value by value.
      for (const entity of ENTITIES) {
        const manifest = manifests.get(entity)
        assert.isDefined(manifest, entity)
        if (manifest === undefined) continue
        const stored = yield* storedIdentities(entity, "erp_names")
        assert.strictEqual(stored.size, fake.groundTruth.count(entity), entity)
        assert.deepStrictEqual(stored, yield* expectedIdentities(fake, manifest), entity)
      }
      const truthPairs = (entity: string, key: string, column: string) =>
        Array.from(fake.groundTruth.rows(entity), (row) => `${row.values[key]}=${row.values[column] ?? null}`).sort()
      assert.deepStrictEqual(yield* textPairs("items", "part_no", "part_no"), truthPairs("items", "part_no", "part_no"))
      assert.deepStrictEqual(
        yield* textPairs("order_lines", "order_no || '/' || line_no", "part_no"),
        Array.from(
          fake.groundTruth.rows("order_lines"),
          (row) => `${row.values.order_no}/${row.values.line_no}=${row.values.part_no}`
        ).sort()
      )
      assert.deepStrictEqual(
        yield* textPairs("orders", "order_no", "customer_id"),
        truthPairs("orders", "order_no", "customer_id")
      )
    }).pipe(Effect.scoped)
  )

  it.effect(
    "two slugs that normalize to one name: both refused with a typed error naming both, the rest is discovered",
    () =>
      Effect.gen(function* () {
        const colliding = {
          slug: "ORDER_LINES",
          name: "Order lines (legacy view)",
          columns: [{ name: "LINE_ID", data_type: "NUMBER(10)", is_nullable: false, is_business_key: true }],
          business_key_columns: ["LINE_ID"],
          delta_strategy: "full",
          parent: null
        }
        const { fake, adapter } = yield* renamedErp({
          seed: 13,
          rows: { items: 50, customers: 20, orders: 30 },
          extraApis: [colliding]
        })
        const discovery = yield* adapter.discovery
        assert.deepStrictEqual(
          discovery.invalid.map((e) => [e._tag, e.collision?._tag, e.collision?.name, e.collision?.other, e.message]),
          [
            [
              "InvalidApiMetadata",
              "NameCollision",
              "Order-Lines",
              "ORDER_LINES",
              'API "Order-Lines": slug: the API slugs "Order-Lines" and "ORDER_LINES" both normalize to "order_lines"'
            ],
            [
              "InvalidApiMetadata",
              "NameCollision",
              "ORDER_LINES",
              "Order-Lines",
              'API "ORDER_LINES": slug: the API slugs "ORDER_LINES" and "Order-Lines" both normalize to "order_lines"'
            ]
          ]
        )
        // Neither is synced (each could hold the other's rows); every other entity still is discovered.
        assert.deepStrictEqual(
          (yield* adapter.manifests).map((m) => m.entity),
          ["units", "items", "customers", "orders"]
        )
        assert.strictEqual(fake.dataset.slugs.length, 5)
      }).pipe(Effect.scoped)
  )
})
