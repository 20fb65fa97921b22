/**
 * The check of rows against the columns their table has: a value the column's existing type cannot
 * store (text in a numeric column, too many integer digits for numeric(p,s)) is reported with its
 * column and the reason; values that fit, nulls and columns not checked pass.
 */
import { assert, describe, it } from "@effect/vitest"
import { rowCheckFor } from "../../src/destination/StorableValues.ts"
import type { IngestRow } from "../../src/destination/TableDestination.ts"
import { makeTablePlan } from "../../src/destination/TablePlan.ts"

const plan = makeTablePlan("public", "items", [
  { name: "part_no", typname: "text", type: "text" },
  { name: "weight_kg", typname: "numeric", type: "numeric" },
  { name: "price", typname: "numeric", type: "numeric(6,2)" },
  { name: "qty", typname: "int8", type: "bigint" },
  { name: "active", typname: "bool", type: "boolean" },
  { name: "_bk_hash", typname: "text", type: "text" }
])

const row = (values: Record<string, unknown>): IngestRow => ({ _bk_hash: "k", _data_hash: "d", ...values })

describe("rowCheckFor", () => {
  it("reports the first value a column cannot store, with the column's type and the reason", () => {
    const check = rowCheckFor(plan, undefined)
    assert.isUndefined(check(row({ part_no: "P-1", weight_kg: "12.5", price: "9999.99", qty: "40", active: true })))
    assert.isUndefined(check(row({ weight_kg: null, price: undefined, qty: null })))
    assert.deepInclude(check(row({ weight_kg: "N/A" })), { column: "weight_kg", columnType: "numeric" })
    assert.include(check(row({ weight_kg: "N/A" }))?.detail, '"N/A"')
    assert.deepInclude(check(row({ qty: "1.5" })), { column: "qty", columnType: "bigint" })
    assert.deepInclude(check(row({ active: "Y" })), { column: "active" })
  })

  it("refuses more integer digits than numeric(p,s) holds, and accepts more fraction digits (rounded)", () => {
    const check = rowCheckFor(plan, ["price"])
    assert.isUndefined(check(row({ price: "1234.5678" })))
    assert.isUndefined(check(row({ price: "-0001234.5" })))
    assert.isUndefined(check(row({ price: 1234.5 })))
    assert.deepInclude(check(row({ price: "12345.6" })), { column: "price", columnType: "numeric(6,2)" })
    assert.deepInclude(check(row({ price: "1.5E4" })), { column: "price" })
    assert.isUndefined(check(row({ price: "1.5E3" })))
    // An unbounded numeric takes any number of digits.
    assert.isUndefined(rowCheckFor(plan, ["weight_kg"])(row({ weight_kg: "123456789012345678901234567890" })))
  })

  it("checks only the named columns, and skips names the table does not have", () => {
    const check = rowCheckFor(plan, ["weight_kg", "no_such_column"])
    assert.isUndefined(check(row({ qty: "not a number", no_such_column: "x" })))
    assert.deepInclude(check(row({ weight_kg: "TBD" })), { column: "weight_kg" })
  })
})
