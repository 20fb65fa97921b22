import { assert, describe, it } from "@effect/vitest"
import { fieldType } from "../../src/stages/normalize/FieldType.ts"
import { applyTransform, mapFieldStep, mapFields, mappedFields } from "../../src/stages/normalize/mapFields.ts"
import { column, outcome } from "./fixtures.ts"

const fields = [
  column("part_no", "string"),
  column("descr", "string"),
  column("uom", "string"),
  column("qty", "integer")
].map(fieldType)

describe("mapFields (layer 5)", () => {
  it("transforms text values in order; other values pass", () => {
    assert.strictEqual(applyTransform("  part-1 ", "trim"), "part-1")
    assert.strictEqual(applyTransform("part-1", "uppercase"), "PART-1")
    assert.strictEqual(applyTransform("ÄBC", "lowercase"), "äbc")
    assert.strictEqual(applyTransform("a \t\n b", "collapseWhitespace"), "a b")
    assert.strictEqual(applyTransform(42, "uppercase"), 42)
    const step = mapFieldStep({ transforms: ["collapseWhitespace", "trim", "uppercase"] })
    assert.strictEqual(step?.(" hex   bolt "), "HEX BOLT")
  })

  it('defaults replace null and missing, not ""', () => {
    const step = mapFieldStep({ default: "EA" })
    assert.strictEqual(step?.(null), "EA")
    assert.strictEqual(step?.(undefined), "EA")
    assert.strictEqual(step?.(""), "")
    assert.strictEqual(step?.("KG"), "KG")
  })

  it("required: null after the default is an issue", () => {
    const step = mapFieldStep({ required: true })
    assert.deepStrictEqual(outcome(step?.(null)), { issue: "Required" })
    assert.strictEqual(step?.(""), "")
    assert.strictEqual(mapFieldStep({ required: true, default: 0 })?.(null), 0)
  })

  it("nothing to do: no step", () => {
    assert.strictEqual(mapFieldStep(undefined), undefined)
    assert.strictEqual(mapFieldStep({ to: "x" }), undefined)
  })

  it("renames, transforms, defaults and requires on a record; unknown fields kept or dropped", () => {
    const options = {
      fields: {
        part_no: { to: "item_number", transforms: ["trim", "uppercase"] as const, required: true },
        uom: { default: "EA" },
        descr: { to: "description" },
        site: { to: "site_code", default: "MAIN" }
      }
    }
    const layer = mapFields(fields, options)
    const { record, issues } = layer({ part_no: " part-1 ", descr: "Widget", qty: 3, legacy: "X" })
    assert.deepStrictEqual(record, {
      item_number: "PART-1",
      description: "Widget",
      uom: "EA",
      qty: 3,
      site_code: "MAIN",
      legacy: "X"
    })
    assert.strictEqual(issues.length, 0)
    const dropped = mapFields(fields, { ...options, unknownFields: "drop" })({ part_no: "p", legacy: "X" })
    assert.isFalse("legacy" in dropped.record)
    const missing = layer({ descr: "Widget" })
    assert.deepStrictEqual(
      missing.issues.map((i) => [i.field, i.step, i.reason]),
      [["part_no", "mapFields", "Required"]]
    )
  })

  it("two fields mapped to one name is a configuration error", () => {
    assert.isString(mappedFields(fields, { fields: { descr: { to: "uom" } } }))
    assert.throws(() => mapFields(fields, { fields: { descr: { to: "uom" } } }), RangeError)
    assert.isArray(mappedFields(fields, { fields: { descr: { to: "uom" }, uom: { to: "unit" } } }))
  })
})
