import { assert, describe, it } from "@effect/vitest"
import { coerceType, coerceTypeStep } from "../../src/stages/normalize/coerceType.ts"
import { fieldType, untypedField } from "../../src/stages/normalize/FieldType.ts"
import { column, field, outcome } from "./fixtures.ts"

const base64Of16 = Buffer.from(Array.from({ length: 16 }, (_, i) => i * 17)).toString("base64")

describe("coerceType (layer 1)", () => {
  const cases: ReadonlyArray<readonly [string, ReturnType<typeof field>, unknown, unknown]> = [
    // null, missing, "" (Oracle: '' is NULL)
    ["null", field("string", "VARCHAR2(50)"), null, null],
    ["missing", field("string", "VARCHAR2(50)"), undefined, null],
    ["empty VARCHAR2", field("string", "VARCHAR2(50)"), "", null],
    ["empty NUMBER", field("decimal", "NUMBER(12,2)"), "", null],
    ["empty DATE", field("timestamp", "DATE"), "", null],
    ["empty RAW", field("binary", "RAW(16)"), "", null],
    // text
    ["VARCHAR2 as is (layer 2 trims)", field("string", "VARCHAR2(50)"), "  PART-1  ", "  PART-1  "],
    ["CHAR padding", field("string", "CHAR(8)"), "PART-1  ", "PART-1"],
    ["CHAR keeps leading blanks", field("string", "CHAR(5)"), " AB  ", " AB"],
    ["blank CHAR is null (Oracle: empty after cleanup)", field("string", "CHAR(3)"), "   ", null],
    ["blank CHAR in a NOT NULL column stays a value", field("string", "CHAR(3)", { nullable: false }), "   ", ""],
    ["NCHAR padding", field("string", "NCHAR(4)"), "EA  ", "EA"],
    ["leading zeros stay text", field("string", "VARCHAR2(10)"), "00123", "00123"],
    ["number in a text column", field("string", "VARCHAR2(10)"), 1.5e21, "1500000000000000000000"],
    ["bigint in a text column", field("string", "VARCHAR2(30)"), 12345678901234567890n, "12345678901234567890"],
    ["boolean in a text column", field("string", "VARCHAR2(5)"), true, "true"],
    ["object in a text column", field("string", "VARCHAR2(5)"), { a: 1 }, { issue: "TypeMismatch" }],
    ["NaN in a text column", field("string", "VARCHAR2(5)"), Number.NaN, { issue: "TypeMismatch" }],
    ["CLOB", field("string", "CLOB"), "line 1\r\nline 2", "line 1\r\nline 2"],
    ["ROWID", field("string", "ROWID"), "AAAR3sAAEAAAACXAAA", "AAAR3sAAEAAAACXAAA"],
    // numbers pass to layer 3
    ["NUMBER as JSON number", field("decimal", "NUMBER(12,2)"), 10.5, 10.5],
    ["NUMBER as text", field("decimal", "NUMBER(12,2)"), "1,000.50", "1,000.50"],
    ["NUMBER as bigint", field("integer", "NUMBER(19)"), 9007199254740993n, "9007199254740993"],
    ["NUMBER NaN", field("decimal", "NUMBER"), Number.NaN, { issue: "InvalidNumber" }],
    ["NUMBER Infinity", field("decimal", "NUMBER"), Number.POSITIVE_INFINITY, { issue: "InvalidNumber" }],
    ["NUMBER boolean", field("integer", "NUMBER(1)"), true, { issue: "TypeMismatch" }],
    // booleans
    ["Y", field("boolean", "VARCHAR2(1)"), "Y", true],
    ["N", field("boolean", "VARCHAR2(1)"), "N", false],
    ["y lower", field("boolean", "VARCHAR2(1)"), "y", true],
    ["1", field("boolean", "NUMBER(1)"), 1, true],
    ["0", field("boolean", "NUMBER(1)"), 0, false],
    ["'1'", field("boolean", "CHAR(1)"), "1", true],
    ["TRUE", field("boolean", "BOOLEAN"), "TRUE", true],
    ["false text", field("boolean", "BOOLEAN"), " false ", false],
    ["JSON true", field("boolean", "BOOLEAN"), true, true],
    ["YES", field("boolean"), "Yes", true],
    ["T/F", field("boolean"), "f", false],
    ["blank boolean", field("boolean"), "  ", null],
    ["2 is not a boolean", field("boolean"), 2, { issue: "InvalidBoolean" }],
    ["X is not a boolean", field("boolean"), "X", { issue: "InvalidBoolean" }],
    // dates pass to layer 4
    ["DATE text", field("timestamp", "DATE"), "17-DEC-80", "17-DEC-80"],
    ["Date object", field("timestamp", "TIMESTAMP"), new Date(0), new Date(0)],
    ["epoch number is ambiguous", field("timestamp", "DATE"), 1700000000, { issue: "TypeMismatch" }],
    // RAW
    ["RAW base64", field("binary", "RAW(16)"), base64Of16, base64Of16],
    ["RAW unpadded", field("binary", "RAW(2)"), "AP8", "AP8="],
    ["RAW URL-safe", field("binary", "RAW(3)"), "-_-_", "+/+/"],
    ["RAW with white space", field("binary", "RAW(3)"), "+/+/\n", "+/+/"],
    ["RAW bytes", field("binary", "BLOB"), new Uint8Array([1, 2, 3]), "AQID"],
    ["RAW not base64", field("binary", "RAW(16)"), "not*base64", { issue: "InvalidBinary" }],
    ["RAW bad length", field("binary", "RAW(16)"), "A", { issue: "InvalidBinary" }],
    ["RAW too long", field("binary", "RAW(2)"), "AQID", { issue: "InvalidBinary" }],
    ["RAW number", field("binary", "RAW(2)"), 12, { issue: "TypeMismatch" }],
    // JSON
    ["JSON text", field("json", "JSON"), '{"a":[1,2]}', { a: [1, 2] }],
    ["JSON object", field("json", "JSON"), { a: 1 }, { a: 1 }],
    ["JSON invalid", field("json", "CLOB"), "{a:", { issue: "InvalidJson" }]
  ]
  for (const [name, type, input, expected] of cases) {
    it(`${name}: ${String(input instanceof Date ? "Date" : JSON.stringify(input, (_k, v) => (typeof v === "bigint" ? `${v}n` : v)))}`, () => {
      assert.deepStrictEqual(outcome(coerceTypeStep(type)(input)), expected)
    })
  }

  it('keeps "" for text columns when emptyStringIsNull is false (sources where "" is a value)', () => {
    const step = coerceTypeStep(field("string", "VARCHAR2(5)"), { emptyStringIsNull: false })
    assert.strictEqual(step(""), "")
    assert.strictEqual(step(null), null)
    assert.strictEqual(coerceTypeStep(field("decimal"), { emptyStringIsNull: false })(""), null)
    assert.strictEqual(coerceTypeStep(field("string", "CHAR(3)"), { emptyStringIsNull: false })("   "), "")
  })

  it('undeclared fields: only "" and missing become null', () => {
    const step = coerceTypeStep(untypedField("extra"))
    assert.strictEqual(step(""), null)
    assert.strictEqual(step(undefined), null)
    assert.deepStrictEqual(step({ a: 1 }), { a: 1 })
    assert.strictEqual(step(" X "), " X ")
  })

  it("on a record: declared fields first (missing -> null), undeclared kept, issues per field", () => {
    const fields = [
      column("part_no", "string", "VARCHAR2(20)"),
      column("uom", "string", "CHAR(3)"),
      column("active", "boolean")
    ].map(fieldType)
    const result = coerceType(fields)({ extra: "", uom: "EA ", active: "maybe", part_no: "P1" })
    assert.deepStrictEqual(result.record, { part_no: "P1", uom: "EA", active: "maybe", extra: null })
    assert.deepStrictEqual(
      result.issues.map((i) => [i.field, i.step, i.reason, i.value]),
      [["active", "coerceType", "InvalidBoolean", "maybe"]]
    )
    assert.deepStrictEqual(Object.keys(result.record), ["part_no", "uom", "active", "extra"])
  })
})
