/**
 * The run history's filters (connector, entity, status), kept in the page's query string so a
 * filtered history can be bookmarked or shared, and turned into the `GET /runs` query.
 */
import type { RunStatus } from "../api/apiTypes.ts"

/** The statuses a run can have, in the order the status filter offers them. */
export const runStatuses: ReadonlyArray<RunStatus> = ["running", "succeeded", "failed", "cancelled", "abandoned"]

/** The filters; an absent one does not filter. */
export interface RunFilters {
  readonly connector?: string
  readonly entity?: string
  readonly status?: RunStatus
}

const isStatus = (value: string): value is RunStatus => (runStatuses as ReadonlyArray<string>).includes(value)

/** The filters a query string (`?connector=erp&status=failed`) names; unknown values are ignored. */
export const filtersFromSearch = (search: string): RunFilters => {
  const params = new URLSearchParams(search)
  const connector = params.get("connector")?.trim() ?? ""
  const entity = params.get("entity")?.trim() ?? ""
  const status = params.get("status") ?? ""
  return {
    ...(connector === "" ? {} : { connector }),
    ...(entity === "" ? {} : { entity }),
    ...(isStatus(status) ? { status } : {})
  }
}

/** The query string of `filters` (empty, or starting with `?`), in a stable order. */
export const searchOfFilters = (filters: RunFilters): string => {
  const params = new URLSearchParams()
  if (filters.connector !== undefined) params.set("connector", filters.connector)
  if (filters.entity !== undefined) params.set("entity", filters.entity)
  if (filters.status !== undefined) params.set("status", filters.status)
  const text = params.toString()
  return text === "" ? "" : `?${text}`
}

/** The `GET /runs` query of `filters` and a page size. */
export const runsQuery = (filters: RunFilters, limit: number) => ({ ...filters, limit })
