import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { isInvalid } from "../../src/stages/Invalid.ts"
import { convertValue, makeMapper } from "../../src/stages/map/Mapper.ts"
import { mapChunk } from "../../src/stages/map/mapChunk.ts"
import { makeNormalizer } from "../../src/stages/normalize/Normalizer.ts"
import { normalizeChunk } from "../../src/stages/normalize/normalizeChunk.ts"
import { items } from "./fixtures.ts"

describe("mapChunk", () => {
  it.effect(
    "destination columns in manifest order, renamed; missing -> null; undeclared and meta fields left out",
    () =>
      Effect.gen(function* () {
        const normalizer = yield* makeNormalizer(items, { mapping: { fields: { part_no: { to: "item_number" } } } })
        const mapper = yield* makeMapper(normalizer, { columnNames: { item_number: "erp_item_number", uom: "unit" } })
        assert.deepStrictEqual(
          mapper.columns.map((c) => c.name),
          [
            "erp_item_number",
            "description",
            "unit",
            "list_price",
            "weight_kg",
            "commodity_code",
            "is_active",
            "created_date",
            "guid"
          ]
        )
        assert.deepStrictEqual(mapper.businessKey, ["erp_item_number"])
        assert.strictEqual(mapper.columns[0]?.businessKey, true)
        const normalized = normalizeChunk(normalizer, [
          {
            part_no: "P1",
            uom: "EA",
            is_active: "Y",
            list_price: "1,000.50",
            legacy: "X",
            _row_version: "20250101000000"
          }
        ])
        const result = mapChunk(mapper, normalized.ok)
        assert.deepStrictEqual(result.ok[0]?.mapped, {
          erp_item_number: "P1",
          description: null,
          unit: "EA",
          list_price: "1000.5",
          weight_kg: null,
          commodity_code: null,
          is_active: true,
          created_date: null,
          guid: null
        })
        assert.strictEqual(result.ok[0]?.normalized, normalized.ok[0]?.normalized)
      })
  )

  it("converts defaults and transforms' values to the destination's representation", () => {
    assert.strictEqual(convertValue("decimal", 10.5), "10.5")
    assert.strictEqual(convertValue("decimal", 1e21), "1000000000000000000000")
    assert.strictEqual(
      convertValue("timestamp", new Date(Date.UTC(2025, 0, 2, 3, 4, 5, 6))),
      "2025-01-02T03:04:05.006Z"
    )
    assert.strictEqual(convertValue("date", new Date(Date.UTC(2025, 0, 2))), "2025-01-02")
    assert.strictEqual(convertValue("integer", undefined), null)
    assert.isTrue(isInvalid(convertValue("boolean", "Y")))
    assert.isTrue(isInvalid(convertValue("string", 1)))
    assert.isTrue(isInvalid(convertValue("json", 1n)))
  })

  it.effect("a value the destination cannot take fails the record (stage map), not the chunk", () =>
    Effect.gen(function* () {
      const normalizer = yield* makeNormalizer(items, { mapping: { fields: { uom: { default: 3 } } } })
      const mapper = yield* makeMapper(normalizer)
      const normalized = normalizeChunk(normalizer, [
        { part_no: "P1", uom: "EA" },
        { part_no: "P2", uom: null }
      ])
      const result = mapChunk(mapper, normalized.ok)
      assert.strictEqual(result.ok.length, 1)
      assert.strictEqual(result.failures[0]?.stage, "map")
      assert.strictEqual(result.failures[0]?.errorType, "Unmappable")
      assert.strictEqual(result.failures[0]?.index, 1)
      assert.strictEqual(result.failures[0]?.mapped?.part_no, "P2")
    })
  )

  it.effect("two columns with one destination name is a configuration error", () =>
    Effect.gen(function* () {
      const normalizer = yield* makeNormalizer(items)
      const error = yield* Effect.flip(makeMapper(normalizer, { columnNames: { uom: "description" } }))
      assert.strictEqual(error.stage, "map")
    })
  )

  it.effect("an entity without columns maps rows as they are, without meta fields", () =>
    Effect.gen(function* () {
      const normalizer = yield* makeNormalizer({ entity: "people", businessKey: ["id"], cursorField: "updated_at" })
      const mapper = yield* makeMapper(normalizer)
      const result = mapChunk(mapper, normalizeChunk(normalizer, [{ id: "1", name: "Ann", updated_at: "2025" }]).ok)
      assert.deepStrictEqual(result.ok[0]?.mapped, { id: "1", name: "Ann" })
    })
  )
})
