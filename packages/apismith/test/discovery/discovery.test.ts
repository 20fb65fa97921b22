import { assert, describe, it } from "@effect/vitest"
import { TestServer } from "@syncflow/adapter-core/testing"
import { Effect, Exit } from "effect"
import { fromClient } from "../../src/ApiSmithAdapter.ts"
import { ApiSmithClient } from "../../src/ApiSmithClient.ts"
import { bearer } from "../../src/ApiSmithCredentials.ts"
import { decodeDiscovery } from "../../src/discovery/Discovery.ts"
import { FakeErp } from "../../src/testing/index.ts"
import { ClientStack, clientOf } from "../support/harness.ts"

/** A well-formed API to start malformed variants from. */
const supplierApi = {
  slug: "suppliers",
  name: "Suppliers",
  description: "Supplier master",
  columns: [
    { name: "supplier_id", data_type: "VARCHAR2(10)", is_nullable: false, is_business_key: true },
    { name: "name", data_type: "VARCHAR2(100)", is_nullable: true, is_business_key: false }
  ],
  business_key_columns: ["supplier_id"],
  delta_strategy: "full",
  parent: null
}

describe("discovery", () => {
  it.effect("decodes every API of the fake into entity manifests", () =>
    Effect.gen(function* () {
      const fake = yield* FakeErp.make()
      const adapter = fromClient(yield* clientOf(fake))
      const manifests = yield* adapter.manifests
      const byEntity = new Map(manifests.map((m) => [m.entity, m]))
      assert.deepStrictEqual(
        manifests.map((m) => [m.entity, m.deltaStrategy, m.businessKey, m.parents, m.cursorField]),
        [
          ["units", "full", ["uom_code"], [], undefined],
          ["items", "rowversion", ["part_no"], [], "_row_version"],
          ["customers", "hash", ["customer_id"], [], undefined],
          [
            "orders",
            "rowversion",
            ["order_no"],
            [{ entity: "customers", foreignKey: ["customer_id"] }],
            "_row_version"
          ],
          [
            "order_lines",
            "rowversion",
            ["order_no", "line_no"],
            [{ entity: "orders", foreignKey: ["order_no"] }],
            "_row_version"
          ]
        ]
      )
      const items = byEntity.get("items")
      assert.strictEqual(items?.endpoint, "data.list")
      assert.strictEqual(items?.description, "Inventory part master (IFS InventoryPart)")
      assert.deepStrictEqual(items?.columns?.slice(0, 4), [
        { name: "part_no", type: "string", sourceType: "VARCHAR2(20)", nullable: false, businessKey: true, length: 20 },
        {
          name: "description",
          type: "string",
          sourceType: "VARCHAR2(200)",
          nullable: true,
          businessKey: false,
          length: 200
        },
        { name: "uom", type: "string", sourceType: "CHAR(3)", nullable: false, businessKey: false, length: 3 },
        {
          name: "list_price",
          type: "decimal",
          sourceType: "NUMBER(12,2)",
          nullable: true,
          businessKey: false,
          precision: 12,
          scale: 2
        }
      ])
      // the undeclared field of the data is not a column
      assert.isFalse(items?.columns?.some((c) => c.name === "legacy_flag"))
      const orders = byEntity.get("orders")?.columns ?? []
      assert.deepStrictEqual(
        orders
          .filter((c) => ["order_date", "erp_id", "last_changed"].includes(c.name))
          .map((c) => [c.name, c.type, c.precision]),
        [
          ["order_date", "timestamp", 0],
          ["erp_id", "integer", 19],
          ["last_changed", "timestamp", 3]
        ]
      )
      const customers = byEntity.get("customers")?.columns ?? []
      assert.deepStrictEqual(
        customers.filter((c) => ["customer_guid", "notes", "is_vip"].includes(c.name)).map((c) => [c.name, c.type]),
        [
          ["is_vip", "boolean"],
          ["customer_guid", "binary"],
          ["notes", "string"]
        ]
      )
    }).pipe(Effect.scoped, Effect.provide(ClientStack))
  )

  it.effect("a malformed API is reported by slug and field path; the well-formed ones are still discovered", () =>
    Effect.gen(function* () {
      const broken = {
        ...supplierApi,
        columns: [supplierApi.columns[0], { ...supplierApi.columns[1], data_type: "VARCHAR9(100)" }]
      }
      const fake = yield* FakeErp.make({ extraApis: [broken] })
      const adapter = fromClient(yield* clientOf(fake))
      const discovery = yield* adapter.discovery
      assert.strictEqual(discovery.apis.length, 5)
      assert.strictEqual(discovery.invalid.length, 1)
      const [invalid] = discovery.invalid
      assert.strictEqual(invalid?._tag, "InvalidApiMetadata")
      assert.strictEqual(invalid?.slug, "suppliers")
      assert.strictEqual(invalid?.index, 5)
      assert.strictEqual(invalid?.path, "columns[1].data_type")
      assert.strictEqual(
        invalid?.message,
        'API "suppliers": columns[1].data_type: unknown Oracle data type "VARCHAR9(100)"'
      )
      // by default the adapter leaves it out of the manifests (and logs a warning)
      const manifests = yield* adapter.manifests
      assert.deepStrictEqual(
        manifests.map((m) => m.entity),
        ["units", "items", "customers", "orders", "order_lines"]
      )
    }).pipe(Effect.scoped, Effect.provide(ClientStack))
  )

  it.effect("with onInvalidApi: fail, manifests fail with InvalidResponse naming the API and the field", () =>
    Effect.gen(function* () {
      const { is_nullable: _, ...withoutNullable } = supplierApi.columns[1] ?? {}
      const broken = { ...supplierApi, columns: [supplierApi.columns[0], withoutNullable] }
      const fake = yield* FakeErp.make({ extraApis: [broken] })
      const adapter = fromClient(yield* clientOf(fake), { onInvalidApi: "fail" })
      const exit = yield* Effect.exit(adapter.manifests)
      assert.isTrue(Exit.isFailure(exit))
      const error = Exit.isFailure(exit) ? exit.cause.reasons[0] : undefined
      assert.strictEqual(error?._tag, "Fail")
      if (error?._tag !== "Fail") return
      assert.strictEqual(error.error._tag, "InvalidResponse")
      if (error.error._tag !== "InvalidResponse") return
      assert.strictEqual(error.error.endpoint, "apis.list")
      assert.strictEqual(error.error.path, "[5].columns[1].is_nullable")
      assert.strictEqual(error.error.message, 'API "suppliers": columns[1].is_nullable: Missing key')
      assert.include(error.error.sample, '"slug":"suppliers"')
    }).pipe(Effect.scoped, Effect.provide(ClientStack))
  )

  it("names every kind of malformed metadata by slug and path", () => {
    const cases: ReadonlyArray<readonly [unknown, string, string]> = [
      [{ ...supplierApi, delta_strategy: "cdc" }, "suppliers", "delta_strategy"],
      [{ ...supplierApi, business_key_columns: ["supplier_no"] }, "suppliers", "business_key_columns[0]"],
      [{ ...supplierApi, business_key_columns: [] }, "suppliers", "business_key_columns[0]"],
      [{ ...supplierApi, columns: [] }, "suppliers", "columns[0]"],
      [{ ...supplierApi, columns: [supplierApi.columns[0], supplierApi.columns[0]] }, "suppliers", "columns[1].name"],
      [
        { ...supplierApi, columns: [{ ...supplierApi.columns[0], is_business_key: "Y" }] },
        "suppliers",
        "columns[0].is_business_key"
      ],
      [
        { ...supplierApi, parent: { slug: "vendors", foreign_key_columns: ["vendor_id"] } },
        "suppliers",
        "parent.foreign_key_columns[0]"
      ],
      [{ ...supplierApi, slug: undefined }, "#0", "slug"],
      ["not an object", "#0", ""]
    ]
    for (const [raw, slug, path] of cases) {
      const { apis, invalid } = decodeDiscovery([raw])
      assert.strictEqual(apis.length, 0, path)
      assert.strictEqual(invalid[0]?.slug, slug, path)
      assert.strictEqual(invalid[0]?.path, path, JSON.stringify(invalid[0]?.message))
      assert.isTrue(invalid[0]?.message.startsWith(slug.startsWith("#") ? `API ${slug}:` : `API "${slug}":`))
    }
  })

  it("an API whose parent is missing or malformed is unusable too; so is a repeated slug", () => {
    const vendors = { ...supplierApi, slug: "vendors", delta_strategy: "sometimes" }
    const sites = {
      ...supplierApi,
      slug: "vendor_sites",
      parent: { slug: "vendors", foreign_key_columns: ["supplier_id"] }
    }
    const contacts = {
      ...supplierApi,
      slug: "site_contacts",
      parent: { slug: "vendor_sites", foreign_key_columns: ["supplier_id"] }
    }
    const { apis, invalid } = decodeDiscovery([vendors, sites, contacts, supplierApi, supplierApi])
    assert.deepStrictEqual(
      apis.map((a) => a.slug),
      ["suppliers"]
    )
    assert.deepStrictEqual(
      invalid.map((e) => [e.index, e.slug, e.path, e.message]),
      [
        [
          0,
          "vendors",
          "delta_strategy",
          'API "vendors": delta_strategy: Expected "full" | "rowversion" | "hash", got "sometimes"'
        ],
        [
          1,
          "vendor_sites",
          "parent.slug",
          'API "vendor_sites": parent.slug: the parent API "vendors" is missing or invalid'
        ],
        [
          2,
          "site_contacts",
          "parent.slug",
          'API "site_contacts": parent.slug: the parent API "vendor_sites" is missing or invalid'
        ],
        [4, "suppliers", "slug", 'API "suppliers": slug: duplicate slug "suppliers"']
      ]
    )
  })

  it.effect("a discovery body that is not a list fails with InvalidResponse", () =>
    Effect.gen(function* () {
      const server = yield* TestServer.make(() => Effect.succeed({ body: { apis: [] } }))
      const client = yield* ApiSmithClient.make({ baseUrl: server.baseUrl, credentials: bearer("t0ken") })
      const exit = yield* Effect.exit(client.discover)
      assert.isTrue(Exit.isFailure(exit))
      const error = Exit.isFailure(exit) ? exit.cause.reasons[0] : undefined
      assert.isTrue(error?._tag === "Fail" && error.error._tag === "InvalidResponse")
      if (error?._tag === "Fail" && error.error._tag === "InvalidResponse") {
        assert.strictEqual(error.error.endpoint, "apis.list")
        assert.include(error.error.message, "Expected array")
      }
    }).pipe(Effect.scoped, Effect.provide(ClientStack))
  )
})
