/**
 * The overview (`/`): the alerts firing, every connector with its upstream health, and every sync
 * definition (an entity's default sync and the user's) with its source's health, its last run, its
 * next scheduled run (as the server's scheduler computes it), the records fetched in the last
 * 24 hours; the failing ones first. Read from the API's own routes: alerts, health of the
 * connectors, connectors, definitions, runs, next runs.
 */
import { Effect } from "effect"
import { Link } from "wouter"
import type { ApiClient } from "../api/ApiClient.ts"
import { useApi } from "../api/useApi.ts"
import { PageState } from "../layout/PageState.tsx"
import { formatSeconds } from "../runs/runProgress.ts"
import {
  type DefinitionRow,
  type HealthCheck,
  healthOf,
  overviewRows,
  type Schedule,
  scheduleKey
} from "./overviewRows.ts"

/** How many of the latest runs the overview reads (the last 24 hours of a busy server may hold more). */
const runsRead = 2000

const formatTime = (iso: string) =>
  new Date(iso).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" })

const attentionLabel = { failing: "failing", "failed-records": "failed records", ok: "ok" } as const
const attentionBadge = { failing: "failed", "failed-records": "running", ok: "ok" } as const

/** Everything the page shows, in one load: the lists, then the next run of each distinct schedule. */
const loadOverview = (client: ApiClient) =>
  Effect.gen(function* () {
    const { connectors, definitions, runs, checks } = yield* Effect.all(
      {
        connectors: client.connectors.list(),
        definitions: client.definitions.list({ query: {} }),
        runs: client.runs.list({ query: { limit: runsRead } }),
        // A connector down is a 503 listing every check: the checks are what the page shows.
        checks: client.health.connectors().pipe(
          Effect.map((report): ReadonlyArray<HealthCheck> => report.checks),
          Effect.catchTag("Unhealthy", (unhealthy) => Effect.succeed<ReadonlyArray<HealthCheck>>(unhealthy.checks))
        )
      },
      { concurrency: "unbounded" }
    )
    const rows = overviewRows({ definitions, runs, checks, now: Date.now(), allRuns: runs.length < runsRead })
    const schedules = new Map<string, Schedule>()
    for (const row of rows) if (row.schedule !== null) schedules.set(scheduleKey(row.schedule), row.schedule)
    const nextRuns = new Map(
      yield* Effect.forEach(
        [...schedules],
        ([key, schedule]) =>
          Effect.map(
            client.schedules.nextRuns({ query: { ...schedule, count: 1 } }),
            (answer) => [key, answer.nextRuns[0]] as const
          ),
        { concurrency: 4 }
      )
    )
    return { connectors, checks, rows, nextRuns }
  })

const HealthBadge = ({ status, message }: { readonly status: string; readonly message: string | undefined }) => (
  <span className={`badge ${status}`} title={message}>
    {status}
  </span>
)

const DefinitionsTable = ({
  rows,
  nextRuns
}: {
  readonly rows: ReadonlyArray<DefinitionRow>
  readonly nextRuns: ReadonlyMap<string, string | undefined>
}) => (
  <div className="table-wrap">
    <table aria-label="Sync definitions">
      <caption className="muted">Failing first</caption>
      <thead>
        <tr>
          <th scope="col">Definition</th>
          <th scope="col">State</th>
          <th scope="col">Source health</th>
          <th scope="col">Last run</th>
          <th scope="col">Next run (UTC)</th>
          <th scope="col" className="num">
            Rows synced, 24 h
          </th>
        </tr>
      </thead>
      <tbody>
        {rows.map((row) => {
          const next = row.schedule === null ? undefined : nextRuns.get(scheduleKey(row.schedule))
          return (
            <tr key={row.id} data-definition={row.id} className={row.attention === "failing" ? "failing" : undefined}>
              <th scope="row">
                <Link href={`/connectors/${encodeURIComponent(row.connectorId)}`}>
                  {row.isDefault ? `${row.connectorId} / ${row.entity}` : row.name}
                </Link>
                {row.isDefault ? null : (
                  <span className="muted">
                    {" "}
                    ({row.connectorId} / {row.entity})
                  </span>
                )}
              </th>
              <td>
                <span className={`badge ${attentionBadge[row.attention]}`}>{attentionLabel[row.attention]}</span>
              </td>
              <td>
                <HealthBadge status={row.health.status} message={row.health.message} />
              </td>
              <td>
                {row.lastRun === undefined ? (
                  <span className="muted">never</span>
                ) : (
                  <>
                    <Link href={`/runs/${row.lastRun.id}`}>
                      <span className={`badge ${row.lastRun.status}`}>{row.lastRun.status}</span>
                    </Link>{" "}
                    <time dateTime={row.lastRun.startedAt}>{formatTime(row.lastRun.startedAt)}</time>
                    {row.lastRun.durationMs === null ? null : (
                      <span className="muted"> · {formatSeconds(row.lastRun.durationMs / 1000)}</span>
                    )}
                    {row.lastRun.counts.failed === 0 ? null : (
                      <>
                        {" · "}
                        <Link
                          href={`/failed?connector=${encodeURIComponent(row.connectorId)}&entity=${encodeURIComponent(row.entity)}`}
                        >
                          {row.lastRun.counts.failed.toLocaleString("en-US")} failed
                        </Link>
                      </>
                    )}
                  </>
                )}
              </td>
              <td data-testid="next-run">
                {!row.enabled ? (
                  <span className="badge disabled">disabled</span>
                ) : next === undefined ? (
                  <span className="muted">when triggered</span>
                ) : (
                  <time dateTime={next}>{formatTime(next)}</time>
                )}
              </td>
              <td className="num" data-testid="rows-24h">
                {row.rowsLast24h.toLocaleString("en-US")}
                {row.complete ? "" : "+"}
              </td>
            </tr>
          )
        })}
      </tbody>
    </table>
  </div>
)

/** The overview page. */
export const OverviewPage = () => {
  const alerts = useApi("alerts", (client) => client.alerts.list({ query: { state: "firing" } }))
  const overview = useApi("overview", loadOverview)
  return (
    <section aria-labelledby="overview-title">
      <h1 id="overview-title">Overview</h1>
      <h2>Alerts firing</h2>
      <PageState loaded={alerts}>
        {(list) =>
          list.length === 0 ? (
            <p>No alert is firing.</p>
          ) : (
            <ul className="alerts">
              {list.map((alert) => (
                <li key={alert.id}>
                  <span className="badge firing">{alert.rule}</span> {alert.summary}{" "}
                  <span className="muted">since {formatTime(alert.firedAt)}</span>
                </li>
              ))}
            </ul>
          )
        }
      </PageState>
      <PageState loaded={overview}>
        {({ connectors, checks, rows, nextRuns }) => (
          <>
            <h2>Connectors</h2>
            {connectors.length === 0 ? (
              <p>
                No connector yet: <Link href="/connectors/new">create one</Link>.
              </p>
            ) : (
              <ul className="connector-health" aria-label="Connectors' health">
                {connectors.map((connector) => {
                  const health = healthOf(checks, connector.id)
                  const failing = rows.filter(
                    (row) => row.connectorId === connector.id && row.attention === "failing"
                  ).length
                  return (
                    <li key={connector.id} data-connector={connector.id}>
                      <Link href={`/connectors/${encodeURIComponent(connector.id)}`}>{connector.name}</Link>{" "}
                      <HealthBadge status={health.status} message={health.message} />
                      {health.message === undefined || health.status === "ok" ? null : (
                        <span className="error"> {health.message}</span>
                      )}
                      {failing === 0 ? null : <span className="badge failed">{failing} failing</span>}
                    </li>
                  )
                })}
              </ul>
            )}
            <h2>Sync definitions</h2>
            {rows.length === 0 ? (
              <p>No sync definition yet: discover a connector's entities to get one per entity.</p>
            ) : (
              <DefinitionsTable rows={rows} nextRuns={nextRuns} />
            )}
            <p>
              <button type="button" className="secondary" onClick={overview.reload}>
                Refresh
              </button>
            </p>
          </>
        )}
      </PageState>
    </section>
  )
}
