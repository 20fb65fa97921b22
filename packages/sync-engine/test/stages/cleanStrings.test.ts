import { assert, describe, it } from "@effect/vitest"
import { Schema } from "effect"
import { cleanString, cleanStrings, cleanStringsStep } from "../../src/stages/normalize/cleanStrings.ts"
import { fieldType, untypedField } from "../../src/stages/normalize/FieldType.ts"
import { column, field } from "./fixtures.ts"

describe("cleanStrings (layer 2)", () => {
  const cases: ReadonlyArray<readonly [string, string, string]> = [
    ["padded", "PART-1   ", "PART-1"],
    ["leading and trailing spaces", "  PART-1 ", "PART-1"],
    ["tabs and CRLF around", "\tPART-1\r\n", "PART-1"],
    ["CRLF inside -> LF", "line 1\r\nline 2", "line 1\nline 2"],
    ["lone CR inside -> LF", "line 1\rline 2", "line 1\nline 2"],
    ["CR CR LF -> LF LF", "a\r\r\nb", "a\n\nb"],
    ["LF inside kept", "line 1\nline 2", "line 1\nline 2"],
    ["TAB inside kept", "a\tb", "a\tb"],
    ["NUL stripped", "PART-1\u0000", "PART-1"],
    ["BEL inside stripped", "Hex \u0007bolt", "Hex bolt"],
    ["BOM and C1 NEL stripped", "\uFEFFWidget\u0085\n", "Widget"],
    ["ESC, DEL, C1 stripped", "a\u001Bb\u007Fc\u0090d", "abcd"],
    ["vertical tab and form feed stripped", "a\u000Bb\u000Cc", "abc"],
    ["NBSP trimmed at the edges", "\u00A0x\u00A0", "x"],
    [
      "CLOB with trailing blank lines",
      "Deliver to dock 4.\r\nCall ahead.\r\n\r\n  ",
      "Deliver to dock 4.\nCall ahead."
    ],
    ["only white space -> empty (not null)", " \t\r\n ", ""],
    ["unicode untouched", "Müller Ø10 – 東京 👍🏽", "Müller Ø10 – 東京 👍🏽"],
    ["zero-width joiner kept", "👩\u200D💻", "👩\u200D💻"],
    ["clean text is the same string", "Hex bolt M8", "Hex bolt M8"]
  ]
  for (const [name, input, expected] of cases) {
    it(`${name}: ${JSON.stringify(input)}`, () => {
      assert.strictEqual(cleanString(input), expected)
    })
  }

  it("options: keep line endings, keep control characters, no trim", () => {
    assert.strictEqual(cleanString("a\r\nb\u0007", { lineEndings: "keep" }), "a\r\nb")
    assert.strictEqual(cleanString(" a\r\nb\u0007 ", { controlCharacters: "keep" }), "a\nb\u0007")
    assert.strictEqual(cleanString(" a ", { trim: false }), " a ")
    assert.strictEqual(cleanString(" a\u0000 ", { trim: false }), " a ")
  })

  it("applies to text values of every column but json and binary", () => {
    assert.strictEqual(cleanStringsStep(field("decimal"))?.(" 42 "), "42")
    assert.strictEqual(cleanStringsStep(field("json")), undefined)
    assert.strictEqual(cleanStringsStep(field("binary")), undefined)
    assert.strictEqual(cleanStringsStep(field("string"))?.(42), 42)
  })

  it('blank text is null in nullable text fields where "" means null; "" where it is a value or the column is NOT NULL', () => {
    for (const blank of ["   ", "\t", " \r\n ", "\u0000", "\uFEFF\u00A0"]) {
      assert.strictEqual(cleanStringsStep(field("string", "VARCHAR2(10)"))?.(blank), null, JSON.stringify(blank))
      assert.strictEqual(cleanStringsStep(field("string", "CLOB"))?.(blank), null, JSON.stringify(blank))
      assert.strictEqual(cleanStringsStep(untypedField("extra"))?.(blank), null, JSON.stringify(blank))
      assert.strictEqual(cleanStringsStep(field("string", "VARCHAR2(10)", { nullable: false }))?.(blank), "")
      assert.strictEqual(
        cleanStringsStep(field("string", "VARCHAR2(10)"), {}, { emptyStringIsNull: false })?.(blank),
        ""
      )
      assert.strictEqual(cleanStringsStep(untypedField("extra"), {}, { emptyStringIsNull: false })?.(blank), "")
      // numbers and dates read blank text as null in their own layers
      assert.strictEqual(cleanStringsStep(field("decimal"))?.(blank), "")
    }
    // with trim off, spaces are kept (not empty after cleanup); control characters alone still clean to null
    assert.strictEqual(cleanStringsStep(field("string"), { trim: false })?.("   "), "   ")
    assert.strictEqual(cleanStringsStep(field("string"), { trim: false })?.("\u0007"), null)
    assert.strictEqual(cleanStringsStep(field("string"))?.(" a "), "a")
  })

  it("on a record", () => {
    const layer = cleanStrings([column("a", "string"), column("b", "json")].map(fieldType))
    const { record, issues } = layer({ a: " x ", b: " y ", c: "\tz\r\n" })
    assert.deepStrictEqual(record, { a: "x", b: " y ", c: "z" })
    assert.strictEqual(issues.length, 0)
  })

  it.prop(
    "is idempotent and leaves no control characters but TAB/LF and no edge white space",
    [Schema.String],
    ([s]) => {
      const once = cleanString(s)
      assert.strictEqual(cleanString(once), once)
      assert.strictEqual(once, once.trim())
      for (const ch of once) {
        const c = ch.charCodeAt(0)
        assert.isFalse((c < 0x20 && c !== 0x09 && c !== 0x0a) || (c >= 0x7f && c <= 0x9f) || c === 0xfeff)
      }
    }
  )
})
