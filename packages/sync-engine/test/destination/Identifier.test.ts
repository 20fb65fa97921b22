/**
 * The identifier rule for names from a source's metadata: validation, quoting and normalisation.
 */
import { assert, describe, it } from "@effect/vitest"
import { Result } from "effect"
import * as Identifier from "../../src/destination/Identifier.ts"

const hostile = [
  'x"; drop table y; --',
  'a"b',
  "item number",
  "Ärger",
  "日本",
  "UPPER",
  "1st",
  "",
  "x".repeat(64),
  "semi;colon",
  "new\nline",
  "nul\u0000byte",
  "dot.ted",
  "back\\slash"
]

describe("Identifier", () => {
  it("accepts lowercase ASCII names, reserved words included, up to 63 characters", () => {
    for (const name of ["items", "order", "select", "user", "_private", "a1_b2", "x".repeat(63)]) {
      assert.deepStrictEqual(Identifier.validateResult("column", name), Result.succeed(name))
    }
  })

  it("rejects everything else with a typed error naming the reason", () => {
    for (const name of hostile) {
      const result = Identifier.validateResult("table", name)
      assert.isTrue(Result.isFailure(result), name)
      if (Result.isFailure(result)) {
        assert.strictEqual(result.failure._tag, "InvalidIdentifier")
        assert.strictEqual(result.failure.name, name)
        assert.strictEqual(result.failure.kind, "table")
      }
    }
    assert.isTrue(Result.isFailure(Identifier.validateResult("column", "xmin")))
    assert.isTrue(Result.isFailure(Identifier.validateResult("table", "pg_items")))
    assert.isTrue(Result.isSuccess(Identifier.validateResult("column", "pg_items")))
  })

  it("quotes by doubling double quotes", () => {
    assert.strictEqual(Identifier.quote("items"), '"items"')
    assert.strictEqual(Identifier.quote('x"; drop table y; --'), '"x""; drop table y; --"')
    assert.strictEqual(Identifier.qualified("public", "items"), '"public"."items"')
  })

  it("normalises source names into valid ones, or says why it cannot", () => {
    const cases: ReadonlyArray<readonly [string, string]> = [
      ["PART_NO", "part_no"],
      ["Item Number", "item_number"],
      ["Ärger-Größe", "arger_gro_e"],
      ['x"; drop table y; --', "x_drop_table_y"],
      ["1st line", "_1st_line"],
      ["  trimmed  ", "trimmed"],
      ["xmin", "xmin_"],
      ["a".repeat(80), "a".repeat(63)]
    ]
    for (const [name, expected] of cases) {
      assert.deepStrictEqual(Identifier.normalize("column", name), Result.succeed(expected), name)
    }
    assert.deepStrictEqual(Identifier.normalize("table", "pg_stat"), Result.succeed("_pg_stat"))
    for (const name of ["", "!!!", "日本"]) {
      assert.isTrue(Result.isFailure(Identifier.normalize("column", name)), name)
    }
  })
})
