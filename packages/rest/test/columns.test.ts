/**
 * Column types inferred from sampled records (what `sources check` shows before a first sync), and
 * the incremental parameter written in each format a document can ask for.
 */
import { assert, describe, it } from "@effect/vitest"
import { sampleColumns } from "../src/check/sampleColumns.ts"
import { sinceValue } from "../src/compile/sinceValue.ts"

describe("inferred columns", () => {
  it("types each field from its values, widening mixed ones; missing or null fields are nullable", () => {
    const columns = sampleColumns(
      [
        { id: 1, price: 3, on: true, day: "2024-01-02", at: "2024-01-02T03:04:05Z", tags: ["a"], note: "x", mixed: 1 },
        {
          id: 2,
          price: 3.5,
          on: false,
          day: "2024-02-03",
          at: "2024-02-03T00:00:00.5+01:00",
          tags: [],
          note: null,
          mixed: "y"
        },
        { id: 3, price: 4, on: true, day: "2024-03-04", at: "2024-03-04", tags: [] }
      ],
      ["id"]
    )
    assert.deepStrictEqual(
      columns.map((c) => [c.name, c.type, c.nullable, c.businessKey]),
      [
        ["id", "integer", false, true],
        ["price", "decimal", false, false],
        ["on", "boolean", false, false],
        ["day", "date", false, false],
        ["at", "timestamp", false, false],
        ["tags", "json", false, false],
        ["note", "string", true, false],
        ["mixed", "string", true, false]
      ]
    )
  })
})

describe("incremental parameter formats", () => {
  const spec = (format: "raw" | "iso8601" | "date" | "unix-seconds" | "unix-millis") => ({
    cursorField: "updated_at",
    param: "since",
    format
  })
  it("writes the saved cursor value as the document says", () => {
    const at = "2025-06-01T12:30:00Z"
    assert.deepStrictEqual(sinceValue(spec("raw"), at), { value: at })
    assert.deepStrictEqual(sinceValue(spec("iso8601"), "2025-06-01T14:30:00+02:00"), { value: at })
    assert.deepStrictEqual(sinceValue(spec("date"), at), { value: "2025-06-01" })
    assert.deepStrictEqual(sinceValue(spec("unix-seconds"), at), { value: "1748781000" })
    assert.deepStrictEqual(sinceValue(spec("unix-millis"), at), { value: "1748781000000" })
    // A numeric cursor (Unix seconds) converts too.
    assert.deepStrictEqual(sinceValue(spec("iso8601"), "1748781000"), { value: at })
    assert.isTrue("error" in sinceValue(spec("date"), "not a time"))
  })
})
