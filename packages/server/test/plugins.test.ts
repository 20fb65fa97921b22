/**
 * Connector plugins: a third adapter, written here in the test, offered by the server through its
 * public composition (`serverAppLayer(settings, { plugins: [...defaultPlugins, inventoryPlugin] })`)
 * — connector created through the API, discovered, synced, and its table equal to the source's data,
 * without any server file knowing it. `GET /api/v1/adapters` publishes every plugin's JSON Schemas;
 * an adapter no plugin has is a 400 naming `adapter`.
 */
import { assert, layer } from "@effect/vitest"
import {
  type Adapter,
  AdapterClient,
  AdapterHttp,
  ApiKey,
  ConnectorPlugin,
  ConnectorSetupError,
  defineEndpoint,
  type EntityManifest,
  HttpUrlInput,
  InvalidRequest,
  makeApi,
  RateLimitPolicy,
  SecretInput,
  TokenManager
} from "@syncflow/adapter-core"
import { TestServer } from "@syncflow/adapter-core/testing"
import { Effect, Schema, Stream } from "effect"
import { SqlClient } from "effect/sql"
import { AdapterView } from "../src/api/groups/AdaptersGroup.ts"
import { ConnectorView, EntityView } from "../src/api/Views.ts"
import { defaultPlugins } from "../src/wiring/plugins.ts"
import { finishedRun } from "./finishedRun.ts"
import { bodyAs, call, testServerLayerWith } from "./fixtures.ts"

/** The source's ground truth: 7 stock items. */
const stock = Array.from({ length: 7 }, (_, i) => ({ sku: `SKU-${i + 1}`, name: `Item ${i + 1}`, qty: i * 10 }))

const apiKey = "inventory-key"

/** The inventory service: `GET /stock?offset=&limit=` with an `X-Api-Key`. */
const inventory = (request: TestServer.TestRequest): Effect.Effect<TestServer.TestResponse> =>
  Effect.sync(() => {
    if (request.headers["x-api-key"] !== apiKey) return { status: 401, body: { error: "unauthorized" } }
    if (request.url.pathname !== "/stock") return { status: 404, body: {} }
    const offset = Number(request.url.searchParams.get("offset") ?? 0)
    const limit = Number(request.url.searchParams.get("limit") ?? 3)
    return { body: { items: stock.slice(offset, offset + limit) } }
  })

const StockItem = Schema.Struct({ sku: Schema.String, name: Schema.String, qty: Schema.Int })

const ListStock = defineEndpoint({
  entity: "stock_item",
  module: "stock",
  name: "list",
  method: "GET",
  path: "/stock",
  query: { pageSize: { max: 100 } },
  response: Schema.Struct({ items: Schema.Array(StockItem) }),
  pagination: (p) => p.offsetLimit({ items: (body) => body.items })
})

const InventoryApi = makeApi("inventory", [ListStock])

const stockItem: EntityManifest = {
  entity: "stock_item",
  endpoint: ListStock.qualifiedName,
  businessKey: ["sku"],
  deltaStrategy: "full",
  parents: [],
  columns: [
    { name: "sku", type: "string", nullable: false, businessKey: true },
    { name: "name", type: "string", nullable: false, businessKey: false },
    { name: "qty", type: "integer", nullable: false, businessKey: false }
  ]
}

/** A third adapter, as a user of `@syncflow/server` writes it: one entity over loopback HTTP. */
const inventoryPlugin = ConnectorPlugin.make({
  name: "inventory",
  title: "Inventory",
  description: "Stock items of an inventory service.",
  settings: Schema.Struct({
    baseUrl: HttpUrlInput,
    pageSize: Schema.optionalKey(Schema.Int.check(Schema.isBetween({ minimum: 1, maximum: 100 })))
  }),
  credentials: Schema.Struct({ type: Schema.Literal("apiKey"), key: SecretInput }),
  toCredentials: (input) => new ApiKey({ in: "header", name: "X-Api-Key", key: input.key }),
  build: ({ connectorId, settings, credentials }) =>
    Effect.gen(function* () {
      if (credentials?._tag !== "ApiKey") {
        return yield* new ConnectorSetupError({ message: "an inventory connector needs an API key" })
      }
      const authenticator = yield* (yield* TokenManager).authenticator(connectorId, credentials)
      const rateLimit = RateLimitPolicy.make({
        adapter: "inventory",
        connection: connectorId,
        limit: 50,
        window: "1 second"
      })
      const httpClient = yield* AdapterHttp.make({ authenticator, rateLimit })
      const client = yield* AdapterClient.make(InventoryApi, { baseUrl: settings.baseUrl, httpClient })
      const adapter: Adapter = {
        name: "inventory",
        manifests: Effect.succeed([stockItem]),
        streamPages: (entity, options = {}) =>
          entity === "stock_item"
            ? client.streamPages(ListStock, {
                ...(options.from === undefined ? {} : { from: options.from }),
                pageSize: options.pageSize ?? settings.pageSize ?? 3
              })
            : Stream.fail(new InvalidRequest({ endpoint: "inventory", message: `no entity ${entity}` })),
        testConnection: Effect.asVoid(client.fetchPage(ListStock, { pageSize: 1 }, { _tag: "Start" }))
      }
      return { adapter }
    }),
  capabilities: { discover: false, incremental: false, oauth2: false, write: false }
})

const serverLayer = testServerLayerWith({ plugins: [...defaultPlugins, inventoryPlugin] })

layer(serverLayer, { timeout: 120_000, excludeTestServices: true })("connector plugins", (it) => {
  it.effect("GET /adapters lists every plugin with its capabilities and JSON Schemas, secrets write-only", () =>
    Effect.gen(function* () {
      assert.strictEqual((yield* call("GET", "/api/v1/adapters", { token: null })).status, 401)
      const adapters = bodyAs(yield* call("GET", "/api/v1/adapters"), Schema.Array(AdapterView))
      assert.deepStrictEqual(
        adapters.map((adapter) => adapter.name),
        ["apismith", "pco", "schedulehub", "rest", "n8n", "inventory"]
      )
      const [apismith, pco, schedulehub, rest, n8n, added] = adapters
      assert.deepStrictEqual(apismith?.capabilities, {
        discover: true,
        incremental: true,
        webhooks: false,
        oauth2: false,
        write: false
      })
      assert.deepStrictEqual(pco?.capabilities, {
        discover: false,
        incremental: true,
        webhooks: true,
        oauth2: true,
        write: true
      })
      assert.deepStrictEqual(schedulehub?.capabilities, {
        discover: true,
        incremental: false,
        webhooks: false,
        oauth2: false,
        write: true
      })
      // The declarative source: its settings are the source document, published for editors.
      assert.deepStrictEqual(rest?.capabilities, {
        discover: false,
        incremental: true,
        webhooks: false,
        oauth2: true,
        write: false
      })
      assert.include(JSON.stringify(rest?.settingsSchema), '"next-link"')
      assert.deepStrictEqual(n8n?.capabilities, {
        discover: true,
        incremental: false,
        webhooks: false,
        oauth2: false,
        write: true
      })
      assert.deepInclude(apismith?.settingsSchema, { type: "object", required: ["baseUrl"] })
      assert.deepInclude(pco?.settingsSchema, { type: "object", additionalProperties: false })
      // Each credential type is a branch; every secret is write-only and masked.
      const credentialTypes = (schema: unknown) => JSON.stringify(schema).match(/"enum":\["[A-Za-z0-9]+"\]/g)
      assert.deepStrictEqual(credentialTypes(apismith?.credentialsSchema), [
        '"enum":["serviceJwt"]',
        '"enum":["bearer"]'
      ])
      assert.deepStrictEqual(credentialTypes(pco?.credentialsSchema), [
        '"enum":["personalAccessToken"]',
        '"enum":["oauth2"]'
      ])
      for (const adapter of adapters) {
        const secrets = JSON.stringify(adapter.credentialsSchema).match(/"writeOnly":true/g) ?? []
        const masked = JSON.stringify(adapter.credentialsSchema).match(/"format":"password"/g) ?? []
        assert.isAbove(secrets.length, 0, adapter.name)
        assert.strictEqual(masked.length, secrets.length, adapter.name)
      }
      assert.deepInclude(added, { title: "Inventory", description: "Stock items of an inventory service." })
    })
  )

  it.effect("an adapter no plugin has is a 400 naming adapter; a plugin's settings errors name the field", () =>
    Effect.gen(function* () {
      const base = {
        name: "Nowhere",
        config: { baseUrl: "http://127.0.0.1:9" },
        credentials: { type: "apiKey", key: "k" }
      }
      const unknown = yield* call("POST", "/api/v1/connectors", { body: { ...base, id: "nowhere", adapter: "erpx" } })
      assert.strictEqual(unknown.status, 400)
      assert.deepInclude(unknown.body, { field: "adapter" })
      assert.include(JSON.stringify(unknown.body), "apismith, pco, schedulehub, rest, n8n, inventory")
      const badSettings = yield* call("POST", "/api/v1/connectors", {
        body: { ...base, id: "nowhere", adapter: "inventory", config: { baseUrl: "http://x", pageSize: 0 } }
      })
      assert.strictEqual(badSettings.status, 400)
      assert.deepInclude(badSettings.body, { field: "config.pageSize" })
      const badCredentials = yield* call("POST", "/api/v1/connectors", {
        body: { ...base, id: "nowhere", adapter: "inventory", credentials: { type: "bearer", token: "t" } }
      })
      assert.strictEqual(badCredentials.status, 400)
      assert.deepInclude(badCredentials.body, { field: "credentials.type" })
      const noWebhooks = yield* call("POST", "/api/v1/connectors", {
        body: { ...base, id: "nowhere", adapter: "inventory", webhookSecret: "w" }
      })
      assert.strictEqual(noWebhooks.status, 400)
      assert.deepInclude(noWebhooks.body, { field: "webhookSecret" })
      assert.strictEqual((yield* call("GET", "/api/v1/connectors/nowhere")).status, 404)
    })
  )

  it.effect("a connector of the added plugin is created, discovered and synced: its table equals the source", () =>
    Effect.gen(function* () {
      const source = yield* TestServer.make(inventory)
      const created = yield* call("POST", "/api/v1/connectors", {
        body: {
          id: "stock",
          adapter: "inventory",
          name: "Stock",
          config: { baseUrl: source.baseUrl, pageSize: 3 },
          credentials: { type: "apiKey", key: apiKey }
        }
      })
      assert.strictEqual(created.status, 201)
      assert.deepInclude(bodyAs(created, ConnectorView), { id: "stock", adapter: "inventory", hasCredentials: true })
      assert.notInclude(JSON.stringify(created.body), apiKey)
      assert.deepStrictEqual((yield* call("POST", "/api/v1/connectors/stock/test")).body, {
        ok: true,
        message: "connected"
      })
      const discovered = bodyAs(yield* call("POST", "/api/v1/connectors/stock/discover"), Schema.Array(EntityView))
      assert.deepStrictEqual(
        discovered.map((entity) => entity.entity),
        ["stock_item"]
      )
      assert.strictEqual((yield* call("POST", "/api/v1/connectors/stock/sync", { body: {} })).status, 202)
      const run = yield* finishedRun("stock", "stock_item")
      assert.strictEqual(run.status, "succeeded")
      const sql = yield* SqlClient.SqlClient
      const rows = yield* sql<{ readonly sku: string; readonly name: string; readonly qty: number }>`
        SELECT sku, name, qty::int AS qty FROM stock.stock_item WHERE NOT _deleted ORDER BY sku`
      assert.deepStrictEqual(rows, stock)
      // The adapter's requests carried the sealed API key.
      const requests = yield* source.requests
      assert.isTrue(requests.every((request) => request.headers["x-api-key"] === apiKey))
    }).pipe(Effect.scoped)
  )
})
