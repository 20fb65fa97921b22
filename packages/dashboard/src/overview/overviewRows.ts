/**
 * The overview's rows, worked out from what the API lists: each sync definition (an entity's
 * default one and the user's) with its source connector's health, its last run, the records its
 * runs fetched in the last 24 hours and how it is scheduled; the ones that need attention first.
 */
import type { Effect } from "effect"
import type { ApiClient } from "../api/ApiClient.ts"
import type { RunView } from "../api/apiTypes.ts"

/** A sync definition as `GET /definitions` lists it (and `GET /definitions/{id}` shows it). */
export type DefinitionView = Extract<
  Effect.Success<ReturnType<ApiClient["definitions"]["get"]>>,
  { readonly isDefault: boolean }
>

/** One health check (`GET /health/connectors`): `connector:<id>`, ok or down. */
export interface HealthCheck {
  readonly name: string
  readonly status: "ok" | "down"
  readonly message?: string | undefined
}

/** A connector's health: from its check, or unknown when there is none. */
export interface Health {
  readonly status: "ok" | "down" | "unknown"
  readonly message: string | undefined
}

/** How a definition is doing, worst first: a failed last run or a down source, failed records, fine. */
export type Attention = "failing" | "failed-records" | "ok"

/** A schedule as the next-runs route takes it; `null` when the definition runs only when triggered. */
export type Schedule = { readonly cron: string } | { readonly intervalSeconds: number }

/** One row of the overview's definitions table. */
export interface DefinitionRow {
  readonly id: string
  readonly name: string
  readonly isDefault: boolean
  readonly connectorId: string
  readonly entity: string
  readonly enabled: boolean
  readonly health: Health
  readonly lastRun: RunView | undefined
  /** Records fetched by the runs started in the last 24 hours. */
  readonly rowsLast24h: number
  /** Whether the runs listed reach back 24 hours (otherwise `rowsLast24h` is a lower bound). */
  readonly complete: boolean
  /** The schedule the scheduler runs it on, or `null` (disabled or triggered only). */
  readonly schedule: Schedule | null
  readonly attention: Attention
}

const day = 24 * 60 * 60 * 1000
const rank: Record<Attention, number> = { failing: 0, "failed-records": 1, ok: 2 }

/** The key of a schedule, to ask the server its next run once per distinct schedule. */
export const scheduleKey = (schedule: Schedule): string =>
  "cron" in schedule ? `cron:${schedule.cron}` : `every:${schedule.intervalSeconds}`

/** The health of connector `connectorId` among the `connector:<id>` checks. */
export const healthOf = (checks: ReadonlyArray<HealthCheck>, connectorId: string): Health => {
  const check = checks.find((candidate) => candidate.name === `connector:${connectorId}`)
  return check === undefined
    ? { status: "unknown", message: undefined }
    : { status: check.status, message: check.message }
}

/** Whether `run` is a run of `definition` (an entity's default sync has no definition id on its runs). */
export const isRunOf = (run: RunView, definition: DefinitionView): boolean =>
  run.definitionId === definition.id ||
  (definition.isDefault &&
    run.definitionId === null &&
    run.connectorId === definition.source.connectorId &&
    run.entity === definition.source.entity)

/**
 * The overview's rows. `runs` are the latest runs, newest first (as `GET /runs` lists them); `now`
 * is in milliseconds since the epoch.
 */
export const overviewRows = (input: {
  readonly definitions: ReadonlyArray<DefinitionView>
  readonly runs: ReadonlyArray<RunView>
  readonly checks: ReadonlyArray<HealthCheck>
  readonly now: number
  /** Whether `runs` holds every run there is (fewer than were asked for). */
  readonly allRuns: boolean
}): ReadonlyArray<DefinitionRow> => {
  const since = input.now - day
  const oldest = input.runs.at(-1)
  const reachesBack = input.allRuns || (oldest !== undefined && Date.parse(oldest.startedAt) < since)
  const rows = input.definitions.map((definition): DefinitionRow => {
    const runs = input.runs.filter((run) => isRunOf(run, definition))
    const lastRun = runs.find((run) => run.status !== "running") ?? runs[0]
    const health = healthOf(input.checks, definition.source.connectorId)
    const failedRecords = lastRun !== undefined && lastRun.counts.failed > 0
    const attention: Attention =
      health.status === "down" || lastRun?.status === "failed" ? "failing" : failedRecords ? "failed-records" : "ok"
    return {
      id: definition.id,
      name: definition.name,
      isDefault: definition.isDefault,
      connectorId: definition.source.connectorId,
      entity: definition.source.entity,
      enabled: definition.enabled,
      health,
      lastRun,
      rowsLast24h: runs
        .filter((run) => Date.parse(run.startedAt) >= since)
        .reduce((sum, run) => sum + run.counts.fetched, 0),
      complete: reachesBack,
      schedule: definition.enabled ? definition.schedule : null,
      attention
    }
  })
  return [...rows].sort(
    (a, b) =>
      rank[a.attention] - rank[b.attention] ||
      a.connectorId.localeCompare(b.connectorId) ||
      a.name.localeCompare(b.name)
  )
}
