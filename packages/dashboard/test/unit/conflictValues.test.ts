/**
 * A conflict's versions on the conflicts page: the conflicting fields first, a missing or deleted
 * value shown as such, and a merged record read as the types the sides hold (a bad number named).
 */
import { describe, expect, it } from "vitest"
import { conflictFields, mergedRecord, readInput, showValue } from "../../src/conflicts/conflictValues.ts"

const source = { nickname: "FromPco", age: 40, member: true, last_name: "Ng" }
const table = { nickname: "FromTable", age: 41, member: true, first_name: "Al" }

describe("a conflict's values", () => {
  it("lists the conflicting fields first, then the others any version has", () => {
    expect(conflictFields(["nickname", "age"], [null, source, table])).toEqual([
      "nickname",
      "age",
      "first_name",
      "last_name",
      "member"
    ])
  })

  it("shows a value, null, or — when the version lacks it or was deleted", () => {
    expect(showValue(source, "age")).toBe("40")
    expect(showValue({ nickname: null }, "nickname")).toBe("null")
    expect(showValue(source, "first_name")).toBe("—")
    expect(showValue(null, "nickname")).toBe("—")
  })

  it("reads inputs as the sides' types; empty is null", () => {
    expect(readInput("42", "age", [source, table])).toEqual({ value: 42 })
    expect(readInput("forty", "age", [source, table])).toEqual({ problem: "age: enter a number" })
    expect(readInput("false", "member", [source, table])).toEqual({ value: false })
    expect(readInput("yes", "member", [source, table])).toEqual({ problem: "member: enter true or false" })
    expect(readInput("007", "nickname", [source, table])).toEqual({ value: "007" })
    expect(readInput("  ", "nickname", [source, table])).toEqual({ value: null })
    expect(mergedRecord({ nickname: "Merged", age: "42" }, [source, table])).toEqual({
      record: { nickname: "Merged", age: 42 }
    })
    expect(mergedRecord({ nickname: "Merged", age: "x" }, [source, table])).toEqual({ problem: "age: enter a number" })
  })
})
