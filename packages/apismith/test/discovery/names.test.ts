/**
 * Names from metadata: slugs and columns that are not lowercase identifiers (`Order-Lines`,
 * `PART_NO`, `Line No`) are normalized deterministically, the adapter still requests data with the
 * original slug and renames each row's fields; two names that normalize to one identifier, and
 * hostile names, make the API unusable with a typed error naming them.
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect, Exit, Result } from "effect"
import { fromClient } from "../../src/ApiSmithAdapter.ts"
import { decodeDiscovery } from "../../src/discovery/Discovery.ts"
import { apiNames } from "../../src/naming/ApiNames.ts"
import { identifierOf } from "../../src/naming/identifierOf.ts"
import { namedSourceRecord } from "../../src/rows/namedSourceRecord.ts"
import { ErpDataset, FakeErp } from "../../src/testing/index.ts"
import { ClientStack, clientOf } from "../support/harness.ts"
import { cleanRecordsOf, recordsOf, truthOf } from "../support/listing.ts"

/** A well-formed API whose names are given. */
const api = (slug: string, columns: ReadonlyArray<string>, parent?: { slug: string; fk: ReadonlyArray<string> }) => ({
  slug,
  name: slug,
  columns: columns.map((name, i) => ({
    name,
    data_type: "VARCHAR2(20)",
    is_nullable: i > 0,
    is_business_key: i === 0
  })),
  business_key_columns: [columns[0]],
  delta_strategy: "full",
  parent: parent === undefined ? null : { slug: parent.slug, foreign_key_columns: parent.fk }
})

const identifier = (name: string, kind: "slug" | "column" = "column") => {
  const result = identifierOf(kind, name)
  return Result.isSuccess(result) ? result.success : `refused: ${result.failure}`
}

describe("names from metadata", () => {
  it("normalizes non-identifiers deterministically and keeps identifiers as they are", () => {
    const cases: ReadonlyArray<readonly [string, string]> = [
      ["Order-Lines", "order_lines"],
      ["PART_NO", "part_no"],
      ["Line No", "line_no"],
      ["  Weight (kg) ", "weight_kg"],
      ["TOTAL__AMOUNT_", "total_amount"],
      ["Credit.Limit", "credit_limit"],
      ["LINE#", "line"],
      ["9lives", "_9lives"],
      ["Ünïcödé", "unicode"],
      ["CTID", "ctid_"],
      // already identifiers: unchanged, so existing tables keep their columns
      ["part_no", "part_no"],
      ["a__b", "a__b"],
      ["_private", "_private"]
    ]
    for (const [name, expected] of cases) assert.strictEqual(identifier(name), expected, name)
    assert.strictEqual(identifier("Order-Lines", "slug"), "order_lines")
    assert.strictEqual(identifier("CTID", "slug"), "ctid")
  })

  it("keeps long names within PostgreSQL's 63 bytes, and apart", () => {
    const a = identifier(`${"Very Long Column Name ".repeat(4)}A`)
    const b = identifier(`${"Very Long Column Name ".repeat(4)}B`)
    assert.isAtMost(a.length, 63)
    assert.isAtMost(b.length, 63)
    assert.notStrictEqual(a, b)
    assert.match(a, /^very_long_column_name_very_long_column_name_very_long_[0-9a-f]{8}$/)
    assert.strictEqual(identifier(`${"Very Long Column Name ".repeat(4)}A`), a, "deterministic")
  })

  it("refuses hostile and unusable names", () => {
    const hostile = [
      'x"; drop table y; --',
      "y; drop table y",
      'quo"te',
      "it's",
      "back`tick",
      "new\nline",
      "nul\u0000",
      "a--b",
      "a/*b*/",
      "表",
      "Straße",
      "!!!",
      "",
      "   ",
      "x".repeat(129)
    ]
    for (const name of hostile) assert.isTrue(identifier(name).startsWith("refused: "), JSON.stringify(name))
    assert.strictEqual(
      identifier('x"; drop table y; --'),
      'refused: it contains "\\"": quotes, ;, \\, comments and control characters are refused'
    )
  })

  it.effect("discovers and lists an API published with non-identifier names under their normalized names", () =>
    Effect.gen(function* () {
      const fake = yield* FakeErp.make({ rows: { orders: 40 }, publishedNames: ErpDataset.NON_IDENTIFIER_NAMES })
      const adapter = fromClient(yield* clientOf(fake))
      const manifests = yield* adapter.manifests
      const byEntity = new Map(manifests.map((m) => [m.entity, m]))
      assert.deepStrictEqual(
        manifests.map((m) => [m.entity, m.sourceName]),
        [
          ["units", undefined],
          ["items", undefined],
          ["customers", "CUSTOMERS"],
          ["orders", undefined],
          ["order_lines", "Order-Lines"]
        ]
      )
      const lines = byEntity.get("order_lines")
      assert.deepStrictEqual(lines?.businessKey, ["order_no", "line_no"])
      assert.deepStrictEqual(lines?.parents, [{ entity: "orders", foreignKey: ["order_no"] }])
      assert.deepStrictEqual(
        lines?.columns?.map((c) => [c.name, c.sourceName]),
        [
          ["order_no", "ORDER_NO"],
          ["line_no", "Line No"],
          ["part_no", "PART_NO"],
          ["quantity", undefined],
          ["unit_price", "Unit-Price"],
          ["promised_at", undefined]
        ]
      )
      assert.deepStrictEqual(byEntity.get("orders")?.parents, [{ entity: "customers", foreignKey: ["customer_id"] }])
      assert.deepStrictEqual(byEntity.get("items")?.columns?.slice(3, 5), [
        {
          name: "list_price",
          sourceName: "List Price",
          type: "decimal",
          sourceType: "NUMBER(12,2)",
          nullable: true,
          businessKey: false,
          precision: 12,
          scale: 2
        },
        {
          name: "weight_kg",
          sourceName: "Weight (kg)",
          type: "decimal",
          sourceType: "NUMBER",
          nullable: true,
          businessKey: false
        }
      ])

      // Data is requested with the original slug; the records carry the normalized names.
      const records = yield* recordsOf(adapter, "order_lines")
      const paths = (yield* fake.requests).map((r) => r.url.pathname).filter((p) => p.startsWith("/api/v1/data/"))
      assert.isTrue(paths.length > 0 && paths.every((p) => p === "/api/v1/data/Order-Lines"), paths.join(", "))
      const [first] = records
      assert.includeMembers(Object.keys(first ?? {}), ["order_no", "line_no", "part_no", "unit_price"])
      assert.notInclude(Object.keys(first ?? {}).join(","), "Line No")
      // Undeclared fields are renamed too: items' `LEGACY FLAG` arrives as `legacy_flag`.
      const [item] = yield* recordsOf(adapter, "items")
      assert.isTrue(Object.hasOwn(item ?? {}, "legacy_flag") && !Object.hasOwn(item ?? {}, "LEGACY FLAG"))

      // Every entity's records, cleaned, equal the fake's ground truth (keyed by the normalized names).
      for (const entity of ["units", "items", "customers", "orders", "order_lines"]) {
        const clean = yield* cleanRecordsOf(adapter, entity)
        const truth = truthOf(fake, entity)
        assert.strictEqual(clean.length, truth.length, entity)
        assert.isTrue(truth.length > 0, entity)
        assert.deepStrictEqual(clean, truth, entity)
      }
    }).pipe(Effect.scoped, Effect.provide(ClientStack))
  )

  it.effect("a fresh adapter lists a renamed entity without being asked for manifests first", () =>
    Effect.gen(function* () {
      const fake = yield* FakeErp.make({ rows: { orders: 10 }, publishedNames: ErpDataset.NON_IDENTIFIER_NAMES })
      const adapter = fromClient(yield* clientOf(fake))
      const records = yield* recordsOf(adapter, "customers")
      assert.strictEqual(records.length, fake.groundTruth.count("customers"))
      assert.isTrue(records.every((r) => typeof r.customer_id === "string" && !("CUSTOMER_ID" in r)))
      // The fake serves no API under the normalized slug: only the original reaches the data.
      const paths = (yield* fake.requests).map((r) => r.url.pathname)
      assert.deepStrictEqual([...new Set(paths)], ["/api/v1/apis", "/api/v1/data/CUSTOMERS"])
    }).pipe(Effect.scoped, Effect.provide(ClientStack))
  )

  it("renames a row's fields: declared columns always win, an undeclared field never overwrites", () => {
    const decoded = decodeDiscovery([api("Parts", ["PART_NO", "Unit Price"])])
    const names = decoded.names.get("Parts")
    assert.isDefined(names)
    if (names === undefined) return
    const toRecord = namedSourceRecord(names)
    const record = toRecord({
      oracle_keys: { PART_NO: "P-1" },
      row_version: "20250101000000",
      // `part-no` is undeclared and would take `part_no`, which the declared `PART_NO` has.
      data: JSON.parse('{"part-no":"undeclared","PART_NO":"P-1","Unit Price":"1.5","Legacy Flag":"X","__proto__":"p"}')
    })
    assert.deepStrictEqual(Object.keys(record), [
      "part-no",
      "part_no",
      "unit_price",
      "legacy_flag",
      "__proto__",
      "_row_version",
      "_oracle_keys"
    ])
    assert.deepInclude(record, { part_no: "P-1", "part-no": "undeclared", unit_price: "1.5", legacy_flag: "X" })
    assert.strictEqual(Object.getPrototypeOf(record), Object.prototype)
    assert.strictEqual(Object.getOwnPropertyDescriptor(record, "__proto__")?.value, "p")
    // Rows of one shape are renamed by the plan worked out for the first; other shapes get their own.
    const row = (json: string) =>
      toRecord({ oracle_keys: { PART_NO: "P-2" }, row_version: "20250101000001", data: JSON.parse(json) })
    const again = row('{"part-no":"u2","PART_NO":"P-2","Unit Price":"2","Legacy Flag":null,"__proto__":"q"}')
    assert.deepStrictEqual(Object.keys(again), Object.keys(record))
    assert.deepInclude(again, { part_no: "P-2", "part-no": "u2", unit_price: "2", legacy_flag: null })
    assert.strictEqual(Object.getOwnPropertyDescriptor(again, "__proto__")?.value, "q")
    const reordered = row('{"PART_NO":"P-3","part-no":"u3","Unit Price":"3"}')
    assert.deepStrictEqual(Object.keys(reordered), ["part_no", "part-no", "unit_price", "_row_version", "_oracle_keys"])
    assert.deepInclude(reordered, { part_no: "P-3", "part-no": "u3", unit_price: "3" })
    const plainRow = row('{"part_no":"P-4"}')
    assert.deepStrictEqual(plainRow, {
      part_no: "P-4",
      _row_version: "20250101000001",
      _oracle_keys: { PART_NO: "P-2" }
    })
    // Nothing to rename: the row passes as it is.
    const plain = apiNames(decodeDiscovery([api("parts", ["part_no"])]).apis[0]!)
    assert.isTrue(Result.isSuccess(plain) && !plain.success.renamesColumns)
  })

  it("two columns of one API that normalize to one name: the API is refused, naming both", () => {
    const { apis, invalid, names } = decodeDiscovery([
      api("suppliers", ["supplier_id", "PART_NO", "part-no"]),
      api("Vendors", ["VENDOR_ID", "part_no", "PART_NO"])
    ])
    assert.strictEqual(apis.length, 0)
    assert.strictEqual(names.size, 0)
    assert.deepStrictEqual(
      invalid.map((e) => [e.slug, e.path, e.message]),
      [
        [
          "suppliers",
          "columns[2].name",
          'API "suppliers": columns[2].name: the columns of API "suppliers" "part-no" and "PART_NO" both normalize to "part_no"'
        ],
        [
          "Vendors",
          "columns[2].name",
          'API "Vendors": columns[2].name: the columns of API "Vendors" "PART_NO" and "part_no" both normalize to "part_no"'
        ]
      ]
    )
    const collision = invalid[0]?.collision
    assert.strictEqual(collision?._tag, "NameCollision")
    assert.deepInclude(collision, { kind: "column", identifier: "part_no", name: "part-no", other: "PART_NO" })
  })

  it("two slugs that normalize to one name: an exact one keeps it, the others are refused naming it", () => {
    const exact = decodeDiscovery([api("Order-Lines", ["ID"]), api("order_lines", ["id"])])
    assert.deepStrictEqual(
      exact.apis.map((a) => a.slug),
      ["order_lines"]
    )
    assert.deepStrictEqual(
      exact.invalid.map((e) => [e.slug, e.path, e.message]),
      [
        [
          "Order-Lines",
          "slug",
          'API "Order-Lines": slug: the API slugs "Order-Lines" and "order_lines" both normalize to "order_lines"'
        ]
      ]
    )
    assert.deepInclude(exact.invalid[0]?.collision, { kind: "slug", name: "Order-Lines", other: "order_lines" })

    // Neither is the name already: both are refused, whatever the order of the list.
    for (const list of [
      [api("Order-Lines", ["ID"]), api("ORDER_LINES", ["ID"])],
      [api("ORDER_LINES", ["ID"]), api("Order-Lines", ["ID"])]
    ]) {
      const { apis, invalid } = decodeDiscovery(list)
      assert.strictEqual(apis.length, 0)
      assert.deepStrictEqual(invalid.map((e) => [e.slug, e.collision?.other]).sort(), [
        ["ORDER_LINES", "Order-Lines"],
        ["Order-Lines", "ORDER_LINES"]
      ])
    }
  })

  it("a refused parent makes its children unusable; a hostile name is refused with the reason", () => {
    const { apis, invalid } = decodeDiscovery([
      api("Orders", ["ORDER_NO"]),
      api("ORDERS", ["ORDER_NO"]),
      api("Order-Lines", ["LINE_ID", "ORDER_NO"], { slug: "Orders", fk: ["ORDER_NO"] }),
      api("notes", ["note_id", 'x"; drop table y; --'])
    ])
    assert.strictEqual(apis.length, 0)
    assert.deepStrictEqual(
      invalid.map((e) => [e.slug, e.path]),
      [
        ["Orders", "slug"],
        ["ORDERS", "slug"],
        ["Order-Lines", "parent.slug"],
        ["notes", "columns[1].name"]
      ]
    )
    assert.strictEqual(
      invalid[3]?.message,
      'API "notes": columns[1].name: unusable column name "x\\"; drop table y; --": it contains "\\"": quotes, ;, \\, comments and control characters are refused'
    )
  })

  it.effect(
    "over HTTP: a collision is skipped with the others still discovered, or fails manifests with onInvalidApi: fail",
    () =>
      Effect.gen(function* () {
        // The fake publishes `Order-Lines`; an extra API `ORDER_LINES` collides with it.
        const fake = yield* FakeErp.make({
          publishedNames: ErpDataset.NON_IDENTIFIER_NAMES,
          extraApis: [api("ORDER_LINES", ["LINE_ID"])]
        })
        const skip = fromClient(yield* clientOf(fake))
        assert.deepStrictEqual(
          (yield* skip.manifests).map((m) => m.entity),
          ["units", "items", "customers", "orders"]
        )
        const discovery = yield* skip.discovery
        assert.deepStrictEqual(
          discovery.invalid.map((e) => [e.slug, e.collision?.name, e.collision?.other]),
          [
            ["Order-Lines", "Order-Lines", "ORDER_LINES"],
            ["ORDER_LINES", "ORDER_LINES", "Order-Lines"]
          ]
        )

        const fail = fromClient(yield* clientOf(fake), { onInvalidApi: "fail" })
        const exit = yield* Effect.exit(fail.manifests)
        const error = Exit.isFailure(exit) ? exit.cause.reasons[0] : undefined
        assert.strictEqual(error?._tag === "Fail" ? error.error._tag : undefined, "InvalidResponse")
        assert.strictEqual(
          error?._tag === "Fail" ? error.error.message : undefined,
          'API "Order-Lines": slug: the API slugs "Order-Lines" and "ORDER_LINES" both normalize to "order_lines"'
        )
      }).pipe(Effect.scoped, Effect.provide(ClientStack))
  )
})
