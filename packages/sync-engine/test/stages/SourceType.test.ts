import { assert, describe, it } from "@effect/vitest"
import { Schema } from "effect"
import { civilFromDays, daysFromCivil, formatTimestamp, zoneOffset } from "../../src/stages/normalize/CivilTime.ts"
import { formatDecimal, numberDigits, roundDigits } from "../../src/stages/normalize/Decimal.ts"
import { parseSourceType } from "../../src/stages/normalize/SourceType.ts"

describe("source types, calendar and decimal helpers", () => {
  it("parses Oracle source types", () => {
    const cases: ReadonlyArray<
      readonly [string | undefined, string, (number | undefined)?, (number | undefined)?, (number | undefined)?]
    > = [
      ["VARCHAR2(50)", "text", 50],
      ["varchar2( 50 char )", "text", 50],
      ["NVARCHAR2(10 BYTE)", "text", 10],
      ["CHAR(3)", "char", 3],
      ["CHAR", "char", 1],
      ["NCHAR(2)", "char", 2],
      ["CLOB", "clob"],
      ["NUMBER", "number", undefined, undefined, undefined],
      ["NUMBER(12,2)", "number", undefined, 12, 2],
      ["NUMBER(10)", "number", undefined, 10, 0],
      ["NUMBER(*,0)", "number", undefined, undefined, 0],
      ["INTEGER", "number", undefined, undefined, 0],
      ["FLOAT(126)", "float", undefined, undefined],
      ["BINARY_DOUBLE", "float"],
      ["DATE", "date"],
      ["TIMESTAMP", "timestamp"],
      ["TIMESTAMP(6)", "timestamp"],
      ["TIMESTAMP(3) WITH TIME ZONE", "timestampTz"],
      ["TIMESTAMP WITH LOCAL TIME ZONE", "timestampLtz"],
      ["RAW(16)", "raw", 16],
      ["LONG RAW", "raw"],
      ["BLOB", "blob"],
      ["ROWID", "text"],
      ["BOOLEAN", "boolean"],
      ["JSON", "json"],
      ["XMLTYPE", "unknown"],
      [undefined, "unknown"]
    ]
    for (const [text, family, length, precision, scale] of cases) {
      const t = parseSourceType(text)
      assert.strictEqual(t.family, family, String(text))
      if (length !== undefined) assert.strictEqual(t.length, length, String(text))
      assert.strictEqual(t.precision, precision, String(text))
      if (scale !== undefined) assert.strictEqual(t.scale, scale, String(text))
    }
  })

  it.prop(
    "days and dates round-trip over years 1-9999",
    [Schema.Int.check(Schema.isBetween({ minimum: -719_162, maximum: 2_932_896 }))],
    ([days]) => {
      const { year, month, day } = civilFromDays(days)
      assert.strictEqual(daysFromCivil(year, month, day), days)
      assert.strictEqual(formatTimestamp(days * 86_400_000, 0), new Date(days * 86_400_000).toISOString())
    }
  )

  it("formats microseconds only when there are some, and refuses years outside 0001-9999", () => {
    assert.strictEqual(formatTimestamp(0, 0), "1970-01-01T00:00:00.000Z")
    assert.strictEqual(formatTimestamp(1, 5), "1970-01-01T00:00:00.001005Z")
    assert.strictEqual(formatTimestamp(-62_135_596_800_001, 0), undefined)
    assert.strictEqual(formatTimestamp(253_402_300_800_000, 0), undefined)
  })

  it("resolves time zones: UTC, offsets, IANA names; unknown ones are undefined", () => {
    assert.strictEqual(zoneOffset("UTC")?.(0), 0)
    assert.strictEqual(zoneOffset("-05:30")?.(0), -19_800_000)
    assert.strictEqual(zoneOffset("Europe/Stockholm")?.(Date.UTC(2025, 6, 1, 12)), 7_200_000)
    assert.strictEqual(zoneOffset("Europe/Stockholm")?.(Date.UTC(2025, 0, 1, 12)), 3_600_000)
    assert.strictEqual(zoneOffset("Not/AZone"), undefined)
  })

  it.prop(
    "rounding a number's digits matches rounding its exact decimal value",
    [Schema.Int, Schema.Int.check(Schema.isBetween({ minimum: 0, maximum: 6 }))],
    ([n, scale]) => {
      // n / 1000 has at most 3 fraction digits: its rounding half away from zero at `scale` digits
      const exact = formatDecimal(roundDigits(numberDigits(n / 1000), scale))
      const factor = 10 ** Math.min(scale, 3)
      const units = Math.abs(n) * (factor / 1000)
      const rounded = (Math.sign(n) * Math.round(units)) / factor
      assert.strictEqual(Number(exact), rounded === 0 ? 0 : rounded)
    }
  )
})
