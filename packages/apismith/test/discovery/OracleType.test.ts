import { assert, describe, it } from "@effect/vitest"
import { Schema } from "effect"
import { OracleTypeFromString, parseOracleType, toColumnType } from "../../src/discovery/OracleType.ts"

const columnType = (text: string) => {
  const parsed = parseOracleType(text)
  if (parsed._tag === "Error") throw new Error(parsed.message)
  return toColumnType(parsed.type)
}

describe("OracleType", () => {
  it("maps the Oracle types APISmith describes to column types with length, precision and scale", () => {
    assert.deepStrictEqual(columnType("VARCHAR2(50)"), { type: "string", length: 50 })
    assert.deepStrictEqual(columnType("varchar2( 50 char )"), { type: "string", length: 50 })
    assert.deepStrictEqual(columnType("NVARCHAR2(10)"), { type: "string", length: 10 })
    assert.deepStrictEqual(columnType("CHAR(3)"), { type: "string", length: 3 })
    assert.deepStrictEqual(columnType("CHAR"), { type: "string", length: 1 })
    assert.deepStrictEqual(columnType("CLOB"), { type: "string" })
    assert.deepStrictEqual(columnType("NUMBER(12,2)"), { type: "decimal", precision: 12, scale: 2 })
    assert.deepStrictEqual(columnType("NUMBER(12)"), { type: "integer", precision: 12, scale: 0 })
    assert.deepStrictEqual(columnType("NUMBER(6,0)"), { type: "integer", precision: 6, scale: 0 })
    assert.deepStrictEqual(columnType("NUMBER(*,0)"), { type: "integer", precision: 38, scale: 0 })
    assert.deepStrictEqual(columnType("NUMBER(5,-2)"), { type: "integer", precision: 7, scale: 0 })
    assert.deepStrictEqual(columnType("INTEGER"), { type: "integer", precision: 38, scale: 0 })
    assert.deepStrictEqual(columnType("NUMBER"), { type: "decimal" })
    assert.deepStrictEqual(columnType("FLOAT(126)"), { type: "decimal" })
    assert.deepStrictEqual(columnType("BINARY_DOUBLE"), { type: "decimal" })
    assert.deepStrictEqual(columnType("DATE"), { type: "timestamp", precision: 0 })
    assert.deepStrictEqual(columnType("TIMESTAMP"), { type: "timestamp", precision: 6 })
    assert.deepStrictEqual(columnType("TIMESTAMP(3)"), { type: "timestamp", precision: 3 })
    assert.deepStrictEqual(columnType("TIMESTAMP WITH TIME ZONE"), { type: "timestamp", precision: 6 })
    assert.deepStrictEqual(columnType("TIMESTAMP(9) WITH LOCAL TIME ZONE"), { type: "timestamp", precision: 9 })
    assert.deepStrictEqual(columnType("RAW(16)"), { type: "binary", length: 16 })
    assert.deepStrictEqual(columnType("BLOB"), { type: "binary" })
    assert.deepStrictEqual(columnType("BOOLEAN"), { type: "boolean" })
    assert.deepStrictEqual(columnType("JSON"), { type: "json" })
    assert.deepStrictEqual(columnType("INTERVAL DAY(2) TO SECOND(6)"), { type: "string" })
  })

  it("keeps the time-zone kind of a timestamp and the text as given", () => {
    const parsed = parseOracleType("timestamp(3) with time zone")
    assert.deepStrictEqual(parsed, {
      _tag: "Ok",
      type: { name: "TIMESTAMP", text: "timestamp(3) with time zone", precision: 3, timeZone: "zone" }
    })
  })

  it("says what is wrong with a type it cannot read", () => {
    const message = (text: string) => {
      const parsed = parseOracleType(text)
      return parsed._tag === "Error" ? parsed.message : "parsed"
    }
    assert.strictEqual(message("VARCHAR2"), "VARCHAR2 needs a length, e.g. VARCHAR2(50)")
    assert.strictEqual(message("VARCHAR2(0)"), "VARCHAR2 length must be between 1 and 32767, got 0")
    assert.strictEqual(message("NUMBER(39,2)"), "NUMBER precision must be between 1 and 38, got 39")
    assert.strictEqual(message("RAW"), "RAW needs a length, e.g. RAW(16)")
    assert.strictEqual(message("VARCHAR9(50)"), 'unknown Oracle data type "VARCHAR9(50)"')
    assert.strictEqual(message(""), "the data type is empty")
  })

  it("decodes a data_type string with Schema, failing with the parser's message", () => {
    const decode = Schema.decodeUnknownResult(OracleTypeFromString)
    const ok = decode("NUMBER(12,2)")
    assert.isTrue(ok._tag === "Success" && ok.success.precision === 12 && ok.success.scale === 2)
    const bad = decode("NUMBR(12)")
    assert.isTrue(bad._tag === "Failure")
    if (bad._tag === "Failure") assert.include(bad.failure.message, 'unknown Oracle data type "NUMBR(12)"')
    assert.strictEqual(Schema.encodeSync(OracleTypeFromString)({ name: "DATE", text: "date" }), "date")
  })
})
