/**
 * The overview's rows: each definition matched with its runs (an entity's default definition with
 * the runs that carry no definition id), its source connector's health, its last finished run, the
 * records fetched in the last 24 hours (marked a lower bound when the runs read do not reach back
 * that far), its schedule only while enabled; failing first, then those with failed records.
 */
import { describe, expect, it } from "vitest"
import type { RunView } from "../../src/api/apiTypes.ts"
import { type DefinitionView, overviewRows, scheduleKey } from "../../src/overview/overviewRows.ts"

const now = Date.parse("2026-12-07T12:00:00Z")
const hoursAgo = (hours: number) => new Date(now - hours * 3_600_000).toISOString()

const definition = (
  id: string,
  source: { readonly connectorId: string; readonly entity: string },
  options: {
    readonly isDefault?: boolean
    readonly enabled?: boolean
    readonly schedule?: DefinitionView["schedule"]
  } = {}
): DefinitionView => ({
  id,
  name: id,
  isDefault: options.isDefault ?? true,
  source,
  destination: { kind: "postgres" },
  mapping: null,
  filters: [],
  operation: "upsert",
  matchKey: null,
  direction: "pull",
  bidirectional: null,
  pipeline: [],
  schedule: options.schedule === undefined ? { intervalSeconds: 900 } : options.schedule,
  enabled: options.enabled ?? true,
  createdAt: hoursAgo(100),
  updatedAt: hoursAgo(100)
})

let next = 0
const run = (
  connectorId: string,
  entity: string,
  startedHoursAgo: number,
  options: {
    readonly status?: RunView["status"]
    readonly fetched?: number
    readonly failed?: number
    readonly definitionId?: string
  } = {}
): RunView => ({
  id: String(++next),
  connectorId,
  entity,
  definitionId: options.definitionId ?? null,
  mode: "incremental",
  status: options.status ?? "succeeded",
  live: options.status === "running",
  startedAt: hoursAgo(startedHoursAgo),
  finishedAt: options.status === "running" ? null : hoursAgo(startedHoursAgo - 0.1),
  durationMs: options.status === "running" ? null : 360_000,
  counts: {
    fetched: options.fetched ?? 100,
    normalized: 0,
    validated: 0,
    mapped: 0,
    inserted: 0,
    updated: 0,
    unchanged: 0,
    deleted: 0,
    failed: options.failed ?? 0,
    orphaned: 0
  },
  error: null,
  typeMismatches: []
})

describe("the overview's rows", () => {
  const items = definition("erp:items", { connectorId: "erp", entity: "items" })
  const orders = definition("erp:orders", { connectorId: "erp", entity: "orders" })
  const people = definition("pco:people", { connectorId: "pco", entity: "people" }, { schedule: { cron: "0 * * * *" } })
  const slim = definition("items-slim", { connectorId: "erp", entity: "items" }, { isDefault: false, enabled: false })

  it("matches runs to definitions, sums the last 24 hours, and puts the failing first", () => {
    const runs = [
      run("erp", "items", 1, { status: "running", fetched: 50 }),
      run("erp", "items", 2, { fetched: 300, failed: 4 }),
      run("erp", "items", 1.5, { fetched: 7, definitionId: "items-slim" }),
      run("erp", "orders", 3, { status: "failed", fetched: 10 }),
      run("pco", "people", 5, { fetched: 20 }),
      run("erp", "items", 30, { fetched: 1000 })
    ].sort((a, b) => Date.parse(b.startedAt) - Date.parse(a.startedAt))
    const rows = overviewRows({
      definitions: [people, items, slim, orders],
      runs,
      checks: [{ name: "connector:erp", status: "ok" }],
      now,
      allRuns: true
    })
    expect(rows.map((row) => [row.id, row.attention])).toEqual([
      ["erp:orders", "failing"],
      ["erp:items", "failed-records"],
      ["items-slim", "ok"],
      ["pco:people", "ok"]
    ])
    const [ordersRow, itemsRow, slimRow, peopleRow] = rows
    // The last run is the newest that ended; the running one still counts in the 24 hours.
    expect(itemsRow?.lastRun?.counts.fetched).toBe(300)
    expect(itemsRow?.rowsLast24h).toBe(350)
    expect(slimRow?.rowsLast24h).toBe(7)
    expect(ordersRow?.lastRun?.status).toBe("failed")
    expect(itemsRow?.health).toEqual({ status: "ok", message: undefined })
    expect(peopleRow?.health.status).toBe("unknown")
    // Scheduled only while enabled.
    expect(slimRow?.schedule).toBeNull()
    expect(peopleRow?.schedule).toEqual({ cron: "0 * * * *" })
    expect(rows.every((row) => row.complete)).toBe(true)
  })

  it("a source that is down makes its definitions failing; never-run ones have no last run", () => {
    const rows = overviewRows({
      definitions: [items, people],
      runs: [],
      checks: [{ name: "connector:pco", status: "down", message: "401 from the API" }],
      now,
      allRuns: true
    })
    expect(rows.map((row) => row.id)).toEqual(["pco:people", "erp:items"])
    expect(rows[0]?.health).toEqual({ status: "down", message: "401 from the API" })
    expect(rows[0]?.attention).toBe("failing")
    expect(rows[1]?.lastRun).toBeUndefined()
    expect(rows[1]?.rowsLast24h).toBe(0)
  })

  it("the 24 hours are a lower bound when the runs read end inside them", () => {
    const rows = overviewRows({
      definitions: [items],
      runs: [run("erp", "items", 1), run("erp", "items", 2)],
      checks: [],
      now,
      allRuns: false
    })
    expect(rows[0]?.complete).toBe(false)
    const reaching = overviewRows({
      definitions: [items],
      runs: [run("erp", "items", 1), run("erp", "items", 25)],
      checks: [],
      now,
      allRuns: false
    })
    expect(reaching[0]?.complete).toBe(true)
    expect(reaching[0]?.rowsLast24h).toBe(100)
  })

  it("keys schedules so each distinct one is asked once", () => {
    expect(scheduleKey({ cron: "0 * * * *" })).toBe("cron:0 * * * *")
    expect(scheduleKey({ intervalSeconds: 900 })).toBe("every:900")
  })
})
