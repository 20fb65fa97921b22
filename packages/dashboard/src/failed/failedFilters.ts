/**
 * The filters of the failed-records and pending-children lists: read from and written to the page's
 * query string (so a filtered list can be bookmarked and shared), and turned into the API's query
 * and bulk-action filter. Empty fields are no filter.
 */

/** The pipeline stages a record can fail in (the API's `stage`). */
export const stages = [
  "fetch",
  "normalize",
  "validate",
  "map",
  "identity",
  "delta",
  "resolve",
  "ingest",
  "track"
] as const

/** A pipeline stage. */
export type Stage = (typeof stages)[number]

/** The failed records' filters, as the page's inputs hold them. */
export interface FailedFilters {
  readonly connectorId: string
  readonly entity: string
  readonly stage: string
  /** The reason: the error type, e.g. `UnstorableValue`. */
  readonly errorType: string
}

/** The pending children's filters. */
export interface PendingFilters {
  readonly connectorId: string
  readonly entity: string
  readonly parentEntity: string
}

const isStage = (value: string): value is Stage => stages.some((stage) => stage === value)

const param = (params: URLSearchParams, name: string) => params.get(name)?.trim() ?? ""

/** The failed-record filters a query string holds (an unknown stage is no filter). */
export const readFailedFilters = (search: string): FailedFilters => {
  const params = new URLSearchParams(search)
  const stage = param(params, "stage")
  return {
    connectorId: param(params, "connector"),
    entity: param(params, "entity"),
    stage: isStage(stage) ? stage : "",
    errorType: param(params, "reason")
  }
}

/** The pending-children filters a query string holds. */
export const readPendingFilters = (search: string): PendingFilters => {
  const params = new URLSearchParams(search)
  return {
    connectorId: param(params, "connector"),
    entity: param(params, "entity"),
    parentEntity: param(params, "parent")
  }
}

/** The query string of filters (without `?`; empty filters left out, in a stable order). */
export const filtersSearch = (filters: FailedFilters | PendingFilters): string => {
  const names: Record<string, string> = {
    connectorId: "connector",
    entity: "entity",
    stage: "stage",
    errorType: "reason",
    parentEntity: "parent"
  }
  const params = new URLSearchParams()
  for (const [key, value] of Object.entries(filters)) {
    const name = names[key]
    if (name !== undefined && typeof value === "string" && value.trim() !== "") params.set(name, value.trim())
  }
  return params.toString()
}

/** The failed-record filter as the API takes it (`GET /failed-records`, bulk `filter`). */
export const failedApiFilter = (filters: FailedFilters) => ({
  ...(filters.connectorId === "" ? {} : { connectorId: filters.connectorId }),
  ...(filters.entity === "" ? {} : { entity: filters.entity }),
  ...(isStage(filters.stage) ? { stage: filters.stage } : {}),
  ...(filters.errorType === "" ? {} : { errorType: filters.errorType })
})

/** The pending-children filter as the API takes it. */
export const pendingApiFilter = (filters: PendingFilters) => ({
  ...(filters.connectorId === "" ? {} : { connectorId: filters.connectorId }),
  ...(filters.entity === "" ? {} : { entity: filters.entity }),
  ...(filters.parentEntity === "" ? {} : { parentEntity: filters.parentEntity })
})

/** Whether any filter is set (a bulk action on everything asks to confirm first). */
export const hasFilter = (filters: FailedFilters | PendingFilters): boolean =>
  Object.values(filters).some((value) => typeof value === "string" && value.trim() !== "")

/** A bulk action's outcome in words. */
export const bulkSummary = (
  verb: "Retried" | "Discarded",
  outcome: {
    readonly matched: number
    readonly resolved?: number
    readonly stillWaiting?: number
    readonly requeued?: number
    readonly stale?: number
    readonly skipped?: number
    readonly discarded?: number
    readonly more: boolean
  },
  /** What the records still open are: failed records fail again, pending children wait for their parent. */
  stillOpen = "still failing"
): string => {
  const parts =
    verb === "Discarded"
      ? [`${outcome.discarded ?? 0} discarded`]
      : [
          `${outcome.resolved ?? 0} written`,
          (outcome.stillWaiting ?? 0) > 0 ? `${outcome.stillWaiting} ${stillOpen}` : "",
          (outcome.requeued ?? 0) > (outcome.resolved ?? 0) + (outcome.stillWaiting ?? 0)
            ? `${(outcome.requeued ?? 0) - (outcome.resolved ?? 0) - (outcome.stillWaiting ?? 0)} due now (written by the next retry pass)`
            : "",
          (outcome.stale ?? 0) > 0 ? `${outcome.stale} stale (a newer row is in the table)` : "",
          (outcome.skipped ?? 0) > 0 ? `${outcome.skipped} skipped` : ""
        ].filter((part) => part !== "")
  const more = outcome.more ? " More match: run it again for the next ones." : ""
  return `${verb} ${outcome.matched}: ${parts.join(", ")}.${more}`
}
