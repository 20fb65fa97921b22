/**
 * The Select stage (a sync definition's mapping, filters and match key) inside stages 2-5: only the
 * mapped fields reach the destination row, under their new names; records the predicates refuse are
 * skipped (counted, never failed); the match key drives the business-key hash; bad settings fail
 * when the stages are built.
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect, Result } from "effect"
import { canonicalRow } from "../../src/stages/identity/canonicalForm.ts"
import type { SourceRecord } from "../../src/stages/Row.ts"
import { makeStages, runStages } from "../../src/stages/Stages.ts"
import { compareValue } from "../../src/stages/select/Selector.ts"
import { items } from "./fixtures.ts"

const record = (i: number): SourceRecord => ({
  part_no: `PART-${i}`,
  description: i % 4 === 0 ? null : `Bolt ${i}`,
  uom: "EA",
  list_price: `${i}.50`,
  is_active: i % 2 === 0 ? "Y" : "N",
  created_date: `2024-01-${String((i % 28) + 1).padStart(2, "0")}`
})

describe("the Select stage", () => {
  it.effect("maps, renames and filters; skipped records are counted, not failed", () =>
    Effect.gen(function* () {
      const stages = yield* makeStages(items, {
        select: {
          fields: { part_no: "sku", list_price: "price", description: "description" },
          where: [
            { field: "is_active", op: "eq", value: true },
            { field: "list_price", op: "gte", value: 10 },
            { field: "description", op: "notNull" }
          ]
        }
      })
      const records = Array.from({ length: 40 }, (_, i) => record(i))
      const result = runStages(stages, records)
      // Independently: active (even i), price i.50 >= 10 (i >= 10), description present (i % 4 != 0).
      const expected = records.flatMap((r, i) =>
        i % 2 === 0 && i >= 10 && i % 4 !== 0 ? [{ sku: r.part_no, price: `${i}.5`, description: r.description }] : []
      )
      assert.deepStrictEqual(
        result.ok.map((r) => r.mapped),
        expected
      )
      assert.deepStrictEqual(Object.keys(result.ok[0]?.mapped ?? {}), ["sku", "description", "price"])
      assert.deepStrictEqual(stages.mapper.businessKey, ["sku"])
      assert.deepStrictEqual(result.failures, [])
      assert.deepInclude(result.counts, {
        input: 40,
        identified: expected.length,
        filtered: 40 - expected.length,
        failed: 0
      })
    })
  )

  it.effect("in, ne, lt and isNull; a match key of destination names keys the rows", () =>
    Effect.gen(function* () {
      const stages = yield* makeStages(items, {
        select: {
          fields: { part_no: "sku", uom: "unit", created_date: "created" },
          where: [
            { field: "created_date", op: "lt", value: "2024-01-05" },
            { field: "uom", op: "in", values: ["EA", "KG"] },
            { field: "part_no", op: "ne", value: "PART-1" }
          ],
          key: ["sku", "unit"]
        }
      })
      const result = runStages(
        stages,
        Array.from({ length: 10 }, (_, i) => record(i))
      )
      assert.deepStrictEqual(
        result.ok.map((r) => r.mapped.sku),
        ["PART-0", "PART-2", "PART-3"]
      )
      assert.deepStrictEqual(stages.mapper.businessKey, ["sku", "unit"])
      const nulls = yield* makeStages(items, { select: { where: [{ field: "description", op: "isNull" }] } })
      const kept = runStages(
        nulls,
        Array.from({ length: 8 }, (_, i) => record(i))
      )
      assert.deepStrictEqual(
        kept.ok.map((r) => r.mapped.part_no),
        ["PART-0", "PART-4"]
      )
      // Without a mapping, every column goes, as without a Select stage.
      const plain = yield* makeStages(items)
      assert.deepStrictEqual(
        kept.ok.map((r) => canonicalRow(r.mapped)),
        runStages(plain, [record(0), record(4)]).ok.map((r) => canonicalRow(r.mapped))
      )
    })
  )

  it("compares numbers as numbers, dates as text, booleans only with booleans; null only matches isNull/ne", () => {
    assert.isAbove(compareValue("10.5", 9) ?? 0, 0)
    assert.isBelow(compareValue("9", "10") ?? 0, 0)
    assert.strictEqual(compareValue("2024-01-02", "2024-01-02"), 0)
    assert.isBelow(compareValue("2024-01-02T00:00:00.000Z", "2024-02-01") ?? 0, 0)
    assert.strictEqual(compareValue(true, true), 0)
    assert.isUndefined(compareValue(true, "true"))
    assert.isUndefined(compareValue(null, 1))
  })

  it.effect("settings that cannot work fail when the stages are built", () =>
    Effect.gen(function* () {
      const fails = (select: Parameters<typeof makeStages>[1]) =>
        Effect.map(Effect.result(makeStages(items, select)), (r) => (Result.isFailure(r) ? r.failure.message : "built"))
      assert.include(yield* fails({ select: { fields: { nope: "x", part_no: "part_no" } } }), '"nope"')
      assert.include(yield* fails({ select: { where: [{ field: "nope", op: "isNull" }] } }), '"nope"')
      assert.include(yield* fails({ select: { fields: { uom: "a", description: "a", part_no: "p" } } }), "two fields")
      assert.include(yield* fails({ select: { fields: { uom: "unit" } } }), "business key")
      assert.include(yield* fails({ select: { fields: { part_no: "sku" }, key: ["part_no"] } }), "match key")
    })
  )
})
