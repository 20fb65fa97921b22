/**
 * The runs chart's points: ended runs with a duration only, oldest first, rows/s as records fetched
 * over the duration; the entities to chart in the order first seen.
 */
import { describe, expect, it } from "vitest"
import type { RunView } from "../../src/api/apiTypes.ts"
import { chartEntities, runChartData } from "../../src/runs/runChartData.ts"

const run = (
  id: string,
  startedAt: string,
  durationMs: number | null,
  fetched: number,
  options: { readonly status?: RunView["status"]; readonly entity?: string } = {}
): RunView => ({
  id,
  connectorId: "erp",
  entity: options.entity ?? "items",
  definitionId: null,
  mode: "incremental",
  status: options.status ?? "succeeded",
  live: options.status === "running",
  startedAt,
  finishedAt: durationMs === null ? null : startedAt,
  durationMs,
  counts: {
    fetched,
    normalized: 0,
    validated: 0,
    mapped: 0,
    inserted: 0,
    updated: 0,
    unchanged: 0,
    deleted: 0,
    failed: 0,
    orphaned: 0
  },
  error: null,
  typeMismatches: []
})

describe("the runs chart's data", () => {
  it("plots ended runs with a duration, oldest first, as rows/s and seconds", () => {
    const data = runChartData([
      run("4", "2026-12-07T12:00:00Z", null, 500, { status: "running" }),
      run("3", "2026-12-07T11:00:00Z", 4_000, 10_000),
      run("2", "2026-12-07T10:00:00Z", 0, 0),
      run("1", "2026-12-07T09:00:00Z", 1_500, 1_000, { status: "failed" })
    ])
    expect(data).toEqual({
      times: [Date.parse("2026-12-07T09:00:00Z") / 1000, Date.parse("2026-12-07T11:00:00Z") / 1000],
      rowsPerSecond: [666.7, 2500],
      durationSeconds: [1.5, 4]
    })
  })

  it("lists each entity once, newest first", () => {
    expect(
      chartEntities([
        run("3", "2026-12-07T11:00:00Z", 1, 1, { entity: "orders" }),
        run("2", "2026-12-07T10:00:00Z", 1, 1),
        run("1", "2026-12-07T09:00:00Z", 1, 1, { entity: "orders" })
      ])
    ).toEqual(["erp/orders", "erp/items"])
  })
})
