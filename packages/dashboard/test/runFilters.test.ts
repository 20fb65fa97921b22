/** The run history's filters round-trip through the query string and become the API's query. */
import { describe, expect, it } from "vitest"
import { filtersFromSearch, runsQuery, searchOfFilters } from "../src/runs/runFilters.ts"

describe("run filters", () => {
  it("reads the filters a query string names, ignoring blanks and unknown statuses", () => {
    expect(filtersFromSearch("?connector=erp&entity=items&status=failed")).toEqual({
      connector: "erp",
      entity: "items",
      status: "failed"
    })
    expect(filtersFromSearch("?connector=%20&status=exploded")).toEqual({})
    expect(filtersFromSearch("")).toEqual({})
  })

  it("writes them back in a stable order and makes the API query", () => {
    const filters = { status: "running", connector: "erp" } as const
    expect(searchOfFilters(filters)).toBe("?connector=erp&status=running")
    expect(filtersFromSearch(searchOfFilters(filters))).toEqual(filters)
    expect(searchOfFilters({})).toBe("")
    expect(runsQuery(filters, 50)).toEqual({ connector: "erp", status: "running", limit: 50 })
  })
})
