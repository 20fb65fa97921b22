/**
 * The failed-records and pending-children filters: read from the address, written back to it in a
 * stable order, and turned into the API's filter (empty fields and unknown stages are no filter).
 */
import { describe, expect, it } from "vitest"
import {
  bulkSummary,
  failedApiFilter,
  filtersSearch,
  hasFilter,
  pendingApiFilter,
  readFailedFilters,
  readPendingFilters
} from "../../src/failed/failedFilters.ts"

describe("failedFilters", () => {
  it("reads the address's filters; an unknown stage is no filter", () => {
    expect(readFailedFilters("?connector=erp&stage=ingest&reason=UnstorableValue")).toEqual({
      connectorId: "erp",
      entity: "",
      stage: "ingest",
      errorType: "UnstorableValue"
    })
    expect(readFailedFilters("?stage=landing").stage).toBe("")
    expect(readPendingFilters("parent=orders&entity=order_lines")).toEqual({
      connectorId: "",
      entity: "order_lines",
      parentEntity: "orders"
    })
  })

  it("writes filters back to the address and round-trips them", () => {
    const filters = { connectorId: "erp", entity: " items ", stage: "", errorType: "Bad Value" }
    const search = filtersSearch(filters)
    expect(search).toBe("connector=erp&entity=items&reason=Bad+Value")
    expect(readFailedFilters(search)).toEqual({ ...filters, entity: "items" })
    expect(filtersSearch({ connectorId: "", entity: "", parentEntity: "" })).toBe("")
  })

  it("turns filters into the API's, leaving out what is empty", () => {
    expect(failedApiFilter({ connectorId: "erp", entity: "", stage: "normalize", errorType: "" })).toEqual({
      connectorId: "erp",
      stage: "normalize"
    })
    expect(failedApiFilter({ connectorId: "", entity: "", stage: "nope", errorType: "" })).toEqual({})
    expect(pendingApiFilter({ connectorId: "", entity: "orders", parentEntity: "customers" })).toEqual({
      entity: "orders",
      parentEntity: "customers"
    })
    expect(hasFilter({ connectorId: "", entity: " ", parentEntity: "" })).toBe(false)
    expect(hasFilter({ connectorId: "erp", entity: "", parentEntity: "" })).toBe(true)
  })

  it("says what a bulk action did", () => {
    expect(bulkSummary("Retried", { matched: 3, resolved: 2, stillWaiting: 1, stale: 0, skipped: 0, more: true })).toBe(
      "Retried 3: 2 written, 1 still failing. More match: run it again for the next ones."
    )
    expect(bulkSummary("Discarded", { matched: 2, discarded: 2, more: false })).toBe("Discarded 2: 2 discarded.")
    // Pending children: those made due now beyond the written and the still waiting.
    expect(
      bulkSummary(
        "Retried",
        { matched: 14, requeued: 14, resolved: 2, stillWaiting: 0, more: false },
        "still waiting for their parent"
      )
    ).toBe("Retried 14: 2 written, 12 due now (written by the next retry pass).")
    expect(
      bulkSummary(
        "Retried",
        { matched: 3, requeued: 3, resolved: 0, stillWaiting: 3, more: false },
        "still waiting for their parent"
      )
    ).toBe("Retried 3: 0 written, 3 still waiting for their parent.")
  })
})
