/**
 * The runs page (`/runs`): the live runs, each followed through its event stream with a progress
 * bar and a cancel button, and the history, filtered by connector, entity and status (kept in the
 * query string), with every stage's counts, and a chart of an entity's rows/s and duration over time.
 */
import { Effect } from "effect"
import { Link, useSearch } from "wouter"
import type { RunView } from "../api/apiTypes.ts"
import { useApi } from "../api/useApi.ts"
import { PageState } from "../layout/PageState.tsx"
import { LiveRun } from "./LiveRun.tsx"
import { RunChartSection } from "./RunChartSection.tsx"
import { RunFiltersForm } from "./RunFiltersForm.tsx"
import { filtersFromSearch, runsQuery } from "./runFilters.ts"
import { formatSeconds } from "./runProgress.ts"

const historySize = 100

/** The stage counts the history shows, in order. */
const countColumns = ["fetched", "inserted", "updated", "unchanged", "deleted", "failed"] as const
const columnTitle = (column: string) => `${column.charAt(0).toUpperCase()}${column.slice(1)}`

/** The size of each entity's last successful run, by `connector/entity`: the live runs' estimates. */
const lastSizes = (runs: ReadonlyArray<RunView>): ReadonlyMap<string, number> => {
  const sizes = new Map<string, number>()
  for (const run of runs)
    if (run.status === "succeeded" && !sizes.has(`${run.connectorId}/${run.entity}`))
      sizes.set(`${run.connectorId}/${run.entity}`, run.counts.fetched)
  return sizes
}

const HistoryTable = ({ runs }: { readonly runs: ReadonlyArray<RunView> }) =>
  runs.length === 0 ? (
    <p>No run matches.</p>
  ) : (
    <div className="table-wrap">
      <table>
        <caption className="muted">Newest first</caption>
        <thead>
          <tr>
            <th scope="col">Run</th>
            <th scope="col">Status</th>
            <th scope="col">Mode</th>
            <th scope="col">Started</th>
            <th scope="col" className="num">
              Duration
            </th>
            {countColumns.map((column) => (
              <th key={column} scope="col" className="num">
                {columnTitle(column)}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {runs.map((run) => (
            <tr key={run.id}>
              <td>
                <Link href={`/runs/${run.id}`}>
                  {run.connectorId} / {run.entity}
                </Link>
                {run.definitionId === null ? null : <span className="muted"> ({run.definitionId})</span>}
              </td>
              <td>
                <span className={`badge ${run.status}`}>{run.status}</span>
              </td>
              <td>{run.mode}</td>
              <td>{new Date(run.startedAt).toLocaleString()}</td>
              <td className="num">{formatSeconds(run.durationMs === null ? null : run.durationMs / 1000)}</td>
              {countColumns.map((column) => (
                <td key={column} className="num">
                  {run.counts[column].toLocaleString("en-US")}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  )

/** The runs page. */
export const RunsPage = () => {
  const search = useSearch()
  const filters = filtersFromSearch(search)
  const live = useApi("live", (client) => client.runs.list({ query: { status: "running", limit: 50 } }))
  const recent = useApi("recent", (client) =>
    Effect.map(client.runs.list({ query: { status: "succeeded", limit: 500 } }), lastSizes)
  )
  const history = useApi(`history${search}`, (client) => client.runs.list({ query: runsQuery(filters, historySize) }))
  // A finished live run keeps its card (with its end) until the list is refreshed; the history shows it.
  const finished = history.reload
  return (
    <section aria-labelledby="runs-title">
      <h1 id="runs-title">Runs</h1>
      <h2>Live</h2>
      <p>
        <button type="button" className="secondary" onClick={live.reload}>
          Refresh live runs
        </button>
      </p>
      <PageState loaded={live}>
        {(runs) =>
          runs.length === 0 ? (
            <p>No run is going on.</p>
          ) : (
            <div className="live-runs">
              {runs.map((run) => (
                <LiveRun
                  key={run.id}
                  run={run}
                  estimate={recent.data?.get(`${run.connectorId}/${run.entity}`) ?? null}
                  onFinished={finished}
                />
              ))}
            </div>
          )
        }
      </PageState>
      <h2>History</h2>
      <RunFiltersForm key={search} filters={filters} />
      <PageState loaded={history}>{(runs) => <HistoryTable runs={runs} />}</PageState>
      <h2>Throughput and duration</h2>
      <PageState loaded={history}>{(runs) => <RunChartSection runs={runs} />}</PageState>
    </section>
  )
}
