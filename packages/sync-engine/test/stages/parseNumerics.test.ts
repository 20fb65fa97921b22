import { assert, describe, it } from "@effect/vitest"
import { Schema } from "effect"
import { fieldType } from "../../src/stages/normalize/FieldType.ts"
import type { ParseNumericsOptions } from "../../src/stages/normalize/NormalizeOptions.ts"
import { parseNumerics, parseNumericsStep, parseNumericValue } from "../../src/stages/normalize/parseNumerics.ts"
import { column, field, outcome } from "./fixtures.ts"

const decimal = { type: "decimal" } as const
const integer = { type: "integer" } as const

describe("parseNumerics (layer 3)", () => {
  const cases: ReadonlyArray<readonly [unknown, typeof decimal | typeof integer, unknown, ParseNumericsOptions?]> = [
    // the spec's messy values
    ["10,000", decimal, "10000"],
    ["1,000.50", decimal, "1000.5"],
    ["1.000,50", decimal, "1000.5"],
    ["1.000,50", decimal, "1000.5", { decimalSeparator: "," }],
    ["1,000.50", decimal, "1000.5", { decimalSeparator: "," }],
    ["$1,234.00", decimal, "1234"],
    ["1.5E3", decimal, "1500"],
    ["1.5E3", integer, 1500],
    ["  42 ", integer, 42],
    ["  42 ", decimal, "42"],
    [1.2345678901e10, decimal, "12345678901"],
    ["1.2345678901e10", decimal, "12345678901"],
    [1.0005e3, decimal, "1000.5"],
    ["1.0005E3", decimal, "1000.5"],
    ["00123", integer, 123],
    // other spellings
    ["1000.50", decimal, "1000.5"],
    ["0.050", decimal, "0.05"],
    [".5", decimal, "0.5"],
    ["5.", decimal, "5"],
    ["+7", integer, 7],
    ["-0", decimal, "0"],
    ["-0.00", decimal, "0"],
    [-0, integer, 0],
    ["-$1,234.50", decimal, "-1234.5"],
    ["$-1,234.50", decimal, "-1234.5"],
    ["1.234,50 €", decimal, "1234.5"],
    ["€ 1.234,50", decimal, "1234.5"],
    ["£12", decimal, "12"],
    ["1 000 000", integer, 1000000],
    ["1\u00A0000,5", decimal, "1000.5", { decimalSeparator: "," }],
    ["1'000'000", integer, 1000000],
    ["1.000.000", integer, 1000000],
    ["1,5", decimal, "1.5", { decimalSeparator: "," }],
    ["1.000", decimal, "1", { decimalSeparator: "." }],
    ["1.000", decimal, "1000", { decimalSeparator: "," }],
    ["1e-7", decimal, "0.0000001"],
    ["-1.5e+2", decimal, "-150"],
    [1e21, decimal, "1000000000000000000000"],
    [0.1 + 0.2, decimal, "0.30000000000000004"],
    ["9007199254740993", integer, "9007199254740993"],
    ["-9007199254740993", integer, "-9007199254740993"],
    ["9007199254740991", integer, 9007199254740991],
    // beyond 2^53 a JSON number has already lost digits: its shortest round-trip text is kept
    [2 ** 60, integer, "1152921504606847000"],
    ["   ", decimal, null],
    [null, decimal, null],
    // rejected
    ["1,5", decimal, { issue: "InvalidNumber" }],
    ["1,00", decimal, { issue: "InvalidNumber" }],
    ["1,0000", decimal, { issue: "InvalidNumber" }],
    ["1.000,50", decimal, { issue: "InvalidNumber" }, { inferSeparators: false }],
    ["1,000 000", decimal, { issue: "InvalidNumber" }],
    ["12abc", decimal, { issue: "InvalidNumber" }],
    ["abc", decimal, { issue: "InvalidNumber" }],
    ["NaN", decimal, { issue: "InvalidNumber" }],
    ["Infinity", decimal, { issue: "InvalidNumber" }],
    ["1e", decimal, { issue: "InvalidNumber" }],
    ["--1", decimal, { issue: "InvalidNumber" }],
    ["$$1", decimal, { issue: "InvalidNumber" }],
    ["USD 1", decimal, { issue: "InvalidNumber" }],
    ["1.2.3", decimal, { issue: "InvalidNumber" }, { inferSeparators: false }],
    [".", decimal, { issue: "InvalidNumber" }],
    ["1e99999", decimal, { issue: "NumericOverflow" }],
    ["1.5", integer, { issue: "NotAnInteger" }],
    [1.5, integer, { issue: "NotAnInteger" }],
    ["1,000.01", integer, { issue: "NotAnInteger" }],
    [true, decimal, { issue: "TypeMismatch" }]
  ]
  for (const [input, target, expected, options] of cases) {
    it(`${target.type} ${JSON.stringify(input)}${options ? ` ${JSON.stringify(options)}` : ""}`, () => {
      assert.deepStrictEqual(outcome(parseNumericValue(input, target, options)), expected)
    })
  }

  it("rounds to the declared scale, half away from zero (as Oracle and PostgreSQL do)", () => {
    const money = { type: "decimal", precision: 12, scale: 2 } as const
    assert.strictEqual(parseNumericValue("1.005", money), "1.01")
    assert.strictEqual(parseNumericValue("-1.005", money), "-1.01")
    assert.strictEqual(parseNumericValue("1.004", money), "1")
    assert.strictEqual(parseNumericValue("9.999", money), "10")
    assert.strictEqual(parseNumericValue("0.004", money), "0")
    assert.strictEqual(parseNumericValue(0.1 + 0.2, money), "0.3")
    assert.strictEqual(parseNumericValue("99999999.995", { type: "decimal", scale: 2 }), "100000000")
  })

  it("refuses more integer digits than precision - scale allows (the database would refuse the row)", () => {
    const money = { type: "decimal", precision: 5, scale: 2 } as const
    assert.strictEqual(parseNumericValue("999.99", money), "999.99")
    assert.deepStrictEqual(outcome(parseNumericValue("1000", money)), { issue: "NumericOverflow" })
    assert.deepStrictEqual(outcome(parseNumericValue("999.995", money)), { issue: "NumericOverflow" })
    const id = { type: "integer", precision: 3 } as const
    assert.strictEqual(parseNumericValue(999, id), 999)
    assert.deepStrictEqual(outcome(parseNumericValue(1000, id)), { issue: "NumericOverflow" })
    assert.deepStrictEqual(outcome(parseNumericValue("-1000", id)), { issue: "NumericOverflow" })
  })

  it("applies to declared integer and decimal columns only: codes with leading zeros stay text", () => {
    assert.strictEqual(parseNumericsStep(field("string", "VARCHAR2(10)")), undefined)
    const layer = parseNumerics(
      [column("code", "string", "VARCHAR2(10)"), column("qty", "integer", "NUMBER(10)")].map(fieldType)
    )
    const { record, issues } = layer({ code: "00123", qty: "00123", extra: "1,000" })
    assert.deepStrictEqual(record, { code: "00123", qty: 123, extra: "1,000" })
    assert.strictEqual(issues.length, 0)
    assert.deepStrictEqual(
      layer({ qty: "12 apples" }).issues.map((i) => [i.field, i.step, i.reason]),
      [["qty", "parseNumerics", "InvalidNumber"]]
    )
  })

  it.prop("a finite number's clean decimal reads back as the same number", [Schema.Finite], ([n]) => {
    const text = parseNumericValue(n, decimal)
    assert.isString(text)
    assert.strictEqual(Number(text), n === 0 ? 0 : n)
    assert.match(text as string, /^-?(0|[1-9]\d*)(\.\d*[1-9])?$/)
  })

  it.prop("grouped text parses to the plain digits", [Schema.Int], ([n]) => {
    const grouped = Math.abs(n).toLocaleString("en-US")
    assert.strictEqual(parseNumericValue(`${n < 0 ? "-" : ""}${grouped}`, integer), n === 0 ? 0 : n)
    assert.strictEqual(
      parseNumericValue(`${n < 0 ? "-" : ""}${Math.abs(n).toLocaleString("de-DE")},25`, decimal, {
        decimalSeparator: ","
      }),
      `${n < 0 ? "-" : ""}${Math.abs(n)}.25`
    )
  })
})
