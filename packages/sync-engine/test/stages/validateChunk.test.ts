import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { makeNormalizer } from "../../src/stages/normalize/Normalizer.ts"
import { normalizeChunk } from "../../src/stages/normalize/normalizeChunk.ts"
import { columnCheck, makeValidator } from "../../src/stages/validate/Validator.ts"
import { validateChunk } from "../../src/stages/validate/validateChunk.ts"
import { field, items } from "./fixtures.ts"

const check = (f: ReturnType<typeof field>, value: unknown) => columnCheck(f)(value)?.reason ?? "ok"

describe("validateChunk", () => {
  it("type checks per column type", () => {
    const cases: ReadonlyArray<readonly [ReturnType<typeof field>, unknown, string]> = [
      [field("string", "VARCHAR2(3)", { length: 3 }), "abc", "ok"],
      [field("string", "VARCHAR2(3)", { length: 3 }), "abcd", "TooLong"],
      [field("string", "VARCHAR2(3)", { length: 3 }), "👍🏽x", "ok"],
      [field("string", "VARCHAR2(3)"), 3, "TypeMismatch"],
      [field("integer", "NUMBER(3)", { precision: 3 }), 999, "ok"],
      [field("integer", "NUMBER(3)", { precision: 3 }), -1000, "NumericOverflow"],
      [field("integer", "NUMBER(19)", { precision: 19 }), "9007199254740993", "ok"],
      [field("integer", "NUMBER(19)", { precision: 19 }), "12345678901234567890", "NumericOverflow"],
      [field("integer"), 1.5, "TypeMismatch"],
      [field("integer"), "007", "TypeMismatch"],
      [field("decimal", "NUMBER(5,2)", { precision: 5, scale: 2 }), "999.99", "ok"],
      [field("decimal", "NUMBER(5,2)", { precision: 5, scale: 2 }), "1000", "NumericOverflow"],
      [field("decimal", "NUMBER(5,2)", { precision: 5, scale: 2 }), "1.001", "NumericOverflow"],
      [field("decimal", "NUMBER(5,2)", { precision: 5, scale: 2 }), "0.5", "ok"],
      [field("decimal"), "1000.50", "TypeMismatch"],
      [field("decimal"), "1,000", "TypeMismatch"],
      [field("decimal"), 10.5, "ok"],
      [field("boolean"), false, "ok"],
      [field("boolean"), "Y", "TypeMismatch"],
      [field("date"), "2025-12-08", "ok"],
      [field("date"), "2025-12-08T00:00:00.000Z", "TypeMismatch"],
      [field("timestamp"), "2025-12-08T00:00:00.000Z", "ok"],
      [field("timestamp"), "2025-12-08T00:00:00.000123Z", "ok"],
      [field("timestamp"), "2025-12-08T00:00:00Z", "TypeMismatch"],
      [field("timestamp"), new Date(0), "ok"],
      [field("json"), { a: [1] }, "ok"],
      [field("json"), 1n, "TypeMismatch"],
      [field("binary"), "AQID", "ok"],
      [field("binary"), "AQI", "TypeMismatch"]
    ]
    for (const [f, value, expected] of cases) {
      assert.strictEqual(check(f, value), expected, `${f.type} ${String(value)}`)
    }
  })

  it.effect("one bad row in 1,000: 999 valid, 1 failure with stage, reason and the raw and normalized data", () =>
    Effect.gen(function* () {
      const normalizer = yield* makeNormalizer(items)
      const validator = makeValidator(normalizer)
      const raw = Array.from({ length: 1000 }, (_, i) => ({
        part_no: `PART-${i}`,
        uom: "EA",
        is_active: "Y",
        list_price: `${i}.50`,
        description: i === 500 ? "x".repeat(201) : `Item ${i}`
      }))
      const normalized = normalizeChunk(normalizer, raw)
      assert.strictEqual(normalized.ok.length, 1000)
      const result = validateChunk(validator, normalized.ok)
      assert.strictEqual(result.ok.length, 999)
      assert.strictEqual(result.failures.length, 1)
      const [failure] = result.failures
      assert.strictEqual(failure?.stage, "validate")
      assert.strictEqual(failure?.errorType, "TooLong")
      assert.strictEqual(failure?.index, 500)
      assert.strictEqual(failure?.raw.part_no, "PART-500")
      assert.strictEqual(failure?.normalized?.list_price, "500.5")
      assert.match(failure?.message ?? "", /^description: 201 characters, the column allows 200$/)
      assert.isFalse(result.ok.some((r) => r.raw.part_no === "PART-500"))
      assert.strictEqual(result.ok[0], normalized.ok[0])
    })
  )

  it.effect("required: business key, non-nullable columns and extra required fields; nullable ones may be null", () =>
    Effect.gen(function* () {
      const normalizer = yield* makeNormalizer(items)
      const validator = makeValidator({ ...normalizer, required: ["weight_kg", "site"] })
      const [row] = normalizeChunk(normalizer, [{ description: null }]).ok
      const result = validateChunk(validator, row === undefined ? [] : [row])
      assert.deepStrictEqual(
        result.failures[0]?.issues.map((i) => [i.field, i.reason]),
        [
          ["part_no", "MissingBusinessKey"],
          ["uom", "Required"],
          ["weight_kg", "Required"],
          ["is_active", "Required"],
          ["site", "Required"]
        ]
      )
      assert.strictEqual(result.failures[0]?.errorType, "MissingBusinessKey")
    })
  )

  it("an empty chunk", () => {
    const result = validateChunk(makeValidator({ columns: [], businessKey: ["id"] }), [])
    assert.deepStrictEqual([result.ok, result.failures], [[], []])
  })
})
