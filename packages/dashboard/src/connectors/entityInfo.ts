/**
 * The shapes the connector pages read from the API (from the typed client, so they follow the
 * server's definition): an entity as listed, and a discovery's drift.
 */
import type { Effect } from "effect"
import type { ApiClient } from "../api/ApiClient.ts"

/** The requests whose answers these types are. */
const listEntities = (client: ApiClient, connectorId: string) => client.entities.list({ params: { connectorId } })
const discover = (client: ApiClient, connectorId: string) => client.connectors.discover({ params: { connectorId } })

/** An entity as `GET .../entities` lists it. */
export type EntityInfo = Effect.Success<ReturnType<typeof listEntities>>[number]

/** How an entity's source schema changed at the latest discovery. */
export type DiscoveryDrift = Effect.Success<ReturnType<typeof discover>>[number]["drift"]

/** A short, readable summary of a drift (`2 new columns, 1 retyped`). */
export const driftSummary = (drift: DiscoveryDrift): string => {
  if (drift.status !== "drifted") return drift.status
  const parts = [
    drift.addedColumns.length > 0
      ? `${drift.addedColumns.length} new column${drift.addedColumns.length > 1 ? "s" : ""}`
      : "",
    drift.removedColumns.length > 0 ? `${drift.removedColumns.length} gone` : "",
    drift.retypedColumns.length > 0 ? `${drift.retypedColumns.length} retyped` : "",
    drift.keyChanged ? "key changed" : ""
  ].filter((part) => part !== "")
  return `drifted: ${parts.join(", ")}`
}

/** A schedule in words: `every 15 min`, `cron 0 * * * * (UTC)`. */
export const scheduleSummary = (settings: { readonly intervalSeconds: number; readonly cron: string | null }) => {
  if (settings.cron !== null) return `cron ${settings.cron} (UTC)`
  const seconds = settings.intervalSeconds
  if (seconds % 86_400 === 0) return `every ${seconds / 86_400} d`
  if (seconds % 3600 === 0) return `every ${seconds / 3600} h`
  if (seconds % 60 === 0) return `every ${seconds / 60} min`
  return `every ${seconds} s`
}
